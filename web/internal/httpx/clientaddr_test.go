package httpx

import (
	"net/http"
	"net/http/httptest"
	"net/netip"
	"testing"
	"time"
)

// The client address comes from the one header the operator names, only
// from a trusted proxy, and in X-Forwarded-For only from the hop a trusted
// proxy appended; a header never makes a request local.
func TestClientAddress(t *testing.T) {
	cloud := []netip.Prefix{netip.MustParsePrefix("130.211.0.0/22")}
	for _, c := range []struct {
		name    string
		header  string
		trusted []netip.Prefix
		remote  string
		headers http.Header
		want    string
		named   bool
	}{
		{"NoHeaderConfigured", "", nil, "198.51.100.7:4000",
			http.Header{"X-Real-Ip": {"1.2.3.4"}, "X-Forwarded-For": {"1.2.3.4"}}, "198.51.100.7", false},
		{"LocalTool", "", nil, "127.0.0.1:4000", nil, "127.0.0.1", false},
		{"UntrustedPeerIgnored", "X-Forwarded-For", nil, "198.51.100.7:4000",
			http.Header{"X-Forwarded-For": {"1.2.3.4"}}, "198.51.100.7", false},
		{"TrustedPeerWithoutHeader", "X-Forwarded-For", nil, "127.0.0.1:4000", nil, "127.0.0.1", false},
		{"ProxyAppended", "X-Forwarded-For", nil, "127.0.0.1:4000",
			http.Header{"X-Forwarded-For": {"1.2.3.4, 9.9.9.9, 203.0.113.50"}}, "203.0.113.50", true},
		{"OtherHeaderNotRead", "X-Forwarded-For", nil, "127.0.0.1:4000",
			http.Header{"X-Real-Ip": {"9.9.9.9"}, "X-Forwarded-For": {"203.0.113.50"}}, "203.0.113.50", true},
		{"ChainOfTrustedProxies", "X-Forwarded-For", nil, "10.0.0.3:4000",
			http.Header{"X-Forwarded-For": {"9.9.9.9, 203.0.113.50, 10.0.0.2"}}, "203.0.113.50", true},
		{"SeveralHeaderLines", "X-Forwarded-For", nil, "127.0.0.1:4000",
			http.Header{"X-Forwarded-For": {"9.9.9.9, 8.8.8.8", "203.0.113.50"}}, "203.0.113.50", true},
		{"ForgedLoopback", "X-Forwarded-For", nil, "127.0.0.1:4000",
			http.Header{"X-Forwarded-For": {"127.0.0.1"}}, "127.0.0.1", true},
		{"ForgedLoopbackLeftOfClient", "X-Forwarded-For", nil, "127.0.0.1:4000",
			http.Header{"X-Forwarded-For": {"127.0.0.1, 203.0.113.50"}}, "203.0.113.50", true},
		{"GarbageLeftOfTrustedHop", "X-Forwarded-For", nil, "127.0.0.1:4000",
			http.Header{"X-Forwarded-For": {"nonsense, 10.0.0.2"}}, "10.0.0.2", true},
		{"GarbageOnly", "X-Forwarded-For", nil, "127.0.0.1:4000",
			http.Header{"X-Forwarded-For": {"nonsense"}}, "127.0.0.1", true},
		{"PortsAndBrackets", "X-Forwarded-For", nil, "[::1]:4000",
			http.Header{"X-Forwarded-For": {"203.0.113.9:5000, [2001:db8::1]:443"}}, "2001:db8::1", true},
		{"MappedIPv4", "X-Forwarded-For", nil, "127.0.0.1:4000",
			http.Header{"X-Forwarded-For": {"::ffff:203.0.113.50"}}, "203.0.113.50", true},
		{"CloudRanges", "X-Forwarded-For", cloud, "130.211.1.9:4000",
			http.Header{"X-Forwarded-For": {"9.9.9.9, 203.0.113.50, 130.211.2.2"}}, "203.0.113.50", true},
		{"CloudRangesOnlyLoopbackNotTrusted", "X-Forwarded-For", cloud, "127.0.0.1:4000",
			http.Header{"X-Forwarded-For": {"203.0.113.50"}}, "127.0.0.1", false},
		{"SingleHeader", "x-real-ip", nil, "127.0.0.1:4000",
			http.Header{"X-Real-Ip": {"203.0.113.50"}, "X-Forwarded-For": {"9.9.9.9"}}, "203.0.113.50", true},
		{"SingleHeaderLoopback", "X-Real-IP", nil, "127.0.0.1:4000",
			http.Header{"X-Real-Ip": {"127.0.0.1"}}, "127.0.0.1", true},
		{"SingleHeaderGarbage", "X-Real-IP", nil, "127.0.0.1:4000",
			http.Header{"X-Real-Ip": {"localhost"}}, "127.0.0.1", true},
		{"SingleHeaderUntrustedPeer", "CF-Connecting-IP", cloud, "198.51.100.7:4000",
			http.Header{"Cf-Connecting-Ip": {"203.0.113.50"}}, "198.51.100.7", false},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := httptest.NewRequest("GET", "/s/x", nil)
			r.RemoteAddr = c.remote
			for k, v := range c.headers {
				r.Header[k] = v
			}
			got, named := newClientAddrs(c.header, c.trusted).of(r)
			if got != netip.MustParseAddr(c.want) || named != c.named {
				t.Errorf("of = %v, %v; want %v, %v", got, named, c.want, c.named)
			}
			// Local, unlimited, only for the socket's own loopback.
			l := NewLimiter(Limits{ClientIPHeader: c.header, TrustedProxies: c.trusted}, time.Now, nil, nil)
			if local, want := l.Network(r) == "", !c.named && netip.MustParseAddr(c.want).IsLoopback(); local != want {
				t.Errorf("local = %v, want %v", local, want)
			}
		})
	}
}
