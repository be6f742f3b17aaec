package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"io/fs"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/sillage/sillage/campaign"
	"github.com/sillage/sillage/gating"
	"github.com/sillage/sillage/migrations/dbtest"
	"github.com/sillage/sillage/migrations/storage"
	"github.com/sillage/sillage/migrations/testnote"
	"github.com/sillage/sillage/notify"
	"github.com/sillage/sillage/web"
	"github.com/sillage/sillage/web/accounts"
)

// startServer runs a real Sillage in-process, wired as cmd/sillage wires
// it, on a temporary directory; it returns its address and an API key.
func startServer(tb testing.TB) (string, string) {
	tb.Helper()
	ctx := context.Background()
	dir := tb.TempDir()
	db, err := storage.Open(ctx, dbtest.Target(tb))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	keys := accounts.NewKeys(db, time.Now)
	key, _, err := keys.Create(ctx, "load")
	if err != nil {
		tb.Fatal(err)
	}
	ts := httptest.NewUnstartedServer(nil)
	base, _ := url.Parse("http://" + ts.Listener.Addr().String())
	campaigns, gate := campaign.NewStore(db, dir, time.Now), gating.NewStore(db, time.Now)
	campaigns.Watch(gate.Forget)
	srv, err := web.New(web.Config{
		BaseURL: base,
		Logger:  slog.New(slog.DiscardHandler),
		Now:     time.Now,
	}, campaigns, gate, keys, notify.NewStore(db, notify.Config{BaseURL: base.String(), Logger: slog.New(slog.DiscardHandler)}))
	if err != nil {
		tb.Fatal(err)
	}
	ts.Config.Handler = srv.Handler()
	ts.Start()
	tb.Cleanup(ts.Close)
	return ts.URL, key
}

// runJSON runs the tool with -json and returns its report and exit code.
func runJSON(t *testing.T, args ...string) (*Report, int) {
	t.Helper()
	var out, errOut bytes.Buffer
	args = append(args, "-json", "-progress", "0")
	code := exitCode(run(context.Background(), args, func(string) string { return "" }, &out, &errOut), &errOut)
	var rep Report
	if err := json.Unmarshal(out.Bytes(), &rep); err != nil {
		t.Fatalf("run(%q): exit %d, no JSON report (%v)\nstdout: %s\nstderr: %s", args, code, err, out.String(), errOut.String())
	}
	return &rep, code
}

// getStats asks the server directly, not through the tool.
func getStats(t *testing.T, base, key string, id int64) stats {
	t.Helper()
	req, _ := http.NewRequest("GET", base+"/api/v1/campaigns/"+strconv.FormatInt(id, 10)+"/stats", nil)
	req.Header.Set("Authorization", "Bearer "+key)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var s stats
	if err := json.NewDecoder(res.Body).Decode(&s); err != nil || res.StatusCode != http.StatusOK {
		t.Fatalf("stats: %d %v", res.StatusCode, err)
	}
	return s
}

