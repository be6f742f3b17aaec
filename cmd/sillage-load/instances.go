package main

import (
	"context"
	"fmt"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// killSpec is -kill: SIGKILL instance Index (1-based, in -url order),
// whose process is PID, After into the main phase.
type killSpec struct {
	Index int
	PID   int
	After time.Duration
}

// parseKill reads "i:pid@duration".
func parseKill(s string, n int) (*killSpec, error) {
	ip, after, ok := strings.Cut(s, "@")
	idx, pid, ok2 := strings.Cut(ip, ":")
	if !ok || !ok2 {
		return nil, usagef("-kill %q: want instance:pid@duration, such as 2:12345@30s", s)
	}
	k := &killSpec{}
	var err error
	if k.Index, err = strconv.Atoi(idx); err != nil || k.Index < 1 || k.Index > n {
		return nil, usagef("-kill %q: instance %q is not one of the %d -url addresses (1 to %d)", s, idx, n, n)
	}
	if n < 2 {
		return nil, usagef("-kill %q: killing the only instance leaves nothing to serve; give several -url", s)
	}
	if k.PID, err = strconv.Atoi(pid); err != nil || k.PID < 1 {
		return nil, usagef("-kill %q: %q is not a process id", s, pid)
	}
	if k.After, err = time.ParseDuration(after); err != nil || k.After <= 0 {
		return nil, usagef("-kill %q: %q is not a positive duration", s, after)
	}
	return k, nil
}

// urlList is -url: comma-separated, the flag repeatable. The default
// (one URL) is replaced, not extended, by the first -url given.
type urlList struct {
	urls []string
	set  bool
}

func (l *urlList) String() string { return strings.Join(l.urls, ",") }

func (l *urlList) Set(v string) error {
	if !l.set {
		l.urls, l.set = nil, true
	}
	for u := range strings.SplitSeq(v, ",") {
		if u = strings.TrimSpace(u); u != "" {
			l.urls = append(l.urls, u)
		}
	}
	return nil
}

// instance is one server of a several-instance run, with what the
// simulation sent it.
type instance struct {
	n    int // 1-based, in -url order
	base *url.URL
	rec  series // every recipient request sent to it, all endpoints

	// Under pool.mu.
	dead     bool
	gen      int               // deaths so far: a request picked at an older gen was in flight at a death
	inflight [numEndpoints]int // requests picked for it and not finished
	atKill   [numEndpoints]int // requests in flight at a death that ended in a transport error
	killedAt time.Time         // zero while never killed
	rejoined time.Time         // zero until /readyz answered after the death
	after    int               // requests it answered after rejoining
	moved    int               // requests refused after its death, sent to another instance
	killErr  string            // why the kill failed, if it did
}

// pool spreads the recipient requests over the instances: each request
// goes to the next live instance in turn, as a load balancer without
// stickiness does (the device's cookie goes with it, see lbJar).
type pool struct {
	mu    sync.Mutex
	insts []*instance
	next  int
	start time.Time // start of the main phase, for the report's times
}

func newPool(urls []*url.URL) *pool {
	p := &pool{}
	for i, u := range urls {
		p.insts = append(p.insts, &instance{n: i + 1, base: u})
	}
	return p
}

// setStart sets the moment the report's kill and rejoin times count from.
func (p *pool) setStart(t time.Time) {
	p.mu.Lock()
	p.start = t
	p.mu.Unlock()
}

// pick returns the next live instance and its generation, counting one
// request of kind ep in flight to it. With every instance dead it
// returns the first: its requests then fail, and are counted as to the
// killed instance.
func (p *pool) pick(ep endpoint) (*instance, int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	var in *instance
	for range p.insts {
		c := p.insts[p.next%len(p.insts)]
		p.next++
		if !c.dead {
			in = c
			break
		}
	}
	if in == nil {
		in = p.insts[0]
	}
	in.inflight[ep]++
	return in, in.gen
}

// finish ends a request picked at gen. A transport error on an instance
// that died since the request was picked is one in flight at the kill:
// it returns true, and the request is not an error. Any other transport
// error is a failure of a live instance.
func (p *pool) finish(in *instance, gen int, ep endpoint, transportErr bool) (atKill bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	in.inflight[ep]--
	if transportErr && (in.gen != gen || in.dead) {
		in.atKill[ep]++
		return true
	}
	if !transportErr && !in.rejoined.IsZero() && gen == in.gen {
		in.after++
	}
	return false
}

// refused ends a request picked at gen whose connection was refused:
// when in died since the pick and another instance lives, the request
// never reached a server and moves (true); otherwise false, and finish
// is still due.
func (p *pool) refused(in *instance, gen int, ep endpoint) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if in.gen == gen && !in.dead {
		return false
	}
	for _, o := range p.insts {
		if !o.dead {
			in.inflight[ep]--
			in.moved++
			return true
		}
	}
	return false
}

// markDead takes in out of rotation: requests already picked for it and
// failing in transit are counted as in flight at the kill.
func (p *pool) markDead(in *instance) {
	p.mu.Lock()
	in.dead = true
	in.gen++
	in.killedAt = time.Now()
	in.rejoined = time.Time{}
	p.mu.Unlock()
}

