package main

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"slices"
	"strings"
)

// Report is everything one run measured and checked; -json prints it as
// it is.
type Report struct {
	URL         string  `json:"url"`
	Campaign    int64   `json:"campaign"`
	Mode        string  `json:"mode"`
	Concurrency int     `json:"concurrency"`
	Rate        float64 `json:"rate,omitempty"`
	Seed        uint64  `json:"seed"`
	Cores       int     `json:"cores"` // of the machine the tool ran on
	Params      Params  `json:"params"`
	Seconds     float64 `json:"seconds"` // length of the main phase
	StoppedBy   string  `json:"stopped_by"`
	People      People  `json:"people"`

	Endpoints []Figures  `json:"endpoints"` // in endpoint order, journey excluded
	Instances []Instance `json:"instances"` // main and path phases, per -url instance
	// KillFailure says why -kill did not happen as asked: the run fails.
	KillFailure string     `json:"kill_failure,omitempty"`
	All         Figures    `json:"all_recipient_requests"`
	Journey     Figures    `json:"journey"` // link GET + unlock POST + content GET of one person
	Path        *PathPhase `json:"path_phase"`
	Baselines   []Figures  `json:"baselines"`
	Phases      []Phase    `json:"phases"`
	Ratios      []Ratio    `json:"ratios"`
	Targets     []Target   `json:"targets"`

	Memory     *Memory `json:"server_memory"` // nil when not measured
	MemoryNote string  `json:"server_memory_note,omitempty"`

	Check  Check `json:"check"`
	Errors int   `json:"errors"` // failed requests, baselines included
	OK     bool  `json:"ok"`     // no error and every figure matched
}

// Params are the simulation's parameters.
type Params struct {
	Seeds    int     `json:"seeds"`
	P        float64 `json:"p"`
	K        int     `json:"k"`
	Depth    int     `json:"depth"`
	Preview  float64 `json:"preview"`
	Duration string  `json:"duration"`
	People   int     `json:"people"`
	Path     string  `json:"path_duration"`
	Baseline string  `json:"baseline_duration"`
}

// People is what the simulated people did.
type People struct {
	Simulated       int              `json:"simulated"`
	SeedsUsed       int              `json:"seeds_used"`
	Unlocked        int64            `json:"unlocked"`
	Journeys        int              `json:"journeys"`
	MaxDepth        int64            `json:"max_depth"`
	Forwards        map[string]int64 `json:"forwards"`
	Previews        int64            `json:"previews"`
	IdleArrivals    int              `json:"idle_arrivals,omitempty"`    // open loop: nobody to simulate
	DroppedArrivals int              `json:"dropped_arrivals,omitempty"` // open loop: in-flight cap reached
}

// PathPhase is the recipient path measured alone.
type PathPhase struct {
	Phase
	StoppedBy string    `json:"stopped_by"`
	Seeds     int       `json:"seeds"`  // fresh seed links minted for it
	People    int       `json:"people"` // people simulated
	Endpoints []Figures `json:"endpoints"`
	Journey   Figures   `json:"journey"`
}

// unlock returns the figures of the path phase's unlocks.
func (p *PathPhase) unlock() Figures {
	for _, f := range p.Endpoints {
		if f.Name == "path: "+epUnlock.String() {
			return f
		}
	}
	return Figures{}
}

// Ratio is a throughput of the main phase and its share of each baseline's.
type Ratio struct {
	Name       string             `json:"name"`
	PerSec     float64            `json:"per_second"`
	OfBaseline map[string]float64 `json:"of_baseline"` // by baseline name
}

// Target is one of issue 7's goals and whether the run met it.
type Target struct {
	Name  string  `json:"name"`
	Value float64 `json:"value"`
	Unit  string  `json:"unit"`
	Met   bool    `json:"met"`
}

// Memory is the server's memory at the end of the run.
type Memory struct {
	PID    int   `json:"pid"`
	RSSKiB int64 `json:"vm_rss_kib"`
	HWMKiB int64 `json:"vm_hwm_kib"` // peak resident
}

