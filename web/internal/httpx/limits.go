package httpx

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"log/slog"
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

// Limiter applies Limits. Client addresses are never stored: each is
// hashed with a salt that changes every day, and the counters keyed by
// those hashes live only in memory. The salt is shared by the instances
// on one database when Config.Salts is set (sealed there, and deleted when
// its day is over), else it lives only in this process's memory.
type Limiter struct {
	cfg      Limits
	addrs    clientAddrs
	unlocks  *Counter
	failures *Counter
	previews *Counter
	now      func() time.Time

	salts func(ctx context.Context, day int64) ([32]byte, error) // nil: memory only
	log   *slog.Logger

	mu    sync.Mutex
	day   int64
	salt  [32]byte
	retry time.Time // a salt of this process's own: ask salts again from then

	// Alerts, for operators: bursts of failed look-ups are guessing.
	// These are what this process counted and has not yet added to
	// Config.Alerts (all it counted, when that is nil); flushMu keeps a
	// flush and a reading of the alerts apart, so that a reading never
	// sees the counts on their way from here to the store in neither.
	guessBursts    atomic.Int64
	limitedUnlocks atomic.Int64
	flushMu        sync.Mutex
}

func NewLimiter(cfg Limits, now func() time.Time, salts func(context.Context, int64) ([32]byte, error), log *slog.Logger) *Limiter {
	if cfg.Window <= 0 {
		cfg.Window = time.Minute
	}
	if log == nil {
		log = slog.Default()
	}
	l := &Limiter{cfg: cfg, addrs: newClientAddrs(cfg.ClientIPHeader, cfg.TrustedProxies), now: now, day: -1, salts: salts, log: log}
	if cfg.Unlocks > 0 {
		l.unlocks = NewCounter(cfg.Unlocks, cfg.Window, now)
	}
	if cfg.FailedLookups > 0 {
		l.failures = NewCounter(cfg.FailedLookups, cfg.Window, now)
	}
	if cfg.Previews > 0 {
		l.previews = NewCounter(cfg.Previews, cfg.Window, now)
	}
	return l
}

// Network is the client's network as an opaque, daily-salted hash: the
// key of every per-network limit. IPv6 clients are grouped by /64, the
// block one subscriber usually holds. It is empty, and the request is
// limited by nothing, only when the socket's own peer is a loopback
// address and no proxy header named the client: a local tool. A header
// never makes a request local.
func (l *Limiter) Network(r *http.Request) string {
	addr, named := l.addrs.of(r)
	if !addr.IsValid() || (!named && addr.IsLoopback()) {
		return ""
	}
	if addr.Is6() {
		if p, err := addr.Prefix(64); err == nil {
			addr = p.Addr()
		}
	}
	salt := l.daySalt(r.Context())
	h := sha256.New()
	h.Write(salt[:])
	b := addr.As16()
	h.Write(b[:])
	return hex.EncodeToString(h.Sum(nil)[:16])
}

// saltRetry is how long a process hashes with a salt of its own after the
// shared one could not be had (a full disk), before asking again.
const saltRetry = time.Minute

// daySalt returns today's salt (UTC), asking l.salts once a day. When the
// shared salt cannot be had, the process hashes with one of its own, so
// that limits keep working; meanwhile another instance counts the same
// network apart, and the per-network cap holds per instance only.
func (l *Limiter) daySalt(ctx context.Context) [32]byte {
	now := l.now()
	day := now.Unix() / 86400
	l.mu.Lock()
	defer l.mu.Unlock()
	if day == l.day && (l.retry.IsZero() || now.Before(l.retry)) {
		return l.salt
	}
	if l.salts != nil {
		// One client leaving must not cost everyone the shared salt.
		salt, err := l.salts(context.WithoutCancel(ctx), day)
		if err == nil {
			l.day, l.salt, l.retry = day, salt, time.Time{}
			return salt
		}
		l.log.WarnContext(ctx, "the shared network salt: hashing with this instance's own for now", "err", err)
		l.retry = now.Add(saltRetry)
		if day == l.day {
			return l.salt
		}
	}
	rand.Read(l.salt[:])
	l.day = day
	return l.salt
}

// retryAfter tells a limited client when to come back: once the window
// has passed.
func (l *Limiter) retryAfter(w http.ResponseWriter) {
	w.Header().Set("Retry-After", strconv.Itoa(int(l.cfg.Window.Seconds())))
}

// AllowUnlock counts one unlock attempt and reports whether it may go on;
// when not, it has set Retry-After.
func (l *Limiter) AllowUnlock(w http.ResponseWriter, r *http.Request) bool {
	key := l.Network(r)
	if l.unlocks == nil || key == "" {
		return true
	}
	if _, ok := l.unlocks.Take(key); !ok {
		l.limitedUnlocks.Add(1)
		l.retryAfter(w)
		return false
	}
	return true
}

// TokenLookup is one token look-up, counted against its network's failed
// look-ups before it runs.
type TokenLookup struct {
	l *Limiter
	t Ticket
}

// Lookup counts a token look-up of r's network as failed before it runs,
// and reports whether it may run; when not, it has set Retry-After. The
// caller settles it with the look-up's outcome: counting first means
// parallel guesses cannot all pass a check made before any is counted.
func (l *Limiter) Lookup(w http.ResponseWriter, r *http.Request) (TokenLookup, bool) {
	key := l.Network(r)
	if l.failures == nil || key == "" {
		return TokenLookup{}, true
	}
	t, ok := l.failures.Take(key)
	if !ok {
		l.retryAfter(w)
		return TokenLookup{}, false
	}
	return TokenLookup{l: l, t: t}, true
}

// Settle keeps the count of a look-up whose err says the token does not
// exist, and gives it back otherwise: only misses count. The miss that
// fills the window is a guessing burst.
func (g TokenLookup) Settle(err error) {
	if g.l == nil {
		return
	}
	if !isMiss(err) {
		g.l.failures.Give(g.t)
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

// PreviewWrite counts a preview record of r's network before it is
// written, and reports whether it may be; the caller gives the Ticket back
// with unwritten when nothing was written after all.
func (l *Limiter) PreviewWrite(r *http.Request) (Ticket, bool) {
	key := l.Network(r)
	if l.previews == nil || key == "" {
		return Ticket{}, true
	}
	return l.previews.Take(key)
}

// Unwritten gives back a preview write that wrote nothing.
func (l *Limiter) Unwritten(t Ticket) {
	if l.previews != nil {
		l.previews.Give(t)
	}
}

// NetworkBytes is Network as bytes for the database; nil for a loopback
// peer, whose network is unknown. With a shared salt the instances on one
// database count a network seen by two of them, or across a restart, as
// one; without it each process has its own.
func (l *Limiter) NetworkBytes(r *http.Request) []byte {
	b, err := hex.DecodeString(l.Network(r))
	if err != nil || len(b) == 0 {
		return nil
	}
	return b
}

// Now is the limiter's clock, for the counters of other limits.
func (l *Limiter) Now() time.Time { return l.now() }

// Limits are the limits l applies, its window set.
func (l *Limiter) Limits() Limits { return l.cfg }
