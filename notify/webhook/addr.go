package webhook

import "net/netip"

// Ranges AllowPrivate lifts: the server's own machine and its networks,
// where a developer's test receiver lives.
var privateRanges = prefixes(
	"127.0.0.0/8", "::1/128", // loopback
	"10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "fc00::/7", // RFC 1918, ULA
)

// Ranges always refused: none is a marketer's receiver on the internet,
// and some are worse than private (169.254.169.254 hands out cloud
// credentials).
var reservedRanges = prefixes(
	"0.0.0.0/8", "::/128", // "this network", unspecified
	"169.254.0.0/16", "fe80::/10", // link-local, with cloud metadata
	"100.64.0.0/10",           // CGNAT, a provider's internal network
	"192.0.0.0/24",            // IETF protocol assignments
	"198.18.0.0/15",           // benchmarking
	"240.0.0.0/4",             // reserved, and broadcast
	"224.0.0.0/4", "ff00::/8", // multicast
)

// Prefixes that carry an IPv4 address inside an IPv6 one, which the
// network may unwrap: such an address is as allowed as the IPv4 it wraps.
var (
	nat64     = netip.MustParsePrefix("64:ff9b::/96")
	sixToFour = netip.MustParsePrefix("2002::/16")
)

// allowed reports whether a webhook may connect to a.
func (g Guard) allowed(a netip.Addr) bool {
	a = a.Unmap().WithZone("") // ::ffff:127.0.0.1 is 127.0.0.1
	if !a.IsValid() {
		return false
	}
	if v4, ok := embeddedIPv4(a); ok {
		return g.allowed(v4)
	}
	if in(reservedRanges, a) {
		return false
	}
	return g.AllowPrivate || !in(privateRanges, a)
}

// embeddedIPv4 returns the IPv4 address a NAT64 or 6to4 address wraps.
func embeddedIPv4(a netip.Addr) (netip.Addr, bool) {
	b := a.As16()
	switch {
	case !a.Is6():
		return netip.Addr{}, false
	case nat64.Contains(a):
		return netip.AddrFrom4([4]byte(b[12:16])), true
	case sixToFour.Contains(a):
		return netip.AddrFrom4([4]byte(b[2:6])), true
	}
	return netip.Addr{}, false
}

func in(ps []netip.Prefix, a netip.Addr) bool {
	for _, p := range ps {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

func prefixes(ss ...string) []netip.Prefix {
	ps := make([]netip.Prefix, len(ss))
	for i, s := range ss {
		ps[i] = netip.MustParsePrefix(s)
	}
	return ps
}