// kill marks instance k.Index dead, then sends SIGKILL to k.PID (or calls
// kill, in tests). Marking first means no request is picked for it after
// the signal.
func (p *pool) kill(in *instance, kill func() error) {
	p.markDead(in)
	if err := kill(); err != nil {
		p.mu.Lock()
		in.killErr = err.Error()
		p.mu.Unlock()
	}
}

// sigkill is the real kill of -kill.
func sigkill(pid int) func() error {
	return func() error { return syscall.Kill(pid, syscall.SIGKILL) }
}

// watch polls each dead instance's /readyz every interval until ctx is
// done; an instance answering 200 returns to rotation, with no step by
// the operator.
func (p *pool) watch(ctx context.Context, interval time.Duration) {
	client := &http.Client{Timeout: interval}
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		p.mu.Lock()
		var dead []*instance
		for _, in := range p.insts {
			if in.dead {
				dead = append(dead, in)
			}
		}
		p.mu.Unlock()
		for _, in := range dead {
			req, _ := http.NewRequestWithContext(ctx, http.MethodGet, in.base.String()+"/readyz", nil)
			res, err := client.Do(req)
			if err != nil {
				continue
			}
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				p.mu.Lock()
				in.dead = false
				in.rejoined = time.Now()
				p.mu.Unlock()
			}
		}
	}
}

// live returns the first live instance's address: the API calls after
// the main phase go there.
func (p *pool) live() *url.URL {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, in := range p.insts {
		if !in.dead {
			return in.base
		}
	}
	return p.insts[0].base
}

// liveAll returns the addresses of every live instance.
func (p *pool) liveAll() []*url.URL {
	p.mu.Lock()
	defer p.mu.Unlock()
	var out []*url.URL
	for _, in := range p.insts {
		if !in.dead {
			out = append(out, in.base)
		}
	}
	return out
}

// allowance sums the requests in flight at a kill by kind, over every
// instance.
func (p *pool) allowance() allowance {
	p.mu.Lock()
	defer p.mu.Unlock()
	var a allowance
	for _, in := range p.insts {
		a.Unlocks += in.atKill[epUnlock]
		a.Forwards += in.atKill[epForward]
		a.Previews += in.atKill[epPreview]
		for _, n := range in.atKill {
			a.Requests += n
		}
	}
	return a
}

// allowance is what requests in flight to a killed instance may have
// added to the server's figures without the simulation seeing it.
type allowance struct {
	Requests int `json:"requests"` // every request in flight at the kill, any kind
	Unlocks  int `json:"unlocks"`
	Forwards int `json:"forwards"`
	Previews int `json:"previews"`
}

// Instance is one instance's part of the report.
type Instance struct {
	N        int     `json:"n"`
	URL      string  `json:"url"`
	Figures  Figures `json:"figures"` // every recipient request sent to it
	InFlight int     `json:"in_flight_at_kill"`
	// Unlocks and forwards among InFlight.
	InFlightUnlocks  int      `json:"in_flight_unlocks"`
	InFlightForwards int      `json:"in_flight_forwards"`
	KilledAfter      *float64 `json:"killed_after_s,omitempty"`   // seconds into the main phase
	RejoinedAfter    *float64 `json:"rejoined_after_s,omitempty"` // seconds into the main phase
	ServedAfter      int      `json:"served_after_rejoin,omitempty"`
	Moved            int      `json:"moved,omitempty"` // refused after the kill, sent to a live instance
	KillError        string   `json:"kill_error,omitempty"`
}

// report returns the per-instance figures over elapsed.
func (p *pool) report(elapsed time.Duration) []Instance {
	p.mu.Lock()
	defer p.mu.Unlock()
	var out []Instance
	for _, in := range p.insts {
		r := Instance{N: in.n, URL: in.base.String(), Figures: summarize(fmt.Sprintf("instance %d", in.n), elapsed, &in.rec),
			InFlightUnlocks: in.atKill[epUnlock], InFlightForwards: in.atKill[epForward], ServedAfter: in.after, Moved: in.moved, KillError: in.killErr}
		for _, n := range in.atKill {
			r.InFlight += n
		}
		if !in.killedAt.IsZero() {
			s := in.killedAt.Sub(p.start).Seconds()
			r.KilledAfter = &s
		}
		if !in.rejoined.IsZero() {
			s := in.rejoined.Sub(p.start).Seconds()
			r.RejoinedAfter = &s
		}
		out = append(out, r)
	}
	return out
}

// lbJar is a device's cookie jar behind a load balancer: whichever
// instance answered, its cookies are kept under one address (the first
// instance's), and sent to every instance, as a browser does with the
// one host name a balancer answers on.
type lbJar struct {
	jar  *cookiejar.Jar
	home *url.URL
}

func newLBJar(home *url.URL) *lbJar {
	jar, err := cookiejar.New(nil)
	if err != nil {
		panic(err) // cookiejar.New never fails without options
	}
	return &lbJar{jar: jar, home: home}
}

func (j *lbJar) at(u *url.URL) *url.URL {
	h := *u
	h.Scheme, h.Host = j.home.Scheme, j.home.Host
	return &h
}

func (j *lbJar) SetCookies(u *url.URL, cookies []*http.Cookie) { j.jar.SetCookies(j.at(u), cookies) }
func (j *lbJar) Cookies(u *url.URL) []*http.Cookie             { return j.jar.Cookies(j.at(u)) }
