package webhook

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"syscall"
	"time"

	"github.com/sillage/sillage/campaign"
)

// ErrAddressRefused is returned (wrapped) when a delivery would connect to
// an address the Guard refuses; a delivery log shows it as "address refused".
var ErrAddressRefused = errors.New("address refused")

// Limits of the Guard.
const (
	// MaxURL is the longest endpoint URL accepted.
	MaxURL = 2048
	// LookupTimeout bounds the resolution of a name at registration, so a
	// slow DNS server cannot hold the marketer's request.
	LookupTimeout = 3 * time.Second
	// MaxResponseBody is what a delivery reads of a receiver's answer at
	// most: enough for an error message in the log, never a receiver's
	// memory in ours.
	MaxResponseBody = 64 << 10
)

// Resolver looks up a host's addresses; *net.Resolver is one. Tests inject
// theirs so that a name resolves to a private address without a network.
type Resolver interface {
	LookupNetIP(ctx context.Context, network, host string) ([]netip.Addr, error)
}

// Guard keeps webhooks from reaching the server's own network (SSRF): an
// endpoint's URL is checked at registration, and every delivery's
// connection again when it is made.
type Guard struct {
	// AllowPrivate lifts the refusal of loopback and private addresses
	// (SILLAGE_WEBHOOK_ALLOW_PRIVATE), for development and tests; link-local,
	// metadata, multicast and reserved addresses stay refused.
	AllowPrivate bool
	// Resolver resolves names at registration; nil means net.DefaultResolver.
	Resolver Resolver
}

// CheckURL checks the URL of an endpoint being registered with a Guard of
// allowPrivate and the system's resolver; see Guard.CheckURL.
func CheckURL(ctx context.Context, raw string, allowPrivate bool) error {
	return Guard{AllowPrivate: allowPrivate}.CheckURL(ctx, raw)
}

// CheckURL returns nil for a URL a webhook may be sent to: http or https, a
// host, no user or password, at most MaxURL bytes, and every address the
// host resolves to allowed. Otherwise it returns a *campaign.ValidationError
// of field "url" whose message says why. Passing is not enough to be safe
// (the name may resolve elsewhere later): the Client checks again when it
// connects.
func (g Guard) CheckURL(ctx context.Context, raw string) error {
	if len(raw) > MaxURL {
		return campaign.Invalid("url", "must be at most %d characters", MaxURL)
	}
	u, err := url.Parse(raw)
	if err != nil {
		return campaign.Invalid("url", "is not a URL")
	}
	if u.Scheme != "https" && u.Scheme != "http" {
		return campaign.Invalid("url", "must start with https:// or http://")
	}
	if u.User != nil {
		return campaign.Invalid("url", "must not contain a user name or password")
	}
	host := u.Hostname()
	if host == "" {
		return campaign.Invalid("url", "must name a host")
	}
	if p := u.Port(); p != "" {
		if _, err := net.LookupPort("tcp", p); err != nil || p == "0" {
			return campaign.Invalid("url", "has an invalid port")
		}
	}
	if a, err := netip.ParseAddr(host); err == nil {
		if !g.allowed(a) {
			return campaign.Invalid("url", "must not point to a private or reserved address (%s)", a)
		}
		return nil
	}
	r := g.Resolver
	if r == nil {
		r = net.DefaultResolver
	}
	ctx, cancel := context.WithTimeout(ctx, LookupTimeout)
	defer cancel()
	addrs, err := r.LookupNetIP(ctx, "ip", host)
	if err != nil || len(addrs) == 0 {
		return campaign.Invalid("url", "host %s cannot be resolved", host)
	}
	// Every address: a client may connect to any of them.
	for _, a := range addrs {
		if !g.allowed(a) {
			return campaign.Invalid("url", "host %s resolves to a private or reserved address (%s)", host, a)
		}
	}
	return nil
}

// Control is a net.Dialer Control hook refusing a connection to an address
// the Guard does not allow. It sees the address actually dialled, after
// resolution, so a name that resolved to a public address at registration
// and to an internal one now (DNS rebinding) is refused.
func (g Guard) Control(network, address string, _ syscall.RawConn) error {
	ap, err := netip.ParseAddrPort(address)
	if err != nil {
		return fmt.Errorf("webhook: dial %s %s: %w", network, address, ErrAddressRefused)
	}
	if !g.allowed(ap.Addr()) {
		return fmt.Errorf("webhook: dial %s: %w", address, ErrAddressRefused)
	}
	return nil
}

// Client returns the HTTP client for deliveries: connections through
// Control, no proxy (an environment proxy would be checked instead of the
// receiver), no redirect followed (a redirect answer is returned as is, so
// a receiver cannot send us elsewhere), timeout bounding each attempt from
// dial to the end of the body, and at most MaxResponseBody bytes of a
// response read.
func (g Guard) Client(timeout time.Duration) *http.Client {
	d := &net.Dialer{Timeout: timeout, Control: g.Control}
	t := &http.Transport{
		Proxy:                 nil,
		DialContext:           d.DialContext,
		ForceAttemptHTTP2:     true,
		TLSHandshakeTimeout:   timeout,
		ResponseHeaderTimeout: timeout,
		MaxIdleConnsPerHost:   4,
		IdleConnTimeout:       90 * time.Second,
	}
	return &http.Client{
		Transport: limitBody{t},
		Timeout:   timeout,
		CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		},
	}
}

// limitBody caps what can be read of every response's body.
type limitBody struct{ rt http.RoundTripper }

func (l limitBody) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := l.rt.RoundTrip(r)
	if err != nil {
		return nil, err
	}
	resp.Body = struct {
		io.Reader
		io.Closer
	}{io.LimitReader(resp.Body, MaxResponseBody), resp.Body}
	return resp, nil
}
