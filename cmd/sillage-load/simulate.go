package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"sync"
	"time"
)

// sim is one run of the branching process: the people waiting to be
// simulated, the seed links not used yet, and what was recorded.
type sim struct {
	cfg           *config
	linkBase      string // first server's address + "/s/"; exchange retargets each request
	transport     *http.Transport
	pool          *pool           // the instances the requests are spread over
	kill          func() error    // -kill's SIGKILL, nil for none
	previewClient *http.Client    // chat apps' fetchers: no cookies
	reqCtx        context.Context // never cancelled: a request in flight always ends, so counts stay exact
	video         []byte          // the uploaded content

	// pathOnly simulates the recipient path alone: no preview, no media,
	// no forward.
	pathOnly bool

	rec   recorder
	tally *tally // shared by every phase of a run: the server counts them all

	mu       sync.Mutex
	cond     *sync.Cond    // signalled when people are queued or one finishes
	stopped  chan struct{} // closed on stop
	queue    []person      // forwarded links waiting for their person, oldest first
	head     int           // queue[head:] is waiting
	seeds    []string      // seed tokens; seeds[nextSeed:] are unused
	nextSeed int
	started  int // people handed out
	inflight int
	stopping bool
	reason   string // why the run stopped

	idleArrivals    int // open loop: arrivals with nobody to simulate
	droppedArrivals int // open loop: arrivals over the in-flight cap
}

// newTransport returns the one Transport every simulated device shares:
// enough idle connections kept for every worker, so the run measures the
// server rather than TCP handshakes.
func newTransport(conns int) *http.Transport {
	return &http.Transport{
		Proxy:               nil, // straight to the server
		DialContext:         (&net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		MaxIdleConns:        conns,
		MaxIdleConnsPerHost: conns,
		IdleConnTimeout:     90 * time.Second,
		DisableCompression:  true,
	}
}

func newSim(cfg *config, tr *http.Transport, pl *pool, t *tally, seeds []string, video []byte) *sim {
	s := &sim{
		pool:          pl,
		tally:         t,
		cfg:           cfg,
		linkBase:      cfg.URL.String() + "/s/",
		transport:     tr,
		previewClient: &http.Client{Transport: tr, CheckRedirect: noRedirect, Timeout: requestTimeout},
		reqCtx:        context.Background(),
		video:         video,
		stopped:       make(chan struct{}),
		seeds:         seeds,
	}
	s.cond = sync.NewCond(&s.mu)
	return s
}

// takeResult says what next found.
type takeResult int

const (
	took      takeResult = iota // a person to simulate
	exhausted                   // stopping, or nothing left and nobody in flight
	idle                        // nothing now, but people in flight may forward
	full                        // the in-flight cap is reached
)

// next hands out the next person: the oldest forwarded link waiting, else
// the next seed. With block it waits while people in flight may still
// forward; without, it answers idle or full instead.
func (s *sim) next(block bool) (person, takeResult) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for {
		if s.stopping {
			return person{}, exhausted
		}
		if !block && s.inflight >= s.cfg.Concurrency {
			return person{}, full
		}
		var p person
		switch {
		case s.head < len(s.queue):
			p = s.queue[s.head]
			s.queue[s.head] = person{}
			s.head++
			if s.head > 1024 && 2*s.head > len(s.queue) {
				s.queue = s.queue[:copy(s.queue, s.queue[s.head:])]
				s.head = 0
			}
		case s.nextSeed < len(s.seeds):
			i := s.nextSeed
			s.nextSeed++
			p = person{id: splitmix(uint64(i)), token: s.seeds[i], depth: 1, channel: "link", parent: -1}
		case s.inflight == 0:
			s.stopLocked("every seed and forward simulated")
			return person{}, exhausted
		case !block:
			return person{}, idle
		default:
			s.cond.Wait()
			continue
		}
		s.started++
		s.inflight++
		if s.cfg.People > 0 && s.started >= s.cfg.People {
			s.stopLocked(fmt.Sprintf("%d people", s.cfg.People))
		}
		return p, took
	}
}

// enqueue adds a friend who received a forwarded link.
func (s *sim) enqueue(p person) {
	s.mu.Lock()
	s.queue = append(s.queue, p)
	s.mu.Unlock()
	s.cond.Signal()
}

// done marks a person finished.
func (s *sim) done() {
	s.mu.Lock()
	s.inflight--
	last := s.inflight == 0
	s.mu.Unlock()
	if last {
		s.cond.Broadcast() // waiting workers may now see that nothing is left
	}
}

// stop ends the run: nobody new starts, people in flight finish.
func (s *sim) stop(reason string) {
	s.mu.Lock()
	s.stopLocked(reason)
	s.mu.Unlock()
}