func TestRunAgainstServer(t *testing.T) {
	base, key := startServer(t)
	sim := []string{"-url", base, "-key", key, "-seeds", "3", "-p", "0.6", "-k", "2", "-depth", "4",
		"-preview", "0.2", "-concurrency", "8", "-people", "100", "-duration", "5s", "-seed", "7",
		"-baseline-duration", "300ms", "-path-duration", "300ms"}
	rep, code := runJSON(t, sim...)
	if code != 0 || !rep.OK {
		t.Fatalf("exit %d, ok %v, errors %d, mismatches %q", code, rep.OK, rep.Errors, rep.Check.Mismatches)
	}

	t.Run("CountsMatchTheServer", func(t *testing.T) {
		got := getStats(t, base, key, rep.Campaign)
		pe := rep.People
		if pe.Unlocked < 3 || pe.Forwards["whatsapp"]+pe.Forwards["sms"]+pe.Forwards["email"]+pe.Forwards["link"] == 0 {
			t.Fatalf("people %+v: want a tree beyond the seeds", pe)
		}
		if got.Views != rep.Check.Expected.Views || got.Reach != rep.Check.Expected.Reach || got.MaxDepth != pe.MaxDepth || got.Previews != pe.Previews {
			t.Errorf("server views %d reach %d max_depth %d previews %d, report %+v", got.Views, got.Reach, got.MaxDepth, got.Previews, pe)
		}
		for _, ch := range channels {
			if got.Forwards[ch] != pe.Forwards[ch] {
				t.Errorf("forwards.%s: server %d, report %d", ch, got.Forwards[ch], pe.Forwards[ch])
			}
		}
		if pe.MaxDepth > 4 {
			t.Errorf("max depth %d beyond the limit 4", pe.MaxDepth)
		}
		byName := map[string]Figures{}
		for _, f := range rep.Endpoints {
			byName[f.Name] = f
		}
		if n := byName["unlock POST"].Count; int64(n) != pe.Unlocked {
			t.Errorf("%d unlock requests for %d people unlocked", n, pe.Unlocked)
		}
		if n := byName["preview GET"].Count; int64(n) != got.Previews {
			t.Errorf("%d preview requests for %d previews", n, got.Previews)
		}
		if rep.Check.TreeNodes != int(got.Views) {
			t.Errorf("tree of %d nodes for %d views", rep.Check.TreeNodes, got.Views)
		}
		if len(rep.Baselines) != 2 || rep.Baselines[0].Count == 0 || rep.Baselines[1].Count == 0 {
			t.Errorf("baselines %+v: want /healthz and teaser measured", rep.Baselines)
		}
		// The path phase's people are views too, all at depth 1.
		if rep.Path == nil || rep.Path.Journey.Count == 0 {
			t.Fatalf("path phase %+v: want journeys", rep.Path)
		}
		if want := pe.Unlocked + int64(rep.Path.Journey.Count); got.Views != want || rep.Check.Expected.Views != want {
			t.Errorf("views %d, expected %d, want launch %d + path %d", got.Views, rep.Check.Expected.Views, pe.Unlocked, rep.Path.Journey.Count)
		}
	})

	t.Run("SameSeedSamePeople", func(t *testing.T) {
		// Run to extinction (no people bound) twice: the same branching.
		again := append([]string{}, sim...)
		again = append(again, "-people", "0", "-duration", "20s", "-baseline-duration", "0", "-path-duration", "0")
		first, code1 := runJSON(t, again...)
		second, code2 := runJSON(t, again...)
		if code1 != 0 || code2 != 0 {
			t.Fatalf("exit %d and %d", code1, code2)
		}
		a, b := first.Check.Expected, second.Check.Expected
		if a.Views != b.Views || a.Links != b.Links || a.Previews != b.Previews || a.MaxDepth != b.MaxDepth {
			t.Errorf("same seed, different runs: %+v and %+v", a, b)
		}
		if first.StoppedBy != "every seed and forward simulated" {
			t.Errorf("stopped by %q", first.StoppedBy)
		}
	})

	t.Run("OpenLoop", func(t *testing.T) {
		rep, code := runJSON(t, "-url", base, "-key", key, "-seeds", "50", "-p", "0.5", "-k", "2", "-depth", "3",
			"-rate", "200", "-duration", "500ms", "-baseline-duration", "0", "-path-duration", "0", "-check-tree=false")
		if code != 0 || !rep.OK || rep.People.Unlocked == 0 {
			t.Errorf("exit %d, ok %v, people %+v, mismatches %q", code, rep.OK, rep.People, rep.Check.Mismatches)
		}
	})

	t.Run("TextReport", func(t *testing.T) {
		var out bytes.Buffer
		args := []string{"-url", base, "-key", key, "-seeds", "2", "-p", "0", "-people", "2", "-baseline-duration", "100ms", "-path-duration", "100ms", "-progress", "0", "-pid", strconv.Itoa(os.Getpid())}
		if err := run(context.Background(), args, func(string) string { return "" }, &out, io.Discard); err != nil {
			t.Fatalf("run: %v\n%s", err, out.String())
		}
		for _, want := range []string{"unlock POST", "baseline /healthz", "baseline teaser", "path phase", "correctness   OK", "VmRSS", "server ", "result        OK"} {
			if !strings.Contains(out.String(), want) {
				t.Errorf("report lacks %q:\n%s", want, out.String())
			}
		}
	})
}

