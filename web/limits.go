package web

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/http"
	"net/netip"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/sillage/sillage/campaign"
	"github.com/sillage/sillage/gating"
	"github.com/sillage/sillage/notify"
)

// Limits bound what one client network may do over a sliding window:
// cookie clearing and scripted unlocks, token guessing, and preview
// records. Zero disables a limit. Phones behind one carrier NAT share an
// address, so the defaults are generous.
type Limits struct {
	Unlocks       int           // unlock attempts per window
	FailedLookups int           // unknown or malformed tokens per window
	Previews      int           // preview records written per window
	Window        time.Duration // the sliding window

	// ClientIPHeader names the one header a reverse proxy gives the client
	// address in; empty: the socket's address. "X-Forwarded-For" takes the
	// right-most address that is not a trusted proxy; any other header
	// ("X-Real-IP", "CF-Connecting-IP", "Fly-Client-IP"…) is taken whole,
	// as the proxy sets it. Either is read only from a trusted peer.
	ClientIPHeader string
	TrustedProxies []netip.Prefix // the proxies' addresses; empty: DefaultTrustedProxies
}

// DefaultLimits are the limits of a new server.
func DefaultLimits() Limits {
	return Limits{Unlocks: 60, FailedLookups: 30, Previews: 60, Window: time.Minute}
}

// limiter applies Limits. Client addresses are never stored: each is
// hashed with a salt that lives only in memory and changes every day, and
// the counters keyed by those hashes live only in memory too.
type limiter struct {
	cfg      Limits
	addrs    clientAddrs
	unlocks  *counter
	failures *counter
	previews *counter
	now      func() time.Time

	mu   sync.Mutex
	day  int64
	salt [32]byte

	// Alerts, for operators: bursts of failed look-ups are guessing.
	guessBursts    atomic.Int64
	limitedUnlocks atomic.Int64
}

func newLimiter(cfg Limits, now func() time.Time) *limiter {
	if cfg.Window <= 0 {
		cfg.Window = time.Minute
	}
	l := &limiter{cfg: cfg, addrs: newClientAddrs(cfg.ClientIPHeader, cfg.TrustedProxies), now: now, day: -1}
	if cfg.Unlocks > 0 {
		l.unlocks = newCounter(cfg.Unlocks, cfg.Window, now)
	}
	if cfg.FailedLookups > 0 {
		l.failures = newCounter(cfg.FailedLookups, cfg.Window, now)
	}
	if cfg.Previews > 0 {
		l.previews = newCounter(cfg.Previews, cfg.Window, now)
	}
	return l
}

// network is the client's network as an opaque, daily-salted hash: the
// key of every per-network limit. IPv6 clients are grouped by /64, the
// block one subscriber usually holds. It is empty, and the request is
// limited by nothing, only when the socket's own peer is a loopback
// address and no proxy header named the client: a local tool. A header
// never makes a request local.
func (l *limiter) network(r *http.Request) string {
	addr, named := l.addrs.of(r)
	if !addr.IsValid() || (!named && addr.IsLoopback()) {
		return ""
	}
	if addr.Is6() {
		if p, err := addr.Prefix(64); err == nil {
			addr = p.Addr()
		}
	}
	day := l.now().Unix() / 86400
	l.mu.Lock()
	if day != l.day {
		rand.Read(l.salt[:])
		l.day = day
	}
	h := sha256.New()
	h.Write(l.salt[:])
	l.mu.Unlock()
	b := addr.As16()
	h.Write(b[:])
	return hex.EncodeToString(h.Sum(nil)[:16])
}

// retryAfter tells a limited client when to come back: once the window
// has passed.
func (l *limiter) retryAfter(w http.ResponseWriter) {
	w.Header().Set("Retry-After", strconv.Itoa(int(l.cfg.Window.Seconds())))
}

// allowUnlock counts one unlock attempt and reports whether it may go on;
// when not, it has set Retry-After.
func (l *limiter) allowUnlock(w http.ResponseWriter, r *http.Request) bool {
	key := l.network(r)
	if l.unlocks == nil || key == "" {
		return true
	}
	if _, ok := l.unlocks.take(key); !ok {
		l.limitedUnlocks.Add(1)
		l.retryAfter(w)
		return false
	}
	return true
}

// lookup is one token look-up, counted against its network's failed
// look-ups before it runs.
type lookup struct {
	l *limiter
	t ticket
}

// lookup counts a token look-up of r's network as failed before it runs,
// and reports whether it may run; when not, it has set Retry-After. The
// caller settles it with the look-up's outcome: counting first means
// parallel guesses cannot all pass a check made before any is counted.
func (l *limiter) lookup(w http.ResponseWriter, r *http.Request) (lookup, bool) {
	key := l.network(r)
	if l.failures == nil || key == "" {
		return lookup{}, true
	}
	t, ok := l.failures.take(key)
	if !ok {
		l.retryAfter(w)
		return lookup{}, false
	}
	return lookup{l: l, t: t}, true
}

// settle keeps the count of a look-up whose err says the token does not
// exist, and gives it back otherwise: only misses count. The miss that
// fills the window is a guessing burst.
func (g lookup) settle(err error) {
	if g.l == nil {
		return
	}
	if !isMiss(err) {
		g.l.failures.give(g.t)
		return
	}
	if g.t.last {
		g.l.guessBursts.Add(1)
	}
}

// isMiss reports whether err says a token names nothing.
func isMiss(err error) bool {
	return errors.Is(err, gating.ErrNotFound) || errors.Is(err, campaign.ErrNotFound) || errors.Is(err, notify.ErrNotFound)
}

// previewWrite counts a preview record of r's network before it is
// written, and reports whether it may be; the caller gives the ticket back
// with unwritten when nothing was written after all.
func (l *limiter) previewWrite(r *http.Request) (ticket, bool) {
	key := l.network(r)
	if l.previews == nil || key == "" {
		return ticket{}, true
	}
	return l.previews.take(key)
}

// unwritten gives back a preview write that wrote nothing.
func (l *limiter) unwritten(t ticket) {
	if l.previews != nil {
		l.previews.give(t)
	}
}
