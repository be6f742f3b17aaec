package main

import (
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"math"
	"slices"
	"strconv"
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

// writeText prints the report for people.
func (r *Report) writeText(w io.Writer) error {
	p := &printer{w: w}
	p.f("sillage-load  %s  campaign %d  %s  seed %d\n", r.URL, r.Campaign, r.Mode, r.Seed)
	depth := "no depth limit"
	if r.Params.Depth > 0 {
		depth = fmt.Sprintf("depth ≤ %d", r.Params.Depth)
	}
	p.f("simulation    %d seed links, p %g, k %d, %s, previews before %g%% of link fetches\n",
		r.Params.Seeds, r.Params.P, r.Params.K, depth, r.Params.Preview*100)
	p.f("main phase    %.2f s, stopped by: %s\n", r.Seconds, r.StoppedBy)
	pe := r.People
	p.f("people        %d simulated (%d seeds used), %d unlocked, %d full journeys, deepest generation %d\n",
		pe.Simulated, pe.SeedsUsed, pe.Unlocked, pe.Journeys, pe.MaxDepth)
	p.f("              forwards %s, previews %d\n", channelCounts(pe.Forwards), pe.Previews)
	if pe.IdleArrivals+pe.DroppedArrivals > 0 {
		p.f("              arrivals lost: %d with nobody to simulate, %d over the in-flight cap\n", pe.IdleArrivals, pe.DroppedArrivals)
	}
	p.f("\n")

	p.f("%-24s %9s %9s %8s %8s %8s %8s  %s\n", "endpoint", "count", "req/s", "p50 ms", "p95 ms", "p99 ms", "max ms", "errors")
	row := func(f Figures) {
		p.f("%-24s %9d %9.1f %8.2f %8.2f %8.2f %8.2f  %s\n", f.Name, f.Count, f.PerSec, f.P50, f.P95, f.P99, f.Max, errorText(f))
	}
	for _, f := range r.Endpoints {
		row(f)
	}
	row(r.All)
	row(r.Journey)
	if r.Path != nil {
		p.f("path phase: %.2f s, %d people on fresh seed links, stopped by: %s\n", r.Path.Seconds, r.Path.People, r.Path.StoppedBy)
		for _, f := range r.Path.Endpoints {
			row(f)
		}
		row(r.Path.Journey)
	}
	if len(r.Instances) > 1 {
		p.f("per instance (launch and path phases; requests each sent to the next live instance in turn):\n")
		for _, in := range r.Instances {
			row(in.Figures)
			if in.KilledAfter != nil {
				rejoin := "did not rejoin"
				if in.RejoinedAfter != nil {
					rejoin = fmt.Sprintf("rejoined at %.1f s (its /readyz answered), served %d requests after", *in.RejoinedAfter, in.ServedAfter)
				}
				p.f("  %s killed at %.1f s: %d requests in flight to it (%d unlocks, %d forwards), %s\n",
					in.URL, *in.KilledAfter, in.InFlight, in.InFlightUnlocks, in.InFlightForwards, rejoin)
				if in.Moved > 0 {
					p.f("  %d requests refused by it after the kill went to a live instance instead (they never reached a server)\n", in.Moved)
				}
				if in.KillError != "" {
					p.f("  the kill failed: %s\n", in.KillError)
				}
			}
		}
	}
	if len(r.Baselines) > 0 {
		p.f("baselines: %s each, after the other phases\n", r.Params.Baseline)
	}
	for _, f := range r.Baselines {
		row(f)
	}
	p.f("(journey: one person's link GET + unlock POST + content GET, timed as a whole; every phase at the same concurrency)\n\n")

	if len(r.Baselines) > 0 {
		p.f("%-62s %9s", "throughput against the baselines", "req/s")
		for _, b := range r.Baselines {
			p.f(" %10s", baselineName(b))
		}
		p.f("\n")
		for _, ratio := range r.Ratios {
			p.f("%-62s %9.1f", ratio.Name, ratio.PerSec)
			for _, b := range r.Baselines {
				p.f(" %9.1f%%", ratio.OfBaseline[baselineName(b)]*100)
			}
			p.f("\n")
		}
		p.f("\n")
	}

	p.f("targets (issue 7)\n")
	for _, t := range r.Targets {
		verdict := "met"
		if !t.Met {
			verdict = "NOT MET"
		}
		p.f("  %-36s %10s  %s\n", t.Name, strconv.FormatFloat(t.Value, 'f', -1, 64)+t.Unit, verdict)
	}
	p.f("\n")

	p.f("cpu (%d cores; the tool shares them with the server when both run here)\n", r.Cores)
	for _, ph := range r.Phases {
		server := "server not measured"
		if ph.ServerCPU != nil {
			server = fmt.Sprintf("server %.1f CPU-s (%.2f cores)", *ph.ServerCPU, *ph.ServerCPU/ph.Seconds)
		}
		others := ""
		if ph.MachineCPU != nil && ph.ServerCPU != nil {
			rest := max(*ph.MachineCPU-ph.ToolCPU-*ph.ServerCPU, 0)
			others = fmt.Sprintf(", anything else %.1f CPU-s (%.2f cores)", rest, rest/ph.Seconds)
		}
		p.f("  %-18s %6.2f s: tool %.1f CPU-s (%.2f cores), %s%s\n", ph.Name, ph.Seconds, ph.ToolCPU, ph.ToolCPU/ph.Seconds, server, others)
	}
	p.f("\n")

	if m := r.Memory; m != nil {
		p.f("server memory VmRSS %.1f MiB, peak VmHWM %.1f MiB (pid %d)\n", float64(m.RSSKiB)/1024, float64(m.HWMKiB)/1024, m.PID)
	} else {
		p.f("server memory %s\n", r.MemoryNote)
	}
	c := r.Check
	if c.OK {
		e := c.Expected
		tree := "tree not fetched"
		switch {
		case c.TreeNodes >= 0 && c.Expected.Allow.Unlocks > 0:
			tree = fmt.Sprintf("tree of %d nodes, no depth short of the simulation's (shapes not compared: an unlock in flight may have added a leaf)", c.TreeNodes)
		case c.TreeNodes >= 0:
			tree = fmt.Sprintf("tree of %d nodes with the same depths and shapes", c.TreeNodes)
		}
		p.f("correctness   OK: views %d, reach %d devices, k_factor %d/%d, max_depth %d, forwards %s, previews %d, links %d; %s\n",
			e.Views, e.Reach, e.Brought["all"], e.Views, e.MaxDepth, channelCounts(e.Forwards), e.Previews, e.Links, tree)
		if c.Instances > 1 {
			p.f("              the same on each of the %d live instances, byte for byte: %s (/stats but its forecast, a function of the clock)\n",
				c.Instances, strings.Join(c.Compared, ", "))
		}
		if a := e.Allow; a.Requests > 0 {
			p.f("              %d requests were in flight to the killed instance (%d unlocks, %d forwards, %d previews); the figures allow them\n",
				a.Requests, a.Unlocks, a.Forwards, a.Previews)
			if s := c.Server; s != nil {
				p.f("              the server counted %d of those unlocks, %d of those forwards, %d of those previews\n",
					s.Views-e.Views, s.Forwards["all"]-sumForwards(e.Forwards), s.Previews-e.Previews)
			}
		} else if len(r.Instances) > 1 {
			p.f("              every figure exact\n")
		}
	} else {
		p.f("correctness   FAILED\n")
		for _, m := range c.Mismatches {
			p.f("  %s\n", m)
		}
	}
	if r.Errors == 0 {
		p.f("errors        none\n")
	} else {
		p.f("errors        %d failed requests\n", r.Errors)
		all := slices.Concat(r.Endpoints, r.Baselines)
		if r.Path != nil {
			all = append(all, r.Path.Endpoints...)
		}
		for _, f := range all {
			if f.Sample != "" {
				p.f("  first on %s: %s\n", f.Name, oneLine(f.Sample))
			}
		}
	}
	if r.KillFailure != "" {
		p.f("kill          FAILED: %s\n", r.KillFailure)
	}
	if r.OK {
		p.f("result        OK\n")
	} else {
		p.f("result        FAILED\n")
	}
	return p.err
}

// printer writes formatted text and keeps the first error.
type printer struct {
	w   io.Writer
	err error
}

func (p *printer) f(format string, args ...any) {
	if p.err == nil {
		_, p.err = fmt.Fprintf(p.w, format, args...)
	}
}

// sumForwards is the forwards over every channel.
func sumForwards(m map[string]int64) int64 {
	var n int64
	for _, ch := range channels {
		n += m[ch]
	}
	return n
}

// channelCounts prints counts per channel in the channels' order.
func channelCounts(m map[string]int64) string {
	var total int64
	parts := make([]string, 0, len(channels))
	for _, ch := range channels {
		total += m[ch]
		parts = append(parts, fmt.Sprintf("%s %d", ch, m[ch]))
	}
	return fmt.Sprintf("%d (%s)", total, strings.Join(parts, ", "))
}

// errorText prints failures by kind, "database is locked" apart.
func errorText(f Figures) string {
	var parts []string
	if f.Killed > 0 {
		parts = append(parts, fmt.Sprintf("(in flight at the kill ×%d, allowed)", f.Killed))
	}
	if len(f.Errors) == 0 {
		if len(parts) > 0 {
			return parts[0]
		}
		return "-"
	}
	for _, k := range slices.Sorted(maps.Keys(f.Errors)) {
		parts = append(parts, fmt.Sprintf("%s×%d", k, f.Errors[k]))
	}
	if f.DBLocked > 0 {
		parts = append(parts, fmt.Sprintf(`"database is locked"×%d`, f.DBLocked))
	}
	return strings.Join(parts, " ")
}

func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}
