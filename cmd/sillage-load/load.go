package main

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"os"
	"runtime"
	"strings"
	"time"
)

// videoSize is the size of the fake video uploaded as the content: large
// enough that the media GET's 64 KiB range is a real partial answer.
const videoSize = 256 << 10

// load runs the whole thing: setup through the API, the simulation of
// the launch, the recipient path alone, the check of the figures, the
// baselines and the server's memory. Progress
// goes to progress. It returns an error only when the run could not
// happen; errors and mismatches during it are in the report.
func load(ctx context.Context, cfg *config, progress io.Writer) (*Report, error) {
	a := newAPI(cfg.URL, cfg.Key)
	fmt.Fprintf(progress, "setting up a campaign on %s with %d seed links\n", cfg.URL, cfg.Seeds)
	id, video, seeds, err := setUp(ctx, a, cfg)
	if err != nil {
		return nil, fmt.Errorf("setup: %w", err)
	}

	r := &loadRun{cfg: cfg, progress: progress, id: id, video: video, seeds: seeds, minted: len(seeds)}
	r.tr = newTransport(cfg.Concurrency + 16)
	defer r.tr.CloseIdleConnections()
	r.t = new(tally)
	r.pl = newPool(cfg.URLs)
	watchCtx, stopWatch := context.WithCancel(context.WithoutCancel(ctx))
	defer stopWatch()
	go r.pl.watch(watchCtx, time.Second)

	elapsed := r.mainPhase(ctx)
	if cfg.PathDuration > 0 && ctx.Err() == nil {
		if err := r.pathPhase(ctx); err != nil {
			return nil, fmt.Errorf("path phase: %w", err)
		}
	}
	r.check(ctx, elapsed)
	stopWatch()
	r.baselines(ctx)
	r.memory()
	r.rep.finish()
	return r.rep, nil
}

// setUp creates the campaign the run loads, gives it its video, opens it
// and mints its seed links.
func setUp(ctx context.Context, a *api, cfg *config) (id int64, video []byte, seeds []string, err error) {
	rules := campaignRules{SeatsPerLink: 1, ForwardsPerClaim: cfg.K, MaxDepth: cfg.Depth}
	title := "sillage-load " + time.Now().UTC().Format(time.RFC3339)
	id, err = a.createCampaign(ctx, title, rules)
	if err != nil {
		return 0, nil, nil, err
	}
	video = fakeVideo(cfg.Seed)
	if err := a.putVideo(ctx, id, video); err != nil {
		return 0, nil, nil, err
	}
	if err := a.setStatus(ctx, id, "live"); err != nil {
		return 0, nil, nil, err
	}
	seeds, err = a.mintSeeds(ctx, id, cfg.Seeds)
	if err != nil {
		return 0, nil, nil, err
	}
	return id, video, seeds, nil
}

// loadRun is what the phases of one run share once the campaign is set
// up; each phase adds its part to rep.
type loadRun struct {
	cfg      *config
	progress io.Writer
	id       int64 // the campaign
	video    []byte
	seeds    []string // the seed links minted at setup
	tr       *http.Transport
	t        *tally
	pl       *pool
	rep      *Report
	// minted counts the seed links of every phase, and uncertain the
	// writes that failed in transit: the check needs both.
	minted    int
	uncertain int
}

// mainPhase simulates the launch and starts the report with its figures.
// It returns the phase's length.
func (r *loadRun) mainPhase(ctx context.Context) time.Duration {
	cfg := r.cfg
	s := newSim(cfg, r.tr, r.pl, r.t, r.seeds, r.video)
	if cfg.Kill != nil {
		s.kill = cmpOr(cfg.killFunc, sigkill(cfg.Kill.PID))
	}
	fmt.Fprintf(r.progress, "campaign %d live: simulating at %s over %d instance(s)\n", r.id, cfg.mode(), len(cfg.URLs))
	cpu := startCPU(cfg.PID)
	elapsed := s.run(ctx, r.progress)

	rep := &Report{
		URL: urlsText(cfg.URLs), Campaign: r.id, Mode: cfg.mode(), Concurrency: cfg.Concurrency, Rate: cfg.Rate, Seed: cfg.Seed,
		Cores: runtime.NumCPU(),
		Params: Params{Seeds: cfg.Seeds, P: cfg.P, K: cfg.K, Depth: cfg.Depth, Preview: cfg.Preview, Duration: cfg.Duration.String(), People: cfg.People,
			Path: cfg.PathDuration.String(), Baseline: cfg.BaselineDuration.String()},
		Seconds:   elapsed.Seconds(),
		StoppedBy: s.reason,
		Phases:    []Phase{cpu.phase("main", elapsed)},
	}
	var parts []*series
	for ep := range epJourney {
		parts = append(parts, &s.rec.ep[ep])
		rep.Endpoints = append(rep.Endpoints, summarize(ep.String(), elapsed, &s.rec.ep[ep]))
	}
	rep.All = summarize("all recipient requests", elapsed, parts...)
	rep.Journey = summarize(epJourney.String(), elapsed, &s.rec.ep[epJourney])
	for _, ep := range []endpoint{epPreview, epUnlock, epForward} {
		r.uncertain += rep.Endpoints[ep].Errors["transport"]
	}
	launch := r.t.expect(len(r.seeds), 0)
	rep.People = People{
		Simulated: s.started, SeedsUsed: s.nextSeed, Unlocked: launch.Views, Journeys: rep.Journey.Count,
		MaxDepth: launch.MaxDepth, Forwards: launch.Forwards, Previews: launch.Previews,
		IdleArrivals: s.idleArrivals, DroppedArrivals: s.droppedArrivals,
	}
	r.rep = rep
	return elapsed
}

