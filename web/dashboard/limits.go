package dashboard

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/sillage/sillage/web/internal/httpx"
)

// Sign-ins allowed over signInWindow: per client network and email, so
// someone else's failures, from another network, never lock a marketer out
// of their own account; and per client network, so one network cannot try
// many accounts. Each attempt is counted before the password is checked
// and given back when it was right.
const (
	signInsPerNetwork = 20
	signInsPerEmail   = 5 // per network
	signInWindow      = 15 * time.Minute
)

// localNetwork keys the sign-ins of a loopback peer per email: a local
// tool is limited nowhere else, but passwords are guessed from there too
// when a proxy forwards with no client-address header. It has no overall
// limit: everyone behind such a proxy shares it, and 20 failures would
// lock every account out.
const localNetwork = "local"

// setupAttempt stands for the email of a setup code's guess: the codes
// tried from one network share one count, as tries at one account do.
const setupAttempt = "\x00setup"

// signInLimiter counts sign-ins in memory only, keyed by the network's
// daily-salted hash (see httpx.Limiter.Network) and by that and a salted hash
// of the email.
type signInLimiter struct {
	limits    *httpx.Limiter
	byNetwork *httpx.Counter
	byEmail   *httpx.Counter
	salt      [32]byte
}

func newSignInLimiter(l *httpx.Limiter) *signInLimiter {
	s := &signInLimiter{
		limits:    l,
		byNetwork: httpx.NewCounter(signInsPerNetwork, signInWindow, l.Now),
		byEmail:   httpx.NewCounter(signInsPerEmail, signInWindow, l.Now),
	}
	rand.Read(s.salt[:])
	return s
}

func (s *signInLimiter) emailKey(network, email string) string {
	h := sha256.New()
	h.Write(s.salt[:])
	h.Write([]byte(network))
	h.Write([]byte{0})
	h.Write([]byte(strings.ToLower(strings.TrimSpace(email))))
	return hex.EncodeToString(h.Sum(nil)[:16])
}

// signIn is one sign-in attempt, counted before the password check.
type signIn struct {
	s                *signInLimiter
	network, byEmail httpx.Ticket
}

// attempt counts a sign-in to email from r's network and reports whether
// it may be checked; when not, it has set Retry-After and counted nothing.
func (s *signInLimiter) attempt(w http.ResponseWriter, r *http.Request, email string) (signIn, bool) {
	a := signIn{s: s}
	ok := true
	net := s.limits.Network(r)
	if net == "" {
		net = localNetwork
	} else {
		a.network, ok = s.byNetwork.Take(net)
	}
	if ok {
		if a.byEmail, ok = s.byEmail.Take(s.emailKey(net, email)); !ok {
			s.byNetwork.Give(a.network)
		}
	}
	if !ok {
		w.Header().Set("Retry-After", strconv.Itoa(int(signInWindow.Seconds())))
	}
	return a, ok
}

// succeeded gives the attempt back: only failures count.
func (a signIn) succeeded() {
	a.s.byNetwork.Give(a.network)
	a.s.byEmail.Give(a.byEmail)
}
