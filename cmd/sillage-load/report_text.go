package main

import (
	"fmt"
	"io"
	"maps"
	"slices"
	"strconv"
	"strings"
)

// writeText prints the report for people, one part after the other.
func (r *Report) writeText(w io.Writer) error {
	p := &printer{w: w}
	r.textRun(p)
	r.textEndpoints(p)
	r.textRatios(p)
	r.textTargets(p)
	r.textCPU(p)
	r.textMemory(p)
	r.textCorrectness(p)
	r.textErrors(p)
	r.textVerdict(p)
	return p.err
}

// textRun prints what was run: the target, the simulation's parameters,
// the main phase and what the simulated people did.
func (r *Report) textRun(p *printer) {
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
}

// textEndpoints prints the table of latencies: the main phase's
// endpoints, the path phase's, each instance's and the baselines'.
func (r *Report) textEndpoints(p *printer) {
	p.f("%-24s %9s %9s %8s %8s %8s %8s  %s\n", "endpoint", "count", "req/s", "p50 ms", "p95 ms", "p99 ms", "max ms", "errors")
	for _, f := range r.Endpoints {
		p.row(f)
	}
	p.row(r.All)
	p.row(r.Journey)
	if r.Path != nil {
		p.f("path phase: %.2f s, %d people on fresh seed links, stopped by: %s\n", r.Path.Seconds, r.Path.People, r.Path.StoppedBy)
		for _, f := range r.Path.Endpoints {
			p.row(f)
		}
		p.row(r.Path.Journey)
	}
	if len(r.Instances) > 1 {
		p.f("per instance (launch and path phases; requests each sent to the next live instance in turn):\n")
		for _, in := range r.Instances {
			p.row(in.Figures)
			textKill(p, in)
		}
	}
	if len(r.Baselines) > 0 {
		p.f("baselines: %s each, after the other phases\n", r.Params.Baseline)
	}
	for _, f := range r.Baselines {
		p.row(f)
	}
	p.f("(journey: one person's link GET + unlock POST + content GET, timed as a whole; every phase at the same concurrency)\n\n")
}

// textKill prints what became of an instance killed during the run, and
// nothing for one that was not.
func textKill(p *printer, in Instance) {
	if in.KilledAfter == nil {
		return
	}
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

// textRatios prints each throughput as a share of every baseline's, when
// baselines were measured.
func (r *Report) textRatios(p *printer) {
	if len(r.Baselines) == 0 {
		return
	}
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

// textTargets prints issue 7's goals and whether each was met.
func (r *Report) textTargets(p *printer) {
	p.f("targets (issue 7)\n")
	for _, t := range r.Targets {
		verdict := "met"
		if !t.Met {
			verdict = "NOT MET"
		}
		p.f("  %-36s %10s  %s\n", t.Name, strconv.FormatFloat(t.Value, 'f', -1, 64)+t.Unit, verdict)
	}
	p.f("\n")
}

// textCPU prints the CPU each phase cost the tool, the server and
// anything else on the machine.
func (r *Report) textCPU(p *printer) {
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
}

// textMemory prints the server's memory, or why it was not measured.
func (r *Report) textMemory(p *printer) {
	if m := r.Memory; m != nil {
		p.f("server memory VmRSS %.1f MiB, peak VmHWM %.1f MiB (pid %d)\n", float64(m.RSSKiB)/1024, float64(m.HWMKiB)/1024, m.PID)
	} else {
		p.f("server memory %s\n", r.MemoryNote)
	}
}

// textCorrectness prints the comparison of the server's figures with the
// simulation: what matched, or every mismatch.
func (r *Report) textCorrectness(p *printer) {
	c := r.Check
	if !c.OK {
		p.f("correctness   FAILED\n")
		for _, m := range c.Mismatches {
			p.f("  %s\n", m)
		}
		return
	}
	e := c.Expected
	p.f("correctness   OK: views %d, reach %d devices, k_factor %d/%d, max_depth %d, forwards %s, previews %d, links %d; %s\n",
		e.Views, e.Reach, e.Brought["all"], e.Views, e.MaxDepth, channelCounts(e.Forwards), e.Previews, e.Links, treeText(c))
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
}

// treeText says how far the forward tree was compared.
func treeText(c Check) string {
	switch {
	case c.TreeNodes >= 0 && c.Expected.Allow.Unlocks > 0:
		return fmt.Sprintf("tree of %d nodes, no depth short of the simulation's (shapes not compared: an unlock in flight may have added a leaf)", c.TreeNodes)
	case c.TreeNodes >= 0:
		return fmt.Sprintf("tree of %d nodes with the same depths and shapes", c.TreeNodes)
	}
	return "tree not fetched"
}

// textErrors prints the count of failed requests and the first failure
// of each endpoint that had one.
func (r *Report) textErrors(p *printer) {
	if r.Errors == 0 {
		p.f("errors        none\n")
		return
	}
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

// textVerdict prints a failed kill, then the run's result.
func (r *Report) textVerdict(p *printer) {
	if r.KillFailure != "" {
		p.f("kill          FAILED: %s\n", r.KillFailure)
	}
	if r.OK {
		p.f("result        OK\n")
	} else {
		p.f("result        FAILED\n")
	}
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

// row prints one line of the table of latencies.
func (p *printer) row(f Figures) {
	p.f("%-24s %9d %9.1f %8.2f %8.2f %8.2f %8.2f  %s\n", f.Name, f.Count, f.PerSec, f.P50, f.P95, f.P99, f.Max, errorText(f))
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
