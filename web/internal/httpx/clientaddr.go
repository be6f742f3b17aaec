package httpx

import (
	"net/http"
	"net/netip"
	"net/textproto"
	"strings"
)

// DefaultTrustedProxies are the peers whose client-address header is
// believed when Limits.TrustedProxies is empty: loopback and the private
// ranges (RFC 1918, IPv6 unique local), where a reverse proxy on the same
// host, a container network or a cloud load balancer inside its private
// network connects from. A client on the public Internet never does; one on
// the private network itself could choose its address, so list narrower
// ranges when the server is reachable from such clients.
var DefaultTrustedProxies = []netip.Prefix{
	netip.MustParsePrefix("127.0.0.0/8"),
	netip.MustParsePrefix("::1/128"),
	netip.MustParsePrefix("10.0.0.0/8"),
	netip.MustParsePrefix("172.16.0.0/12"),
	netip.MustParsePrefix("192.168.0.0/16"),
	netip.MustParsePrefix("fc00::/7"),
}

// forwardedFor is the header that proxies append to rather than set.
const forwardedFor = "X-Forwarded-For"

// clientAddrs finds a request's client address as Limits says.
type clientAddrs struct {
	header  string // canonical; empty: the socket's address
	trusted []netip.Prefix
}

func newClientAddrs(header string, trusted []netip.Prefix) clientAddrs {
	if len(trusted) == 0 {
		trusted = DefaultTrustedProxies
	}
	if header != "" {
		header = textproto.CanonicalMIMEHeaderKey(header)
	}
	return clientAddrs{header: header, trusted: trusted}
}

func (c clientAddrs) trusts(a netip.Addr) bool {
	for _, p := range c.trusted {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// of returns r's client address, and whether a header named it: only the
// socket's own address may be a loopback exemption.
//
// The header is read only when the socket's peer is a trusted proxy and
// the header is there: a request that reached the server past the proxy,
// or a local tool beside it, is its socket's address. In X-Forwarded-For
// every proxy appends the address it saw, so the client is the right-most
// address that is not a trusted proxy: what a client wrote itself stands
// to the left of it. Any other header is taken as one address that the
// proxy sets, replacing what the client sent. A header there that names no
// address counts as the proxy's own address, never as a local one.
func (c clientAddrs) of(r *http.Request) (netip.Addr, bool) {
	peer := socketAddr(r.RemoteAddr)
	if c.header == "" || !peer.IsValid() || !c.trusts(peer) {
		return peer, false
	}
	values := r.Header.Values(c.header)
	if len(values) == 0 {
		return peer, false
	}
	if c.header != forwardedFor {
		if a, ok := parseHop(values[len(values)-1]); ok {
			return a, true
		}
		return peer, true
	}
	client := peer
	for i := len(values) - 1; i >= 0; i-- {
		hops := strings.Split(values[i], ",")
		for j := len(hops) - 1; j >= 0; j-- {
			a, ok := parseHop(hops[j])
			if !ok {
				return client, true // the last address a trusted hop vouched for
			}
			if client = a; !c.trusts(a) {
				return a, true
			}
		}
	}
	return client, true // proxies all the way: the left-most
}

// socketAddr parses http.Request.RemoteAddr.
func socketAddr(remote string) netip.Addr {
	if ap, err := netip.ParseAddrPort(remote); err == nil {
		return ap.Addr().Unmap()
	}
	a, _ := netip.ParseAddr(remote)
	return a.Unmap()
}

// parseHop parses one address as proxies write them: bare, with a port,
// or bracketed IPv6.
func parseHop(s string) (netip.Addr, bool) {
	s = strings.TrimSpace(s)
	if a, err := netip.ParseAddr(s); err == nil {
		return a.Unmap().WithZone(""), true
	}
	if ap, err := netip.ParseAddrPort(s); err == nil {
		return ap.Addr().Unmap().WithZone(""), true
	}
	if a, err := netip.ParseAddr(strings.TrimSuffix(strings.TrimPrefix(s, "["), "]")); err == nil {
		return a.Unmap().WithZone(""), true
	}
	return netip.Addr{}, false
}
