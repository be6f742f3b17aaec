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
	rules := campaignRules{SeatsPerLink: 1, ForwardsPerClaim: cfg.K, MaxDepth: cfg.Depth}
	title := "sillage-load " + time.Now().UTC().Format(time.RFC3339)
	id, err := a.createCampaign(ctx, title, rules)
	if err != nil {
		return nil, fmt.Errorf("setup: %w", err)
	}
	video := fakeVideo(cfg.Seed)
	if err := a.putVideo(ctx, id, video); err != nil {
		return nil, fmt.Errorf("setup: %w", err)
	}
	if err := a.setStatus(ctx, id, "live"); err != nil {
		return nil, fmt.Errorf("setup: %w", err)
	}
	seeds, err := a.mintSeeds(ctx, id, cfg.Seeds)
	if err != nil {
		return nil, fmt.Errorf("setup: %w", err)
	}

	tr := newTransport(cfg.Concurrency + 16)
	defer tr.CloseIdleConnections()
	t := new(tally)
	pl := newPool(cfg.URLs)
	watchCtx, stopWatch := context.WithCancel(context.WithoutCancel(ctx))
	defer stopWatch()
	go pl.watch(watchCtx, time.Second)
	s := newSim(cfg, tr, pl, t, seeds, video)
	if cfg.Kill != nil {
		s.kill = cmpOr(cfg.killFunc, sigkill(cfg.Kill.PID))
	}
	fmt.Fprintf(progress, "campaign %d live: simulating at %s over %d instance(s)\n", id, cfg.mode(), len(cfg.URLs))
	cpu := startCPU(cfg.PID)
	elapsed := s.run(ctx, progress)

	rep := &Report{
		URL: urlsText(cfg.URLs), Campaign: id, Mode: cfg.mode(), Concurrency: cfg.Concurrency, Rate: cfg.Rate, Seed: cfg.Seed,
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
	uncertain := 0
	for _, ep := range []endpoint{epPreview, epUnlock, epForward} {
		uncertain += rep.Endpoints[ep].Errors["transport"]
	}
	launch := t.expect(len(seeds), 0)
	rep.People = People{
		Simulated: s.started, SeedsUsed: s.nextSeed, Unlocked: launch.Views, Journeys: rep.Journey.Count,
		MaxDepth: launch.MaxDepth, Forwards: launch.Forwards, Previews: launch.Previews,
		IdleArrivals: s.idleArrivals, DroppedArrivals: s.droppedArrivals,
	}

	minted := len(seeds)
	// After the main phase the API goes to a live instance.
	a = newAPI(pl.live(), cfg.Key)
	if cfg.PathDuration > 0 && ctx.Err() == nil {
		n := pathSeeds(cfg, rep.Journey.PerSec)
		fmt.Fprintf(progress, "path phase for %s: minting %d more seed links\n", cfg.PathDuration, n)
		// Not cancelled halfway: a batch the server minted must be counted.
		more, err := a.mintSeeds(context.WithoutCancel(ctx), id, n)
		if err != nil {
			return nil, fmt.Errorf("path phase: %w", err)
		}
		minted += len(more)
		rep.Path = runPath(ctx, cfg, tr, pl, t, more, video)
		for _, f := range rep.Path.Endpoints {
			if f.Name == epUnlock.String() {
				uncertain += f.Errors["transport"]
			}
		}
		rep.Phases = append(rep.Phases, rep.Path.Phase)
	}

	// The check runs even after an interrupt: people in flight finished,
	// so the figures must still match, on every live instance.
	want := t.expect(minted, uncertain)
	want.Allow = pl.allowance()
	rep.Check = checkAll(context.WithoutCancel(ctx), pl.liveAll(), cfg.Key, id, cfg.CheckTree, want)
	both := elapsed
	if rep.Path != nil {
		both += time.Duration(rep.Path.Seconds * float64(time.Second))
	}
	rep.Instances = pl.report(both)
	if k := cfg.Kill; k != nil && rep.Instances[k.Index-1].KilledAfter == nil {
		rep.KillFailure = fmt.Sprintf("-kill asked for instance %d at %s, but the main phase ended at %.1f s", k.Index, k.After, elapsed.Seconds())
	}
	stopWatch()

	bcfg := *cfg
	bcfg.URL = pl.live()
	for _, b := range baselines(&bcfg, seeds[0]) {
		if ctx.Err() != nil {
			break
		}
		fmt.Fprintf(progress, "baseline %s for %s at concurrency %d\n", b.Name, cfg.BaselineDuration, cfg.Concurrency)
		cpu := startCPU(cfg.PID)
		f, elapsed := b.measure(ctx, tr, cfg.Concurrency, cfg.BaselineDuration)
		rep.Baselines = append(rep.Baselines, f)
		rep.Phases = append(rep.Phases, cpu.phase(f.Name, elapsed))
	}

	if cfg.PID > 0 {
		m, err := readMemory(cfg.PID)
		if err != nil {
			rep.MemoryNote = "not measured: " + err.Error()
		} else {
			rep.Memory = m
		}
	} else {
		rep.MemoryNote = "not measured (give -pid with the server's process id)"
	}
	rep.finish()
	return rep, nil
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
