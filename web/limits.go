package web

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"net"
	"net/http"
	"net/netip"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/go-chi/httprate"
)

// Limits bound what one client network may do over a sliding window:
// cookie clearing and scripted unlocks, and token guessing. Zero disables a
// limit. Phones behind one carrier NAT share an address, so the defaults
// are generous.
type Limits struct {
	Unlocks       int           // unlock attempts per window
	FailedLookups int           // unknown or malformed tokens per window
	Window        time.Duration // the sliding window
	TrustProxy    bool          // take the client address from X-Forwarded-For / X-Real-IP
}

// DefaultLimits are the limits of a new server.
func DefaultLimits() Limits {
	return Limits{Unlocks: 60, FailedLookups: 30, Window: time.Minute}
}

// limiter applies Limits. Client addresses are never stored: each is
// hashed with a salt that lives only in memory and changes every day, and
// the counters keyed by those hashes live only in memory too.
type limiter struct {
	cfg      Limits
	unlocks  *httprate.RateLimiter
	failures *httprate.RateLimiter
	now      func() time.Time

	mu   sync.Mutex
	day  int64
	salt [32]byte

	// Alerts, for operators: bursts of failed look-ups are guessing.
	guessBursts    atomic.Int64
	limitedUnlocks atomic.Int64
}

func newLimiter(cfg Limits, now func() time.Time) *limiter {
	l := &limiter{cfg: cfg, now: now, day: -1}
	if cfg.Window <= 0 {
		cfg.Window = time.Minute
	}
	if cfg.Unlocks > 0 {
		l.unlocks = httprate.NewRateLimiter(cfg.Unlocks, cfg.Window)
	}
	if cfg.FailedLookups > 0 {
		l.failures = httprate.NewRateLimiter(cfg.FailedLookups, cfg.Window)
	}
	return l
}

// key is the client's network as an opaque, daily-salted hash. IPv6
// clients are grouped by /64, the block one subscriber usually holds. It is
// empty for a loopback peer: a local tool, or a reverse proxy whose
// clients would otherwise all share one bucket (set TrustProxy there).
func (l *limiter) key(r *http.Request) string {
	addr := l.clientAddr(r).Unmap()
	if addr.IsLoopback() || !addr.IsValid() {
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

func (l *limiter) clientAddr(r *http.Request) netip.Addr {
	if l.cfg.TrustProxy {
		if ip, err := netip.ParseAddr(strings.TrimSpace(r.Header.Get("X-Real-IP"))); err == nil {
			return ip
		}
		// Our proxy appends the address it saw: the last entry is the one
		// nobody upstream could forge.
		xff := r.Header.Get("X-Forwarded-For")
		if i := strings.LastIndexByte(xff, ','); i >= 0 {
			xff = xff[i+1:]
		}
		if ip, err := netip.ParseAddr(strings.TrimSpace(xff)); err == nil {
			return ip
		}
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	ip, _ := netip.ParseAddr(host)
	return ip
}

// allowUnlock counts one unlock attempt and reports whether it may go on;
// when not, it has set Retry-After.
func (l *limiter) allowUnlock(w http.ResponseWriter, r *http.Request) bool {
	key := l.key(r)
	if l.unlocks == nil || key == "" {
		return true
	}
	if l.unlocks.OnLimit(w, r, key) {
		l.limitedUnlocks.Add(1)
		return false
	}
	return true
}

// guessing reports whether the client already failed as many look-ups as
// the window allows, setting Retry-After when so.
func (l *limiter) guessing(w http.ResponseWriter, r *http.Request) bool {
	key := l.key(r)
	if l.failures == nil || key == "" {
		return false
	}
	if _, rate, err := l.failures.Status(key); err != nil || rate < float64(l.cfg.FailedLookups) {
		return false
	}
	w.Header().Set("Retry-After", strconv.Itoa(int(l.cfg.Window.Seconds())))
	return true
}

// failed counts a failed look-up; the one that reaches the limit is
// counted as a guessing burst.
func (l *limiter) failed(w http.ResponseWriter, r *http.Request) {
	key := l.key(r)
	if l.failures == nil || key == "" {
		return
	}
	_, rate, _ := l.failures.Status(key)
	l.failures.OnLimit(w, r, key)
	if limit := float64(l.cfg.FailedLookups); rate < limit && rate+1 >= limit {
		l.guessBursts.Add(1)
	}
}