func (s *sim) stopLocked(reason string) {
	if s.stopping {
		return
	}
	s.stopping = true
	s.reason = reason
	close(s.stopped)
	s.cond.Broadcast()
}

// run simulates people until a bound is reached, ctx is done or nobody is
// left, and returns how long it took.
func (s *sim) run(ctx context.Context, progress io.Writer) time.Duration {
	start := time.Now()
	if s.cfg.Duration > 0 {
		t := time.AfterFunc(s.cfg.Duration, func() { s.stop(s.cfg.Duration.String()) })
		defer t.Stop()
	}
	defer context.AfterFunc(ctx, func() { s.stop("interrupted") })()
	if k := s.cfg.Kill; k != nil && s.kill != nil {
		s.pool.setStart(start)
		t := time.AfterFunc(k.After, func() { s.pool.kill(s.pool.insts[k.Index-1], s.kill) })
		defer t.Stop()
	}
	if s.cfg.Progress > 0 && progress != nil {
		go s.printProgress(progress, start)
	}
	if s.cfg.Rate > 0 {
		s.runOpen()
	} else {
		s.runClosed()
	}
	return time.Since(start)
}

// runClosed keeps Concurrency people in flight: each worker takes the next
// person as soon as its last one is done.
func (s *sim) runClosed() {
	var wg sync.WaitGroup
	for range s.cfg.Concurrency {
		wg.Go(func() {
			var buf bytes.Buffer
			for {
				p, res := s.next(true)
				if res != took {
					return
				}
				s.visit(p, &buf)
				s.done()
			}
		})
	}
	wg.Wait()
}

// runOpen starts Rate people per second whatever the server's speed, at
// most Concurrency in flight; arrivals finding nobody to simulate or the
// cap reached are counted, not queued.
func (s *sim) runOpen() {
	var wg sync.WaitGroup
	bufs := sync.Pool{New: func() any { return new(bytes.Buffer) }}
	tick := time.NewTicker(max(time.Duration(float64(time.Second)/s.cfg.Rate), time.Millisecond))
	defer tick.Stop()
	start := time.Now()
	dispatched := 0
	for {
		select {
		case <-s.stopped:
			wg.Wait()
			return
		case <-tick.C:
		}
		due := int(time.Since(start).Seconds()*s.cfg.Rate) - dispatched
		for ; due > 0; due-- {
			dispatched++
			p, res := s.next(false)
			switch res {
			case took:
				wg.Go(func() {
					buf := bufs.Get().(*bytes.Buffer)
					s.visit(p, buf)
					bufs.Put(buf)
					s.done()
				})
			case idle:
				s.idleArrivals++
			case full:
				s.droppedArrivals++
			case exhausted:
				wg.Wait()
				return
			}
		}
	}
}

// printProgress prints a progress line every Progress until the run
// stops.
func (s *sim) printProgress(w io.Writer, start time.Time) {
	t := time.NewTicker(s.cfg.Progress)
	defer t.Stop()
	for {
		select {
		case <-s.stopped:
			return
		case <-t.C:
		}
		s.mu.Lock()
		started, inflight, waiting := s.started, s.inflight, len(s.queue)-s.head
		s.mu.Unlock()
		fmt.Fprintf(w, "%6.1fs  people %d  in flight %d  waiting %d  unlocks %d  journeys %d\n",
			time.Since(start).Seconds(), started, inflight, waiting,
			s.rec.ep[epUnlock].count(), s.rec.ep[epJourney].count())
	}
}

// tally is what the simulation did that the server must count: each
// unlocked person as a node, forwards per channel, previews.
type tally struct {
	mu       sync.Mutex
	nodes    []simNode
	forwards map[string]int64
	previews int64
}

// simNode is one claim as the simulation made it.
type simNode struct {
	depth   int32
	parent  int32 // index in tally.nodes, -1 under a seed link
	channel string
}

// unlocked records p's claim (a 303 to its unlock) and returns its index.
func (t *tally) unlocked(p person) int32 {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.nodes = append(t.nodes, simNode{depth: int32(p.depth), parent: p.parent, channel: p.channel})
	return int32(len(t.nodes) - 1)
}

// forwarded records a forward link minted on ch (a 201).
func (t *tally) forwarded(ch string) {
	t.mu.Lock()
	if t.forwards == nil {
		t.forwards = make(map[string]int64)
	}
	t.forwards[ch]++
	t.mu.Unlock()
}

// previewed records a preview fetch the server answered.
func (t *tally) previewed() {
	t.mu.Lock()
	t.previews++
	t.mu.Unlock()
}