// Check is the comparison of the server's figures with the simulation.
type Check struct {
	OK        bool        `json:"ok"`
	Expected  expectation `json:"expected"`
	Server    *stats      `json:"server"`
	TreeNodes int         `json:"tree_nodes"` // -1 when the tree was not fetched
	Instances int         `json:"instances"`  // live instances checked, each the same
	// Compared are the answers fetched from each live instance and found
	// the same byte for byte (several instances only).
	Compared   []string `json:"compared,omitempty"`
	Mismatches []string `json:"mismatches"`
}

// Issue 7's goals.
const (
	targetPathShare = 0.40 // recipient path throughput / baseline
	targetUnlockP99 = 50.0 // ms
)

// pathRequests is how many requests a journey makes: link GET, unlock
// POST, content GET.
const pathRequests = 3

// finish derives the ratios, the targets, the error count and the verdict.
func (r *Report) finish() {
	var rows []Ratio
	if r.Path != nil {
		rows = append(rows,
			Ratio{Name: "recipient path alone (3 × journeys/s, path phase)", PerSec: pathRequests * r.Path.Journey.PerSec},
			Ratio{Name: "unlock POST alone (path phase)", PerSec: r.Path.unlock().PerSec})
	}
	rows = append(rows,
		Ratio{Name: "recipient path within the launch (3 × journeys/s)", PerSec: pathRequests * r.Journey.PerSec},
		Ratio{Name: "unlock POST within the launch", PerSec: r.Endpoints[epUnlock].PerSec},
		Ratio{Name: "all recipient requests within the launch", PerSec: r.All.PerSec},
	)
	for i := range rows {
		rows[i].OfBaseline = make(map[string]float64)
		for _, b := range r.Baselines {
			if b.PerSec > 0 {
				rows[i].OfBaseline[baselineName(b)] = rows[i].PerSec / b.PerSec
			}
		}
	}
	r.Ratios = rows

	r.Targets = nil
	for _, b := range r.Baselines {
		// The first row is the path alone when it was measured.
		share := rows[0].OfBaseline[baselineName(b)]
		r.Targets = append(r.Targets, Target{Name: "path ≥ 40% of baseline " + baselineName(b), Value: round1(share * 100), Unit: "%", Met: share >= targetPathShare})
	}
	unlock := r.Endpoints[epUnlock]
	r.Targets = append(r.Targets, Target{Name: "unlock p99 < 50 ms, launch", Value: unlock.P99, Unit: " ms", Met: unlock.Count > 0 && unlock.P99 < targetUnlockP99})
	all := slices.Concat(r.Endpoints, r.Baselines)
	if r.Path != nil {
		unlock := r.Path.unlock()
		r.Targets = append(r.Targets, Target{Name: "unlock p99 < 50 ms, path alone", Value: unlock.P99, Unit: " ms", Met: unlock.Count > 0 && unlock.P99 < targetUnlockP99})
		all = append(all, r.Path.Endpoints...)
	}
	locked, fivexx := 0, 0
	r.Errors = 0
	for _, f := range all {
		locked += f.DBLocked
		r.Errors += f.errorCount()
		for code, n := range f.Errors {
			if strings.HasPrefix(code, "5") {
				fivexx += n
			}
		}
	}
	r.Targets = append(r.Targets,
		Target{Name: `no "database is locked"`, Value: float64(locked), Met: locked == 0},
		Target{Name: "no 5xx", Value: float64(fivexx), Met: fivexx == 0},
	)
	for _, in := range r.Instances {
		if in.KillError != "" {
			r.KillFailure = fmt.Sprintf("the kill of instance %d failed: %s", in.N, in.KillError)
		}
	}
	r.OK = r.Errors == 0 && r.Check.OK && r.KillFailure == ""
}

func round1(x float64) float64 { return math.Round(x*10) / 10 }

// baselineName is a baseline's figures' name without its prefix.
func baselineName(f Figures) string { return strings.TrimPrefix(f.Name, "baseline ") }

func (r *Report) writeJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}
