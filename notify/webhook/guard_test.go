package webhook

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/sillage/sillage/campaign"
)

// fakeDNS is a Resolver answering from a map, so that names resolve to
// private addresses without a network.
type fakeDNS map[string][]string

func (f fakeDNS) LookupNetIP(_ context.Context, _, host string) ([]netip.Addr, error) {
	ss, ok := f[host]
	if !ok {
		return nil, &net.DNSError{Err: "no such host", Name: host, IsNotFound: true}
	}
	var as []netip.Addr
	for _, s := range ss {
		as = append(as, netip.MustParseAddr(s))
	}
	return as, nil
}

var testDNS = fakeDNS{
	"receiver.example":     {"93.184.215.14", "2606:2800:21f:cb07:6820:80da:af6b:8b2c"},
	"internal.example":     {"10.0.0.1"},
	"half.example":         {"93.184.215.14", "10.0.0.1"}, // every address counts
	"mapped.example":       {"::ffff:127.0.0.1"},
	"metadata.example":     {"169.254.169.254"},
	"cgnat.example":        {"100.64.0.1"},
	"localhost-ip.example": {"127.0.0.1"},
}

func TestCheckURL(t *testing.T) {
	malformed := []string{
		// Not a URL a webhook can be sent to.
		"", "/hooks", "receiver.example/hooks", "ftp://receiver.example/", "javascript:alert(1)",
		"https:receiver.example", "https:///hooks", "https://:443/",
		"https://user:pw@receiver.example/", "https://user@receiver.example/",
		"https://receiver.example:0/", "https://receiver.example:99999/", "https://receiver.example:port/",
		"https://receiver.example/" + strings.Repeat("a", MaxURL),
		"https://nowhere.example/", // not resolved
	}
	internal := []string{
		// Loopback, private, link-local, unspecified, multicast, reserved.
		"http://127.0.0.1/", "http://127.1.2.3:8080/", "http://[::1]/",
		"http://10.0.0.1/", "http://172.16.0.1/", "http://172.31.255.255/", "http://192.168.1.1/",
		"http://[fc00::1]/", "http://[fd12:3456::1]/",
		"http://169.254.169.254/latest/meta-data/", "http://[fe80::1]/", "http://[fe80::1%25eth0]/",
		"http://0.0.0.0/", "http://0.1.2.3/", "http://[::]/",
		"http://224.0.0.1/", "http://239.255.255.250/", "http://[ff02::1]/",
		"http://100.64.0.1/", "http://100.127.255.254/",
		"http://192.0.0.8/", "http://198.18.0.1/", "http://198.19.255.255/",
		"http://240.0.0.1/", "http://255.255.255.255/",
		// IPv4 in IPv6: mapped, NAT64, 6to4.
		"http://[::ffff:127.0.0.1]/", "http://[::ffff:10.0.0.1]/", "http://[::ffff:169.254.169.254]/",
		"http://[64:ff9b::7f00:1]/", "http://[64:ff9b::a9fe:a9fe]/", "http://[2002:a00:1::1]/",
		// Names resolving to any of them.
		"https://internal.example/", "https://half.example/", "https://mapped.example/",
		"https://metadata.example/", "https://cgnat.example/", "https://localhost-ip.example/",
	}
	allowed := []string{
		"https://receiver.example/hooks?x=1#f", "http://receiver.example:8080/", "HTTPS://receiver.example/",
		"https://93.184.215.14/", "https://[2606:4700::1111]/",
		// The neighbours of refused ranges: the ranges are not too wide.
		"http://11.0.0.1/", "http://172.15.255.255/", "http://172.32.0.1/", "http://192.169.0.1/",
		"http://169.255.0.1/", "http://100.63.255.255/", "http://100.128.0.1/", "http://198.20.0.1/",
		"http://1.0.0.1/", "http://223.255.255.254/",
		"http://[64:ff9b::5db8:d70e]/", "http://[2002:5db8:d70e::1]/", "http://[::ffff:93.184.215.14]/",
	}
	g := Guard{Resolver: testDNS}
	for i, raw := range append(malformed, internal...) {
		err := g.CheckURL(t.Context(), raw)
		v, ok := errors.AsType[*campaign.ValidationError](err)
		if !ok || v.Field != "url" {
			t.Errorf("CheckURL(%q) = %v, want a ValidationError of url", raw, err)
			continue
		}
		// An internal address must be refused for what it is, not because
		// something else went wrong first.
		if i >= len(malformed) && !strings.Contains(v.Message, "private or reserved") {
			t.Errorf("CheckURL(%q) = %v, want refused as private or reserved", raw, err)
		}
	}
	for _, raw := range allowed {
		if err := g.CheckURL(t.Context(), raw); err != nil {
			t.Errorf("CheckURL(%q) = %v, want nil", raw, err)
		}
	}

	t.Run("AllowPrivate", func(t *testing.T) {
		g := Guard{AllowPrivate: true, Resolver: testDNS}
		for _, raw := range []string{
			"http://127.0.0.1:8080/", "http://[::1]/", "http://10.0.0.1/", "http://192.168.1.1/",
			"http://[fd00::1]/", "http://[::ffff:127.0.0.1]/", "https://internal.example/",
		} {
			if err := g.CheckURL(t.Context(), raw); err != nil {
				t.Errorf("CheckURL(%q) = %v, want nil", raw, err)
			}
		}
		// Only loopback and private are lifted.
		for _, raw := range []string{
			"http://169.254.169.254/", "http://[fe80::1]/", "http://100.64.0.1/", "http://0.0.0.0/",
			"http://224.0.0.1/", "https://metadata.example/", "ftp://127.0.0.1/", "http://u:p@127.0.0.1/",
		} {
			if err := g.CheckURL(t.Context(), raw); err == nil {
				t.Errorf("CheckURL(%q) = nil, want refused", raw)
			}
		}
	})

	// localhost through the system's resolver (/etc/hosts, no network).
	t.Run("Localhost", func(t *testing.T) {
		err := CheckURL(t.Context(), "http://localhost:8080/hooks", false)
		if v, ok := errors.AsType[*campaign.ValidationError](err); !ok || !strings.Contains(v.Message, "private or reserved") {
			t.Errorf("CheckURL(localhost) = %v, want refused as private or reserved", err)
		}
	})
}

