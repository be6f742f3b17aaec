package web

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/go-chi/httprate"
)

// Failed sign-ins allowed over signInWindow: per client network, so one
// network cannot try many accounts, and per email, so many networks cannot
// try one account. Successful sign-ins are not counted.
const (
	signInsPerNetwork = 20
	signInsPerEmail   = 5
	signInWindow      = 15 * time.Minute
)

// signInLimiter counts failed sign-ins in memory only, keyed by the
// network's daily-salted hash (see limiter.key) and by a salted hash of
// the email.
type signInLimiter struct {
	limits    *limiter
	byNetwork *httprate.RateLimiter
	byEmail   *httprate.RateLimiter
	salt      [32]byte
}

func newSignInLimiter(l *limiter) *signInLimiter {
	s := &signInLimiter{
		limits:    l,
		byNetwork: httprate.NewRateLimiter(signInsPerNetwork, signInWindow),
		byEmail:   httprate.NewRateLimiter(signInsPerEmail, signInWindow),
	}
	rand.Read(s.salt[:])
	return s
}

func (s *signInLimiter) emailKey(email string) string {
	h := sha256.New()
	h.Write(s.salt[:])
	h.Write([]byte(strings.ToLower(strings.TrimSpace(email))))
	return hex.EncodeToString(h.Sum(nil)[:16])
}

// blocked reports whether the network or the email already failed as many
// sign-ins as the window allows, setting Retry-After when so.
func (s *signInLimiter) blocked(w http.ResponseWriter, r *http.Request, email string) bool {
	over := func(l *httprate.RateLimiter, key string, limit int) bool {
		_, rate, err := l.Status(key)
		return err == nil && rate >= float64(limit)
	}
	net := s.limits.key(r)
	if (net != "" && over(s.byNetwork, net, signInsPerNetwork)) || over(s.byEmail, s.emailKey(email), signInsPerEmail) {
		w.Header().Set("Retry-After", strconv.Itoa(int(signInWindow.Seconds())))
		return true
	}
	return false
}

// failed counts a failed sign-in against the network and the email.
func (s *signInLimiter) failed(w http.ResponseWriter, r *http.Request, email string) {
	if net := s.limits.key(r); net != "" {
		s.byNetwork.OnLimit(w, r, net)
	}
	s.byEmail.OnLimit(w, r, s.emailKey(email))
}
