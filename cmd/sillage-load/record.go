package main

import (
	"math"
	"slices"
	"strconv"
	"sync"
	"time"
)

// endpoint is one kind of request the simulation makes.
type endpoint int

// The endpoints of the recipient's way, and the journey: one person's link
// GET, unlock POST and content GET timed as a whole.
const (
	epPreview endpoint = iota // GET /s/{token} by a chat app's preview agent
	epLink                    // GET /s/{token} by the person: the unlock page
	epUnlock                  // POST /s/{token}/unlock
	epContent                 // GET /s/{token} after the unlock: the content page
	epMedia                   // GET /s/{token}/media, first 64 KiB
	epForward                 // POST /s/{token}/forward
	epJourney                 // link GET + unlock POST + content GET
	numEndpoints
)

// String returns the endpoint's name as the report shows it.
func (e endpoint) String() string {
	switch e {
	case epPreview:
		return "preview GET"
	case epLink:
		return "link GET"
	case epUnlock:
		return "unlock POST"
	case epContent:
		return "content GET"
	case epMedia:
		return "media GET"
	case epForward:
		return "forward POST"
	case epJourney:
		return "journey"
	}
	return "endpoint(" + strconv.Itoa(int(e)) + ")"
}

// series collects the latencies and failures of one endpoint. Durations
// are kept whole and sorted at the end: exact percentiles, and a few
// million of them fit easily.
type series struct {
	mu       sync.Mutex
	lat      []time.Duration // every answered request, failed or not
	failures map[string]int  // by status code, "transport" or "wrong page"
	dbLocked int             // answers whose body says "database is locked"
	killed   int             // in flight to an instance when it was killed: not errors
	sample   string          // the first failure, to say what went wrong
}

// observe records one request: d its latency (ignored for a transport
// error), failure empty on success, sample a description of a failure.
func (s *series) observe(d time.Duration, failure string, dbLocked bool, sample string) {
	s.mu.Lock()
	if failure != "transport" {
		s.lat = append(s.lat, d)
	}
	if failure != "" {
		if s.failures == nil {
			s.failures = make(map[string]int)
		}
		s.failures[failure]++
		if s.sample == "" {
			s.sample = sample
		}
	}
	if dbLocked {
		s.dbLocked++
	}
	s.mu.Unlock()
}

// observeKilled records a request that was in flight to an instance when
// it was killed and failed in transit.
func (s *series) observeKilled() {
	s.mu.Lock()
	s.killed++
	s.mu.Unlock()
}

// count returns how many requests were recorded, so far.
func (s *series) count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := len(s.lat)
	n += s.failures["transport"]
	return n
}

// recorder holds one series per endpoint of the main phase.
type recorder struct {
	ep [numEndpoints]series
}

// Figures is the summary of one endpoint as the report shows it.
type Figures struct {
	Name     string         `json:"name"`
	Count    int            `json:"count"`
	PerSec   float64        `json:"per_second"`
	P50      float64        `json:"p50_ms"`
	P95      float64        `json:"p95_ms"`
	P99      float64        `json:"p99_ms"`
	Max      float64        `json:"max_ms"`
	Mean     float64        `json:"mean_ms"`
	Errors   map[string]int `json:"errors,omitempty"`
	DBLocked int            `json:"database_locked,omitempty"`
	// Killed counts requests in flight to an instance when it was
	// killed, failed in transit: allowed, not in Count or Errors.
	Killed int    `json:"in_flight_at_kill,omitempty"`
	Sample string `json:"first_error,omitempty"`
}

// errorCount returns the number of failed requests.
func (f *Figures) errorCount() int {
	n := 0
	for _, c := range f.Errors {
		n += c
	}
	return n
}

// summarize returns the figures of the series merged from parts over
// elapsed. It sorts the parts' latencies in place: call it once the
// phase is over.
func summarize(name string, elapsed time.Duration, parts ...*series) Figures {
	f := Figures{Name: name}
	var lat []time.Duration
	for _, s := range parts {
		s.mu.Lock()
		if len(parts) == 1 {
			lat = s.lat
		} else {
			lat = append(lat, s.lat...)
		}
		for k, v := range s.failures {
			if f.Errors == nil {
				f.Errors = make(map[string]int)
			}
			f.Errors[k] += v
		}
		f.DBLocked += s.dbLocked
		f.Killed += s.killed
		if f.Sample == "" {
			f.Sample = s.sample
		}
		s.mu.Unlock()
	}
	f.Count = len(lat) + f.Errors["transport"]
	if elapsed > 0 {
		f.PerSec = float64(f.Count) / elapsed.Seconds()
	}
	if len(lat) == 0 {
		return f
	}
	slices.Sort(lat)
	var sum time.Duration
	for _, d := range lat {
		sum += d
	}
	f.P50 = ms(percentile(lat, 0.50))
	f.P95 = ms(percentile(lat, 0.95))
	f.P99 = ms(percentile(lat, 0.99))
	f.Max = ms(lat[len(lat)-1])
	f.Mean = ms(sum / time.Duration(len(lat)))
	return f
}

// percentile returns the nearest-rank q-quantile of sorted, which must not
// be empty.
func percentile(sorted []time.Duration, q float64) time.Duration {
	i := int(math.Ceil(q*float64(len(sorted)))) - 1
	return sorted[min(max(i, 0), len(sorted)-1)]
}

// ms is d in milliseconds, rounded to the microsecond.
func ms(d time.Duration) float64 {
	return math.Round(float64(d)/1e3) / 1e3
}