// pathPhase mints fresh seed links and measures the recipient path alone
// on them.
func (r *loadRun) pathPhase(ctx context.Context) error {
	cfg, rep := r.cfg, r.rep
	// After the main phase the API goes to a live instance.
	a := newAPI(r.pl.live(), cfg.Key)
	n := pathSeeds(cfg, rep.Journey.PerSec)
	fmt.Fprintf(r.progress, "path phase for %s: minting %d more seed links\n", cfg.PathDuration, n)
	// Not cancelled halfway: a batch the server minted must be counted.
	more, err := a.mintSeeds(context.WithoutCancel(ctx), r.id, n)
	if err != nil {
		return err
	}
	r.minted += len(more)
	rep.Path = runPath(ctx, cfg, r.tr, r.pl, r.t, more, r.video)
	for _, f := range rep.Path.Endpoints {
		if f.Name == epUnlock.String() {
			r.uncertain += f.Errors["transport"]
		}
	}
	rep.Phases = append(rep.Phases, rep.Path.Phase)
	return nil
}

// check compares the server's figures with the simulation's, on every
// live instance, and reports each instance's part; elapsed is the main
// phase's length.
func (r *loadRun) check(ctx context.Context, elapsed time.Duration) {
	cfg, rep := r.cfg, r.rep
	// The check runs even after an interrupt: people in flight finished,
	// so the figures must still match, on every live instance.
	want := r.t.expect(r.minted, r.uncertain)
	want.Allow = r.pl.allowance()
	rep.Check = checkAll(context.WithoutCancel(ctx), r.pl.liveAll(), cfg.Key, r.id, cfg.CheckTree, want)
	both := elapsed
	if rep.Path != nil {
		both += time.Duration(rep.Path.Seconds * float64(time.Second))
	}
	rep.Instances = r.pl.report(both)
	if k := cfg.Kill; k != nil && rep.Instances[k.Index-1].KilledAfter == nil {
		rep.KillFailure = fmt.Sprintf("-kill asked for instance %d at %s, but the main phase ended at %.1f s", k.Index, k.After, elapsed.Seconds())
	}
}

// baselines measures, on a live instance, the requests the recipient
// path is compared with, until ctx ends.
func (r *loadRun) baselines(ctx context.Context) {
	cfg, rep := r.cfg, r.rep
	bcfg := *cfg
	bcfg.URL = r.pl.live()
	for _, b := range baselines(&bcfg, r.seeds[0]) {
		if ctx.Err() != nil {
			break
		}
		fmt.Fprintf(r.progress, "baseline %s for %s at concurrency %d\n", b.Name, cfg.BaselineDuration, cfg.Concurrency)
		cpu := startCPU(cfg.PID)
		f, elapsed := b.measure(ctx, r.tr, cfg.Concurrency, cfg.BaselineDuration)
		rep.Baselines = append(rep.Baselines, f)
		rep.Phases = append(rep.Phases, cpu.phase(f.Name, elapsed))
	}
}

// memory reads the server's memory when its process id was given.
func (r *loadRun) memory() {
	if r.cfg.PID <= 0 {
		r.rep.MemoryNote = "not measured (give -pid with the server's process id)"
		return
	}
	m, err := readMemory(r.cfg.PID)
	if err != nil {
		r.rep.MemoryNote = "not measured: " + err.Error()
	} else {
		r.rep.Memory = m
	}
}

// pathSeeds is how many fresh seed links the path phase gets: four times
// what the main phase's journey rate would use, since the path alone runs
// faster than within the whole launch.
func pathSeeds(cfg *config, journeysPerSec float64) int {
	n := 4*max(journeysPerSec, 200)*cfg.PathDuration.Seconds() + float64(cfg.Concurrency)
	return int(min(n, 1e6))
}