// A fast wrong answer is a failure: the checker must see one view too many.
func TestCheckCatchesMismatch(t *testing.T) {
	var tl tally
	seed := tl.unlocked(person{depth: 1, channel: "link", parent: -1})
	tl.forwarded("whatsapp")
	tl.forwarded("sms")
	child := tl.unlocked(person{depth: 2, channel: "whatsapp", parent: seed})
	tl.unlocked(person{depth: 3, channel: "email", parent: child})
	tl.forwarded("email")
	tl.previewed()
	want := tl.expect(1, 0)

	// Two of the three viewers came through a forward (WhatsApp, email).
	exact := stats{Views: 3, Reach: 3, MaxDepth: 3, Links: 4, Previews: 1,
		Forwards: map[string]int64{"whatsapp": 1, "sms": 1, "email": 1, "link": 0, "all": 3},
		KFactor:  map[string]float64{"all": 2.0 / 3, "whatsapp": 1.0 / 3, "email": 1.0 / 3}}
	one, two := int64(1), int64(2)
	tree := []treeNode{
		{ID: 1, Depth: 1, Channel: "link"},
		{ID: 2, Parent: &one, Depth: 2, Channel: "whatsapp"},
		{ID: 3, Parent: &two, Depth: 3, Channel: "email"},
	}
	if bad := checkStats(want, &exact); len(bad) != 0 {
		t.Fatalf("exact stats refused: %q", bad)
	}
	if bad := checkTree(want, tree); len(bad) != 0 {
		t.Fatalf("exact tree refused: %q", bad)
	}

	for name, edit := range map[string]func(*stats){
		"OneViewTooMany":  func(s *stats) { s.Views++ },
		"ReachApart":      func(s *stats) { s.Reach-- },
		"ShallowerTree":   func(s *stats) { s.MaxDepth = 2 },
		"ForwardMiscount": func(s *stats) { s.Forwards["sms"] = 2 },
		"LostPreview":     func(s *stats) { s.Previews = 0 },
		"DoubledLink":     func(s *stats) { s.Links++ },
		"PhantomExposure": func(s *stats) { s.Exposures = 1 },
		// A takeover the simulation never made.
		"ReachBeyondViews":    func(s *stats) { s.Reach++ },
		"KFactorWrongChannel": func(s *stats) { s.KFactor = map[string]float64{"all": 2.0 / 3, "whatsapp": 2.0 / 3} },
		"KFactorMissed":       func(s *stats) { s.KFactor = map[string]float64{"all": 1.0 / 3, "whatsapp": 1.0 / 3, "email": 1.0 / 3} },
	} {
		t.Run(name, func(t *testing.T) {
			got := exact
			got.Forwards = map[string]int64{"whatsapp": 1, "sms": 1, "email": 1, "link": 0}
			edit(&got)
			if bad := checkStats(want, &got); len(bad) == 0 {
				t.Errorf("stats %+v accepted against %+v", got, want)
			}
		})
	}
	t.Run("TreeNodeMoved", func(t *testing.T) {
		// Same counts per depth, but node 3 hangs under the seed.
		moved := []treeNode{tree[0], tree[1], {ID: 3, Parent: &one, Depth: 2, Channel: "email"}}
		if bad := checkTree(want, moved); len(bad) == 0 {
			t.Error("a tree of another shape accepted")
		}
		rewired := []treeNode{tree[0], {ID: 2, Parent: &one, Depth: 2, Channel: "whatsapp"}, {ID: 3, Parent: &one, Depth: 3, Channel: "email"}}
		if bad := checkTree(want, rewired); len(bad) == 0 {
			t.Error("a tree with the same depths but other parents accepted")
		}
	})
	t.Run("TreeNodeMissing", func(t *testing.T) {
		if bad := checkTree(want, tree[:2]); len(bad) == 0 {
			t.Error("a tree missing a node accepted")
		}
	})
}

func TestUsageErrors(t *testing.T) {
	getenv := func(string) string { return "" }
	for name, args := range map[string][]string{
		"NoKey":        {},
		"BadURL":       {"-key", "k", "-url", "ftp://x"},
		"URLWithPath":  {"-key", "k", "-url", "http://localhost:8080/api"},
		"BadP":         {"-key", "k", "-p", "1.5"},
		"BadPreview":   {"-key", "k", "-preview", "-0.1"},
		"NoSeeds":      {"-key", "k", "-seeds", "0"},
		"TooManyK":     {"-key", "k", "-k", "1001"},
		"NoBound":      {"-key", "k", "-duration", "0"},
		"NoWorkers":    {"-key", "k", "-concurrency", "0"},
		"UnknownFlag":  {"-key", "k", "-turbo"},
		"Argument":     {"-key", "k", "extra"},
		"BaselinePath": {"-key", "k", "-baseline-path", "healthz"},
	} {
		t.Run(name, func(t *testing.T) {
			err := run(context.Background(), args, getenv, io.Discard, io.Discard)
			if code := exitCode(err, io.Discard); code != 2 {
				t.Errorf("run(%q) = %v, exit %d, want 2", args, err, code)
			}
		})
	}
	t.Run("KeyFromEnvironment", func(t *testing.T) {
		cfg, err := parseConfig(nil, func(k string) string { return map[string]string{"SILLAGE_API_KEY": "sil_x"}[k] }, io.Discard)
		if err != nil || cfg.Key != "sil_x" {
			t.Errorf("parseConfig = %+v, %v", cfg, err)
		}
	})
	t.Run("ServerDown", func(t *testing.T) {
		err := run(context.Background(), []string{"-key", "k", "-url", "http://127.0.0.1:1"}, getenv, io.Discard, io.Discard)
		if code := exitCode(err, io.Discard); code != 1 {
			t.Errorf("exit %d for an unreachable server, want 1", code)
		}
	})
}

func TestPercentile(t *testing.T) {
	lat := make([]time.Duration, 100)
	for i := range lat {
		lat[i] = time.Duration(i+1) * time.Millisecond
	}
	for q, want := range map[float64]time.Duration{0.5: 50 * time.Millisecond, 0.95: 95 * time.Millisecond, 0.99: 99 * time.Millisecond, 1: 100 * time.Millisecond} {
		if got := percentile(lat, q); got != want {
			t.Errorf("percentile(%v) = %v, want %v", q, got, want)
		}
	}
	if got := percentile(lat[:1], 0.99); got != time.Millisecond {
		t.Errorf("percentile of one = %v", got)
	}
}

func TestReadMemory(t *testing.T) {
	// Only a system without /proc (not Linux) skips: on Linux a failure
	// to read it is a bug.
	if _, err := os.Stat("/proc/self/status"); errors.Is(err, fs.ErrNotExist) {
		testnote.Skipf(t, "no /proc here: %v", err)
	}
	m, err := readMemory(os.Getpid())
	if err != nil {
		t.Fatal(err)
	}
	if m.RSSKiB <= 0 || m.HWMKiB < m.RSSKiB {
		t.Errorf("memory %+v", m)
	}
}