// receiver is an httptest server on 127.0.0.1 counting the requests it got.
func receiver(t *testing.T, h http.HandlerFunc) (*httptest.Server, *atomic.Int64) {
	t.Helper()
	var hits atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		if h != nil {
			h(w, r)
		}
	}))
	t.Cleanup(srv.Close)
	return srv, &hits
}

func TestClientRefusesAtConnect(t *testing.T) {
	srv, hits := receiver(t, nil)
	port := srv.URL[strings.LastIndex(srv.URL, ":"):]

	for _, raw := range []string{
		srv.URL,                         // 127.0.0.1, never checked at registration
		"http://localhost" + port + "/", // a name, resolved by the dialer
	} {
		resp, err := Guard{}.Client(5*time.Second).Post(raw, "application/json", strings.NewReader("{}"))
		if err == nil {
			resp.Body.Close()
		}
		if !errors.Is(err, ErrAddressRefused) {
			t.Errorf("POST %s: %v, want ErrAddressRefused", raw, err)
		}
	}
	if n := hits.Load(); n != 0 {
		t.Fatalf("the receiver got %d requests, want 0", n)
	}

	// DNS rebinding: at registration the name resolved to a public address,
	// at delivery it resolves to loopback. The dialled address decides.
	rebound := "http://localhost" + port + "/"
	g := Guard{Resolver: fakeDNS{"localhost": {"93.184.215.14"}}}
	if err := g.CheckURL(t.Context(), rebound); err != nil {
		t.Fatalf("registration with a public answer: %v", err)
	}
	_, err := g.Client(5*time.Second).Post(rebound, "application/json", strings.NewReader("{}"))
	if !errors.Is(err, ErrAddressRefused) || !strings.Contains(err.Error(), "address refused") {
		t.Errorf("delivery after rebinding: %v, want address refused", err)
	}
	if n := hits.Load(); n != 0 {
		t.Fatalf("the receiver got %d requests, want 0", n)
	}

	// The operator's switch lets a local receiver be reached.
	resp, err := Guard{AllowPrivate: true}.Client(5*time.Second).Post(srv.URL, "application/json", strings.NewReader("{}"))
	if err != nil {
		t.Fatalf("with AllowPrivate: %v", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || hits.Load() != 1 {
		t.Errorf("with AllowPrivate: status %d, %d requests; want 200 and 1", resp.StatusCode, hits.Load())
	}
}

func TestControlRefusesMetadataEvenIfPrivateAllowed(t *testing.T) {
	for _, addr := range []string{"169.254.169.254:80", "[fe80::1]:443", "100.64.0.1:80", "not-an-address"} {
		if err := (Guard{AllowPrivate: true}).Control("tcp", addr, nil); !errors.Is(err, ErrAddressRefused) {
			t.Errorf("Control(%s) = %v, want ErrAddressRefused", addr, err)
		}
	}
	if err := (Guard{}).Control("tcp4", "93.184.215.14:443", nil); err != nil {
		t.Errorf("Control(public) = %v, want nil", err)
	}
}

func TestClientFollowsNoRedirect(t *testing.T) {
	second, secondHits := receiver(t, nil)
	first, _ := receiver(t, func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, second.URL+"/elsewhere", http.StatusFound)
	})
	for _, method := range []string{http.MethodGet, http.MethodPost} {
		req, _ := http.NewRequest(method, first.URL, strings.NewReader("{}"))
		resp, err := Guard{AllowPrivate: true}.Client(5 * time.Second).Do(req)
		if err != nil {
			t.Fatalf("%s: %v", method, err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusFound {
			t.Errorf("%s: status %d, want the 302 itself", method, resp.StatusCode)
		}
	}
	if n := secondHits.Load(); n != 0 {
		t.Errorf("the redirect's target got %d requests, want 0", n)
	}
}

func TestClientCapsResponseBody(t *testing.T) {
	const huge = 4 << 20
	srv, _ := receiver(t, func(w http.ResponseWriter, r *http.Request) {
		chunk := []byte(strings.Repeat("x", 32<<10))
		for sent := 0; sent < huge; sent += len(chunk) {
			if _, err := w.Write(chunk); err != nil {
				return // the client stopped reading
			}
		}
	})
	resp, err := Guard{AllowPrivate: true}.Client(5 * time.Second).Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if len(b) != MaxResponseBody {
		t.Errorf("read %d bytes of a %d-byte answer, want %d", len(b), huge, MaxResponseBody)
	}
}

func TestClientTimesOut(t *testing.T) {
	release := make(chan struct{})
	srv, _ := receiver(t, func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	})
	defer close(release) // before the server's Close, which waits for handlers
	_, err := Guard{AllowPrivate: true}.Client(100*time.Millisecond).Post(srv.URL, "application/json", strings.NewReader("{}"))
	var ue *url.Error
	if !errors.As(err, &ue) || !ue.Timeout() {
		t.Errorf("a receiver that never answers: %v, want a timeout", err)
	}
}