// runPath measures the recipient path alone: closed loop at the run's
// concurrency, each person a fresh device on a fresh seed link doing the
// link GET, the unlock and the content GET, nothing else.
func runPath(ctx context.Context, cfg *config, tr *http.Transport, pl *pool, t *tally, seeds []string, video []byte) *PathPhase {
	pcfg := *cfg
	pcfg.Duration, pcfg.People, pcfg.Rate, pcfg.Progress = cfg.PathDuration, 0, 0, 0
	s := newSim(&pcfg, tr, pl, t, seeds, video)
	s.pathOnly = true
	cpu := startCPU(cfg.PID)
	elapsed := s.run(ctx, nil)
	p := &PathPhase{Phase: cpu.phase("path", elapsed), StoppedBy: s.reason, Seeds: len(seeds), People: s.started}
	for _, ep := range []endpoint{epLink, epUnlock, epContent} {
		p.Endpoints = append(p.Endpoints, summarize("path: "+ep.String(), elapsed, &s.rec.ep[ep]))
	}
	p.Journey = summarize("path: journey", elapsed, &s.rec.ep[epJourney])
	return p
}

// checkAll checks every live instance: each must give the right figures,
// and all the same answers byte for byte (one database behind them all).
// Mismatches name the instance when there are several.
func checkAll(ctx context.Context, bases []*url.URL, key string, id int64, withTree bool, want expectation) Check {
	var all Check
	for i, base := range bases {
		c := check(ctx, newAPI(base, key), id, withTree, want)
		if i == 0 {
			all = c
			if len(bases) > 1 {
				for j, m := range all.Mismatches {
					all.Mismatches[j] = base.Host + ": " + m
				}
			}
			continue
		}
		for _, m := range c.Mismatches {
			all.Mismatches = append(all.Mismatches, base.Host+": "+m)
		}
	}
	// Each right is not enough: every instance must give the same bytes,
	// the exports too, which no expectation describes.
	compared, bad := compareInstances(ctx, bases, key, id)
	all.Compared = compared
	all.Mismatches = append(all.Mismatches, bad...)
	all.Instances = len(bases)
	all.OK = len(all.Mismatches) == 0
	return all
}

// urlsText is the instances' addresses as the report shows them.
func urlsText(urls []*url.URL) string {
	s := make([]string, len(urls))
	for i, u := range urls {
		s[i] = u.String()
	}
	return strings.Join(s, ",")
}

// cmpOr returns f, or def when f is nil.
func cmpOr(f, def func() error) func() error {
	if f != nil {
		return f
	}
	return def
}

// check compares the server's stats, and its tree if asked, with want.
func check(ctx context.Context, a *api, id int64, withTree bool, want expectation) Check {
	c := Check{Expected: want, TreeNodes: -1}
	got, err := a.stats(ctx, id)
	if err != nil {
		c.Mismatches = append(c.Mismatches, "stats: "+err.Error())
	} else {
		c.Server = got
		c.Mismatches = append(c.Mismatches, checkStats(want, got)...)
	}
	if withTree {
		nodes, err := a.tree(ctx, id)
		if err != nil {
			c.Mismatches = append(c.Mismatches, "tree: "+err.Error())
		} else {
			c.TreeNodes = len(nodes)
			c.Mismatches = append(c.Mismatches, checkTree(want, nodes)...)
		}
	}
	c.OK = len(c.Mismatches) == 0
	return c
}

// fakeVideo returns videoSize bytes that start like an MP4 file.
func fakeVideo(seed uint64) []byte {
	b := make([]byte, videoSize)
	var key [32]byte
	copy(key[:], fmt.Sprint("sillage-load video ", seed))
	rand.NewChaCha8(key).Read(b)
	copy(b, "\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom")
	return b
}

// readMemory reads a process's resident and peak resident memory from
// /proc/PID/status (Linux, same machine).
func readMemory(pid int) (*Memory, error) {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return nil, err
	}
	m := &Memory{PID: pid}
	for line := range strings.Lines(string(data)) {
		var kib int64
		switch {
		case strings.HasPrefix(line, "VmRSS:"):
			if _, err := fmt.Sscanf(line, "VmRSS: %d kB", &kib); err == nil {
				m.RSSKiB = kib
			}
		case strings.HasPrefix(line, "VmHWM:"):
			if _, err := fmt.Sscanf(line, "VmHWM: %d kB", &kib); err == nil {
				m.HWMKiB = kib
			}
		}
	}
	if m.RSSKiB == 0 {
		return nil, fmt.Errorf("no VmRSS in /proc/%d/status", pid)
	}
	return m, nil
}
