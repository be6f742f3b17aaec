package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/sillage/sillage/campaign"
	"github.com/sillage/sillage/campaign/mediatest"
	"github.com/sillage/sillage/gating"
	"github.com/sillage/sillage/migrations/dbtest"
	"github.com/sillage/sillage/migrations/storage"
	"github.com/sillage/sillage/notify"
	"github.com/sillage/sillage/web"
	"github.com/sillage/sillage/web/accounts"
)

// cluster is several in-process Sillage instances on one store (dbtest's
// target: a SQLite file or a PostgreSQL database) and one media store,
// each with its own pool, stores, limiter, outbox worker and handler, as
// several `sillage serve` processes are.
type cluster struct {
	dir, key string
	target   string             // the store every instance opens: dbtest's target
	admin    *storage.DB        // the test's own pool: rows, and ending a killed instance's sessions
	media    *campaign.S3Config // the one bucket of every instance; nil: the folder dir
	bodyKey  []byte             // the same on each instance, as the README asks
	names    atomic.Int64       // instances started, for their PostgreSQL application_name
}

func newCluster(tb testing.TB) *cluster {
	tb.Helper()
	c := &cluster{dir: tb.TempDir(), target: dbtest.Target(tb), bodyKey: make([]byte, notify.BodyKeySize)}
	rand.Read(c.bodyKey)
	c.admin = c.open(tb, "sillage-load-test")
	key, _, err := accounts.NewKeys(c.admin, time.Now).Create(context.Background(), "load")
	if err != nil {
		tb.Fatal(err)
	}
	c.key = key
	return c
}

// withBucket puts every instance's media in one in-process S3 bucket.
func (c *cluster) withBucket(tb testing.TB) *cluster {
	cfg := mediatest.S3(tb)
	c.media = &cfg
	return c
}

// open opens the cluster's store; on PostgreSQL its sessions carry name,
// so that a killed instance's can be ended as its process's death would.
func (c *cluster) open(tb testing.TB, name string) *storage.DB {
	tb.Helper()
	target := c.target
	if storage.DialectOf(target) == storage.Postgres {
		u, err := url.Parse(target)
		if err != nil {
			tb.Fatal(err)
		}
		q := u.Query()
		q.Set("application_name", name)
		u.RawQuery = q.Encode()
		target = u.String()
	}
	db, err := storage.Open(context.Background(), target)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	return db
}

// member is what one `sillage serve` process holds: its pool, its stores,
// its handler (with its own limiter) and its background jobs (the outbox
// worker, the alert flush, the trees read back from snapshots), wired as
// cmd/sillage/serve.go wires them.
type member struct {
	name    string // application_name of its sessions on PostgreSQL
	db      *storage.DB
	gate    *gating.Store
	handler http.Handler
	stop    context.CancelFunc // ends its background jobs, without waiting
}

// limitsNeverReached keeps every limiter counting (each instance has its
// own, as designed) without refusing the load tool, whose simulated
// phones all come from one address.
var limitsNeverReached = web.Limits{Unlocks: 1 << 30, FailedLookups: 1 << 30, Previews: 1 << 30, Window: time.Minute}

// member starts an instance whose public address is base.
func (c *cluster) member(tb testing.TB, base *url.URL) *member {
	tb.Helper()
	ctx := context.Background()
	m := &member{name: fmt.Sprintf("sillage-load-%d", c.names.Add(1))}
	m.db = c.open(tb, m.name)
	quiet := slog.New(slog.DiscardHandler)
	campaigns := campaign.NewStore(m.db, c.dir, time.Now)
	if c.media != nil { // as serve's mediaStore does
		files, err := campaign.NewS3Files(*c.media)
		if err != nil {
			tb.Fatal(err)
		}
		campaigns.SetFiles(files)
	}
	m.gate = gating.NewStore(m.db, time.Now)
	campaigns.Watch(m.gate.Forget)
	deliveries := notify.NewStore(m.db, notify.Config{BaseURL: base.String(), Logger: quiet, BodyKey: c.bodyKey})
	if err := deliveries.CheckBodyKey(ctx); err != nil {
		tb.Fatal(err)
	}
	senders, err := notify.NewSenders(notify.SendersConfig{Logger: quiet})
	if err != nil {
		tb.Fatal(err)
	}
	worker := deliveries.NewWorker(senders, notify.WorkerConfig{ID: m.name})
	srv, err := web.New(web.Config{
		BaseURL:    base,
		Limits:     limitsNeverReached,
		Logger:     quiet,
		Now:        time.Now,
		WakeOutbox: worker.Wake,
		Ready:      m.db.Ready,
		MintKeys:   accounts.NewMintKeys(m.db, time.Now),
		Salts:      deliveries.NetworkSalt,
		Alerts:     storage.NewSecurityCounters(m.db),
	}, campaigns, m.gate, accounts.NewKeys(m.db, time.Now), deliveries)
	if err != nil {
		tb.Fatal(err)
	}
	m.handler = srv.Handler()
	background, stop := context.WithCancel(ctx)
	m.stop = stop
	var jobs sync.WaitGroup
	jobs.Go(func() { worker.Run(background) })
	jobs.Go(func() { srv.RunAlertFlush(background, web.AlertFlushEvery) })
	jobs.Go(func() { m.gate.WarmTrees(background) })
	tb.Cleanup(func() { // before the pool closes: cleanups run last in, first out
		stop()
		jobs.Wait()
		m.gate.Close()
	})
	return m
}

// die is the process's death as its store sees it: the background jobs
// stop, nothing is saved, and on PostgreSQL the server ends every session
// of the instance, rolling back what it had open (a dead process's
// connections close). The pool is abandoned, never closed gracefully.
func (c *cluster) die(m *member) error {
	m.stop()
	if c.admin.Dialect != storage.Postgres {
		return nil // SQLite: a dead process's transaction is rolled back by the journal; here it simply goes on
	}
	_, err := c.admin.Write.Exec(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1`, m.name)
	return err
}

// handler wires one instance as cmd/sillage does, at base.
func (c *cluster) handler(tb testing.TB, base *url.URL) http.Handler {
	return c.member(tb, base).handler
}

// start runs a new instance on a fresh port and returns its address.
func (c *cluster) start(tb testing.TB) string {
	return c.startMember(tb).url
}

type started struct {
	*member
	url string
}

func (c *cluster) startMember(tb testing.TB) started {
	ts := httptest.NewUnstartedServer(nil)
	base, _ := url.Parse("http://" + ts.Listener.Addr().String())
	m := c.member(tb, base)
	ts.Config.Handler = m.handler
	ts.Start()
	tb.Cleanup(ts.Close)
	return started{m, ts.URL}
}

// killable is an instance that can die abruptly and be started again
// on the same address, as a process SIGKILLed and restarted.
type killable struct {
	c    *cluster
	tb   testing.TB
	addr string
	base *url.URL
	mu   sync.Mutex
	srv  *http.Server
	m    *member // the current process
	// While armed, requests wait inside the handler until the kill, so
	// that some are surely in flight when it comes.
	armed atomic.Bool
	gate  chan struct{}
}

func (c *cluster) startKillable(tb testing.TB) *killable {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	k := &killable{c: c, tb: tb, addr: ln.Addr().String(), gate: make(chan struct{})}
	k.base, _ = url.Parse("http://" + k.addr)
	k.serve(ln)
	tb.Cleanup(func() { k.kill() })
	return k
}

func (k *killable) serve(ln net.Listener) {
	m := k.c.member(k.tb, k.base)
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if k.armed.Load() {
			<-k.gate
		}
		m.handler.ServeHTTP(w, r)
	}), ErrorLog: nil}
	k.mu.Lock()
	k.srv, k.m = srv, m
	k.mu.Unlock()
	go srv.Serve(ln)
}

// kill closes the listener and every connection at once: the clients see
// their requests fail in transit. The process dies (see cluster.die): on
// PostgreSQL its sessions end, and whatever they had open rolls back. The
// requests held inside then go on, on the abandoned pool, as transactions
// a process committed in the instant before its death.
func (k *killable) kill() error {
	k.mu.Lock()
	defer k.mu.Unlock()
	err := k.srv.Close()
	if derr := k.c.die(k.m); err == nil {
		err = derr
	}
	if k.armed.Swap(false) {
		close(k.gate)
	}
	return err
}

// restart serves again on the same address with a new pool and stores.
func (k *killable) restart() error {
	ln, err := net.Listen("tcp", k.addr)
	if err != nil {
		return err
	}
	k.serve(ln)
	return nil
}

func TestSpreadOverTwoInstances(t *testing.T) {
	c := newCluster(t)
	a := c.start(t)
	// Another host name for the second: a device's cookie set by one
	// instance must still reach the other, as behind one balancer.
	b := strings.Replace(c.start(t), "127.0.0.1", "localhost", 1)
	rep, code := runJSON(t, "-url", a+","+b, "-key", c.key, "-seeds", "5", "-p", "0.6", "-k", "2", "-depth", "5",
		"-preview", "0.3", "-concurrency", "8", "-people", "150", "-duration", "10s", "-seed", "3",
		"-baseline-duration", "0", "-path-duration", "300ms")
	if code != 0 || !rep.OK || rep.Errors != 0 {
		t.Fatalf("exit %d, ok %v, errors %d, mismatches %q", code, rep.OK, rep.Errors, rep.Check.Mismatches)
	}
	if rep.Check.Instances != 2 || rep.Check.Expected.Allow != (allowance{}) {
		t.Errorf("checked %d instances, allowance %+v: want 2, none", rep.Check.Instances, rep.Check.Expected.Allow)
	}
	if len(rep.Instances) != 2 {
		t.Fatalf("%d instances in the report", len(rep.Instances))
	}
	sent := 0
	for _, in := range rep.Instances {
		// Round robin: each gets half the requests, give or take one per worker.
		if in.Figures.Count < 50 || in.Figures.P99 <= 0 || in.Figures.errorCount() != 0 {
			t.Errorf("instance %d: %+v", in.N, in.Figures)
		}
		sent += in.Figures.Count
	}
	want := rep.All.Count
	for _, f := range rep.Path.Endpoints {
		want += f.Count
	}
	if sent != want {
		t.Errorf("instances answered %d requests, the endpoints count %d", sent, want)
	}
	// Both instances give the very figures the simulation made.
	for _, base := range []string{a, b} {
		got := getStats(t, base, c.key, rep.Campaign)
		if got.Views != rep.Check.Expected.Views || got.Links != rep.Check.Expected.Links || got.Previews != rep.Check.Expected.Previews {
			t.Errorf("%s: views %d links %d previews %d, expected %+v", base, got.Views, got.Links, got.Previews, rep.Check.Expected)
		}
	}
}

// One instance of two dies abruptly mid-run while requests are inside
// it, and comes back on its address: no request to the live one fails,
// the figures lie within the allowance, the tool says how many were in
// flight, and the instance rejoins by itself.
func TestKillOneInstance(t *testing.T) {
	c := newCluster(t)
	a := c.start(t)
	b := c.startKillable(t)
	sleeper := exec.Command("sleep", "60") // the -kill pid; never signalled here
	if err := sleeper.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sleeper.Process.Kill(); sleeper.Wait() })

	args := []string{"-url", a, "-url", b.base.String(), "-key", c.key, "-seeds", "2000", "-p", "0.5", "-k", "2", "-depth", "6",
		"-preview", "0.3", "-concurrency", "8", "-duration", "3500ms", "-seed", "5",
		"-baseline-duration", "0", "-path-duration", "0", "-progress", "0",
		"-kill", "2:" + strconv.Itoa(sleeper.Process.Pid) + "@500ms"}
	cfg, err := parseConfig(args, func(string) string { return "" }, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	time.AfterFunc(300*time.Millisecond, func() { b.armed.Store(true) }) // the kill is at 500 ms
	restarted := make(chan error, 1)
	cfg.killFunc = func() error {
		err := b.kill()
		time.AfterFunc(300*time.Millisecond, func() { restarted <- b.restart() })
		return err
	}
	rep, err := load(context.Background(), cfg, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if err := <-restarted; err != nil {
		t.Fatalf("restart: %v", err)
	}
	if !rep.OK || rep.Errors != 0 {
		t.Fatalf("ok %v, errors %d, mismatches %q, endpoints %+v", rep.OK, rep.Errors, rep.Check.Mismatches, rep.Endpoints)
	}
	live, killed := rep.Instances[0], rep.Instances[1]
	if live.Figures.errorCount() != 0 || live.InFlight != 0 || live.KilledAfter != nil {
		t.Errorf("live instance: %+v", live)
	}
	if killed.KilledAfter == nil || *killed.KilledAfter < 0.5 {
		t.Fatalf("instance 2 not killed at 0.5 s: %+v", killed)
	}
	// The requests held inside at the kill fail in transit (in flight),
	// except GETs that Go's transport sends again on a new connection when
	// the old one closed before any answer: refused there, they move to the
	// live instance. Which kind was held depends on timing; together they
	// are never none.
	if killed.InFlight+killed.Moved < 1 || killed.InFlight != rep.Check.Expected.Allow.Requests {
		t.Errorf("instance 2: %d in flight at the kill and %d moved, allowance %+v: want at least 1 in all, and the allowance equal to those in flight",
			killed.InFlight, killed.Moved, rep.Check.Expected.Allow)
	}
	if killed.RejoinedAfter == nil || killed.ServedAfter == 0 {
		t.Errorf("instance 2 did not rejoin and serve: %+v", killed)
	}
	var text strings.Builder
	if err := rep.writeText(&text); err != nil {
		t.Fatal(err)
	}
	wants := []string{"instance 2 ", "killed at 0.", "rejoined at", "the same on each of the 2 live instances", "result        OK"}
	if killed.InFlight > 0 {
		wants = append(wants, "requests were in flight to the killed instance")
	}
	for _, want := range wants {
		if !strings.Contains(text.String(), want) {
			t.Errorf("report lacks %q:\n%s", want, text.String())
		}
	}
	// Both instances agree, and within the bounds.
	e := rep.Check.Expected
	for _, base := range []string{a, b.base.String()} {
		got := getStats(t, base, c.key, rep.Campaign)
		if got.Views < e.Views || got.Views > e.Views+int64(e.Allow.Unlocks) || got.Links < e.Links || got.Links > e.Links+int64(e.Allow.Forwards) {
			t.Errorf("%s: views %d links %d, expected %d(+%d) and %d(+%d)", base, got.Views, got.Links, e.Views, e.Allow.Unlocks, e.Links, e.Allow.Forwards)
		}
	}
}

// Three instances on one store and one bucket, as three `sillage serve`
// processes behind a balancer: the content uploaded through A, a load
// spread over the three, C killed mid-run while requests are inside it
// and restarted on a fresh pool after A saved its trees. No request to a
// live instance fails, the figures are within the requests in flight to
// C, C rejoins by itself, every instance serves the media, and /stats,
// /tree and every export are the same bytes from each and say what the
// rows say.
func TestThreeInstancesEndToEnd(t *testing.T) {
	c := newCluster(t).withBucket(t)
	a, b := c.startMember(t), c.startMember(t)
	k := c.startKillable(t)
	sleeper := exec.Command("sleep", "60") // the -kill pid; never signalled here
	if err := sleeper.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sleeper.Process.Kill(); sleeper.Wait() })

	const seed = 11
	args := []string{"-url", a.url + "," + b.url + "," + k.base.String(), "-key", c.key, "-seeds", "2000", "-p", "0.5", "-k", "2", "-depth", "6",
		"-preview", "0.3", "-concurrency", "9", "-duration", "3500ms", "-seed", strconv.Itoa(seed),
		"-baseline-duration", "0", "-path-duration", "300ms", "-progress", "0",
		"-kill", "3:" + strconv.Itoa(sleeper.Process.Pid) + "@500ms"}
	cfg, err := parseConfig(args, func(string) string { return "" }, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	time.AfterFunc(300*time.Millisecond, func() { k.armed.Store(true) }) // the kill is at 500 ms
	restarted := make(chan error, 1)
	cfg.killFunc = func() error {
		err := k.kill()
		// A's snapshot, taken while B goes on writing, is what C reads
		// back when it starts: then it follows the feed from there.
		if serr := a.gate.SaveTrees(context.Background()); serr != nil {
			t.Errorf("A saving its trees: %v", serr)
		}
		time.AfterFunc(300*time.Millisecond, func() { restarted <- k.restart() })
		return err
	}
	// The tool sets the campaign up through its first -url: the content
	// goes into the bucket through A.
	rep, err := load(context.Background(), cfg, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if err := <-restarted; err != nil {
		t.Fatalf("restart: %v", err)
	}
	if !rep.OK || rep.Errors != 0 {
		t.Fatalf("ok %v, errors %d, mismatches %q, endpoints %+v", rep.OK, rep.Errors, rep.Check.Mismatches, rep.Endpoints)
	}
	if len(rep.Instances) != 3 {
		t.Fatalf("%d instances in the report", len(rep.Instances))
	}
	for _, in := range rep.Instances[:2] {
		if in.Figures.errorCount() != 0 || in.InFlight != 0 || in.KilledAfter != nil || in.Figures.Count == 0 {
			t.Errorf("live instance %d: %+v", in.N, in)
		}
	}
	killed := rep.Instances[2]
	if killed.KilledAfter == nil || killed.InFlight+killed.Moved < 1 || killed.InFlight != rep.Check.Expected.Allow.Requests {
		t.Errorf("instance 3: %+v, allowance %+v: want killed with requests in flight or moved, and the allowance equal to those in flight",
			killed, rep.Check.Expected.Allow)
	}
	if killed.RejoinedAfter == nil || killed.ServedAfter == 0 {
		t.Errorf("instance 3 did not rejoin and serve: %+v", killed)
	}
	// The tool compared every figure answer across the three.
	if rep.Check.Instances != 3 || !slices.Contains(rep.Check.Compared, "/export?format=graphml") || !slices.Contains(rep.Check.Compared, "/tree") {
		t.Errorf("checked %d instances, compared %q", rep.Check.Instances, rep.Check.Compared)
	}

	// Asked directly, not through the tool: the same bytes from each, and
	// what the rows say.
	bases := []string{a.url, b.url, k.base.String()}
	answers := map[string][]byte{}
	for _, path := range figureAnswers(defaultExports) {
		for i, base := range bases {
			body := apiGet(t, base, c.key, campaignPath(rep.Campaign)+path)
			if path == "/stats" {
				var err error
				if body, err = withoutForecast(body); err != nil {
					t.Fatal(err)
				}
			}
			if i == 0 {
				answers[path] = body
			} else if !bytes.Equal(body, answers[path]) {
				t.Errorf("%s from %s differs from A's:\n%.300s\n%.300s", path, base, body, answers[path])
			}
		}
	}
	rows := c.rowsOf(t, rep.Campaign)
	var st stats
	if err := json.Unmarshal(answers["/stats"], &st); err != nil {
		t.Fatal(err)
	}
	if st.Views != rows.claims || st.Reach != rows.claims || st.Links != rows.links || st.Forwards["all"] != rows.forwards || st.MaxDepth != rows.maxDepth {
		t.Errorf("stats views %d reach %d links %d forwards %d max_depth %d; rows: %+v", st.Views, st.Reach, st.Links, st.Forwards["all"], st.MaxDepth, rows)
	}
	e := rep.Check.Expected
	if rows.claims < e.Views || rows.claims > e.Views+int64(e.Allow.Unlocks) {
		t.Errorf("%d claims rows, the simulation unlocked %d with %d more in flight", rows.claims, e.Views, e.Allow.Unlocks)
	}
	if got := string(answers["/export?format=csv"]); got != rows.csv {
		t.Errorf("CSV export is not the claims rows:\n%.500s\nrows:\n%.500s", got, rows.csv)
	}
	if got := string(answers["/export?format=edges"]); got != rows.edges {
		t.Errorf("edges export is not the claims rows:\n%.500s\nrows:\n%.500s", got, rows.edges)
	}
	var tree struct{ Nodes []treeNode }
	if err := json.Unmarshal(answers["/tree"], &tree); err != nil || int64(len(tree.Nodes)) != rows.claims {
		t.Errorf("tree of %d nodes (%v), %d claims rows", len(tree.Nodes), err, rows.claims)
	}
	if n := int64(bytes.Count(answers["/export?format=graphml"], []byte("<node "))); n != rows.claims+1 {
		t.Errorf("GraphML has %d nodes, want the campaign's and %d claims", n, rows.claims)
	}

	// The content was put through A; B, C and C restarted serve it all
	// from the bucket, to a device that unlocked on A.
	video := fakeVideo(seed)
	token := mintOne(t, a.url, c.key, rep.Campaign)
	jar := newLBJar(mustURL(t, a.url))
	device := &http.Client{Jar: jar, CheckRedirect: noRedirect}
	for _, method := range []string{http.MethodGet, http.MethodPost} { // the page, then the unlock, as a phone
		path := "/s/" + token
		if method == http.MethodPost {
			path += "/unlock"
		}
		req, _ := http.NewRequest(method, a.url+path, strings.NewReader(""))
		req.Header.Set("User-Agent", phoneAgents[0])
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Sec-Fetch-Site", "same-origin")
		res, err := device.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if want := map[string]int{http.MethodGet: http.StatusOK, http.MethodPost: http.StatusSeeOther}[method]; res.StatusCode != want {
			t.Fatalf("%s %s on A: %s, want %d", method, path, res.Status, want)
		}
	}
	for _, base := range bases {
		req, _ := http.NewRequest(http.MethodGet, base+"/s/"+token+"/media", nil)
		req.Header.Set("User-Agent", phoneAgents[0])
		res, err := device.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, err := io.ReadAll(res.Body)
		res.Body.Close()
		if err != nil || res.StatusCode != http.StatusOK || !bytes.Equal(body, video) {
			t.Errorf("media from %s: %d, %d bytes (%v), want the %d bytes put through A", base, res.StatusCode, len(body), err, len(video))
		}
	}
}

// An instance that answers one export differently fails the run, though
// each of its figures is right; one whose /stats differs only in the
// forecast, which depends on the clock of the request, does not.
func TestCheckFindsADifferingInstance(t *testing.T) {
	c := newCluster(t)
	a := c.start(t)
	for name, tc := range map[string]struct {
		path, field string // the answer edited, and in /stats the field
		ok          bool
	}{
		"EdgesExport":   {path: "/export", ok: false},
		"StatsForecast": {path: "/stats", field: "forecast", ok: true},
		"StatsFigure":   {path: "/stats", field: "max_breadth", ok: false},
	} {
		t.Run(name, func(t *testing.T) {
			ts := httptest.NewUnstartedServer(nil)
			base, _ := url.Parse("http://" + ts.Listener.Addr().String())
			ts.Config.Handler = editing(c.handler(t, base), tc.path, tc.field)
			ts.Start()
			defer ts.Close()
			rep, code := runJSON(t, "-url", a+","+ts.URL, "-key", c.key, "-seeds", "3", "-p", "0.6", "-k", "2", "-depth", "4",
				"-preview", "0", "-concurrency", "4", "-people", "40", "-duration", "10s", "-seed", "2",
				"-baseline-duration", "0", "-path-duration", "0")
			if rep.OK != tc.ok || (code == 0) != tc.ok {
				t.Fatalf("exit %d, ok %v, mismatches %q: want ok %v", code, rep.OK, rep.Check.Mismatches, tc.ok)
			}
			if tc.ok {
				return
			}
			want := ts.Listener.Addr().String() + ": " + tc.path
			for _, m := range rep.Check.Mismatches {
				if strings.HasPrefix(m, want) && strings.Contains(m, "differs from "+mustURL(t, a).Host) {
					return
				}
			}
			t.Errorf("mismatches %q: none says %q differs", rep.Check.Mismatches, want)
		})
	}
}

// editing serves h, but for answers under path: a JSON field of a
// /stats answer gets another value, and an export one more byte, as an
// instance with a stale or wrong cache would answer.
func editing(h http.Handler, path, field string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !strings.HasSuffix(r.URL.Path, path) {
			h.ServeHTTP(w, r)
			return
		}
		r.Header.Del("Accept-Encoding") // the body to edit, not its gzip
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, r)
		body := rec.Body.Bytes()
		if field != "" {
			var m map[string]json.RawMessage
			if err := json.Unmarshal(body, &m); err == nil {
				m[field] = json.RawMessage(`"edited"`)
				body, _ = json.Marshal(m)
			}
		} else {
			body = append(body, '\n')
		}
		maps.Copy(w.Header(), rec.Header())
		w.Header().Del("Content-Length")
		w.WriteHeader(rec.Code)
		w.Write(body)
	})
}

// rows is what the store holds for a campaign, read with SQL.
type rows struct {
	claims, links, forwards, maxDepth int64
	csv, edges                        string // the exports the claims make
}

func (c *cluster) rowsOf(t *testing.T, id int64) rows {
	t.Helper()
	ctx := context.Background()
	var r rows
	db := c.admin.Read
	if err := db.QueryRowContext(ctx, `SELECT COUNT(*), COUNT(sender_claim_id) FROM links WHERE campaign_id = $1`, id).Scan(&r.links, &r.forwards); err != nil {
		t.Fatal(err)
	}
	q, err := db.QueryContext(ctx, `SELECT id, parent_id, depth, channel, link_id, claimed_at FROM claims WHERE campaign_id = $1 ORDER BY id`, id)
	if err != nil {
		t.Fatal(err)
	}
	defer q.Close()
	csv, edges := []string{"id,parent,depth,channel,link,claimed_at\n"}, []string{"source,target,channel\n"}
	for q.Next() {
		var (
			claim, depth, link, at int64
			parent                 sql.NullInt64
			channel                string
		)
		if err := q.Scan(&claim, &parent, &depth, &channel, &link, &at); err != nil {
			t.Fatal(err)
		}
		r.claims++
		r.maxDepth = max(r.maxDepth, depth)
		p, source := "", "campaign"
		if parent.Valid {
			p = strconv.FormatInt(parent.Int64, 10)
			source = p
		}
		csv = append(csv, fmt.Sprintf("%d,%s,%d,%s,%d,%s\n", claim, p, depth, channel, link, time.UnixMilli(at).UTC().Format(time.RFC3339Nano)))
		edges = append(edges, fmt.Sprintf("%s,%d,%s\n", source, claim, channel))
	}
	if err := q.Err(); err != nil {
		t.Fatal(err)
	}
	r.csv, r.edges = strings.Join(csv, ""), strings.Join(edges, "")
	return r
}

// apiGet returns the body of a 200 answer of the API at base.
func apiGet(t *testing.T, base, key, path string) []byte {
	t.Helper()
	body, err := newAPI(mustURL(t, base), key).raw(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	return body
}

// mintOne mints one seed link through the API at base.
func mintOne(t *testing.T, base, key string, id int64) string {
	t.Helper()
	tokens, err := newAPI(mustURL(t, base), key).mintSeeds(context.Background(), id, 1)
	if err != nil {
		t.Fatal(err)
	}
	return tokens[0]
}

func mustURL(t *testing.T, s string) *url.URL {
	t.Helper()
	u, err := url.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// The pool on its own: a request picked before a death and failing in
// transit is in flight at the kill; after the death nothing is sent to
// the dead instance; a transport error on a live one is an error; the
// instance returns when its /readyz answers 200.
func TestPoolKillAndRejoin(t *testing.T) {
	var ready atomic.Bool
	dead := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/readyz" && ready.Load() {
			return
		}
		http.Error(w, "starting", http.StatusServiceUnavailable)
	}))
	defer dead.Close()
	u1, _ := url.Parse("http://127.0.0.1:1")
	u2, _ := url.Parse(dead.URL)
	p := newPool([]*url.URL{u1, u2})

	first, gen1 := p.pick(epUnlock)
	second, gen2 := p.pick(epForward)
	if first.n != 1 || second.n != 2 {
		t.Fatalf("picked %d then %d, want 1 then 2", first.n, second.n)
	}
	killed := false
	p.kill(second, func() error { killed = true; return nil })
	if !killed {
		t.Fatal("kill not called")
	}
	for range 5 {
		if in, _ := p.pick(epLink); in.n != 1 {
			t.Fatalf("picked dead instance %d", in.n)
		}
	}
	if !p.finish(second, gen2, epForward, true) {
		t.Error("a request in flight at the kill, failed in transit, counted as an error")
	}
	if p.finish(first, gen1, epUnlock, true) {
		t.Error("a transport error on a live instance allowed")
	}
	if a := p.allowance(); a != (allowance{Requests: 1, Forwards: 1}) {
		t.Errorf("allowance %+v, want one forward", a)
	}
	// Refused after the death: it moves, and is no allowance.
	in, gen := second, second.gen-1
	p.mu.Lock()
	in.inflight[epLink]++
	p.mu.Unlock()
	if !p.refused(in, gen, epLink) || in.moved != 1 || in.inflight[epLink] != 0 {
		t.Errorf("a request refused by the dead instance did not move: moved %d, in flight %d", in.moved, in.inflight[epLink])
	}
	if live, g := p.pick(epLink); p.refused(live, g, epLink) {
		t.Error("a request refused by a live instance moved")
	} else {
		p.finish(live, g, epLink, false)
	}
	if a := p.allowance(); a.Requests != 1 {
		t.Errorf("allowance %+v after a move, want still one request", a)
	}

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go p.watch(ctx, 20*time.Millisecond)
	time.Sleep(100 * time.Millisecond)
	if got := p.liveAll(); len(got) != 1 {
		t.Fatalf("rejoined while /readyz answers 503: live %v", got)
	}
	ready.Store(true)
	for deadline := time.Now().Add(5 * time.Second); len(p.liveAll()) != 2; time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("did not rejoin after /readyz answered 200")
		}
	}
	// Back in rotation; a request to it now failing is an error again.
	in = nil
	for in == nil || in.n != 2 {
		in, gen = p.pick(epLink)
	}
	if p.finish(in, gen, epLink, true) {
		t.Error("a transport error after the rejoin allowed")
	}
}

// sigkill really sends SIGKILL.
func TestSigkill(t *testing.T) {
	cmd := exec.Command("sleep", "60")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	if err := sigkill(cmd.Process.Pid)(); err != nil {
		t.Fatal(err)
	}
	err := cmd.Wait()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.Sys().(syscall.WaitStatus).Signal() != syscall.SIGKILL {
		t.Errorf("wait: %v, want killed by SIGKILL", err)
	}
}

// With requests in flight to a killed instance, each figure may exceed
// the simulation's by at most the requests of its kind, never fall short.
func TestCheckWithinAllowance(t *testing.T) {
	var tl tally
	seed := tl.unlocked(person{depth: 1, channel: "link", parent: -1})
	tl.forwarded("whatsapp")
	tl.unlocked(person{depth: 2, channel: "whatsapp", parent: seed})
	tl.previewed()
	want := tl.expect(1, 0)
	want.Allow = allowance{Requests: 3, Unlocks: 1, Forwards: 1, Previews: 1}

	exact := func() stats {
		return stats{Views: 2, Reach: 2, MaxDepth: 2, Links: 2, Previews: 1,
			Forwards: map[string]int64{"whatsapp": 1, "all": 1},
			KFactor:  map[string]float64{"all": 0.5, "whatsapp": 0.5}}
	}
	// Every in-flight request counted by the server: a second forward
	// (sms) and its friend's unlock, one generation deeper, and a preview.
	full := exact()
	full.Views, full.Reach, full.MaxDepth, full.Links, full.Previews = 3, 3, 3, 3, 2
	full.Forwards = map[string]int64{"whatsapp": 1, "sms": 1, "all": 2}
	full.KFactor = map[string]float64{"all": 2.0 / 3, "whatsapp": 1.0 / 3, "sms": 1.0 / 3}
	for name, s := range map[string]stats{"NoneCounted": exact(), "AllCounted": full} {
		if bad := checkStats(want, &s); len(bad) != 0 {
			t.Errorf("%s refused: %q", name, bad)
		}
	}
	for name, edit := range map[string]func(*stats){
		"TwoViewsMore":      func(s *stats) { s.Views, s.Reach = 4, 4 },
		"ViewLost":          func(s *stats) { s.Views, s.Reach = 1, 1 },
		"TwoForwardsMore":   func(s *stats) { s.Forwards["sms"], s.Forwards["all"], s.Links = 2, 3, 4 },
		"TwoPreviewsMore":   func(s *stats) { s.Previews = 3 },
		"TwoDeeper":         func(s *stats) { s.MaxDepth = 4 },
		"KFactorOutOfReach": func(s *stats) { s.KFactor["all"] = 3.0 / 3 },
		"PhantomRefusal":    func(s *stats) { s.Refusals = 1 },
	} {
		t.Run(name, func(t *testing.T) {
			got := full
			got.Forwards = map[string]int64{"whatsapp": 1, "sms": 1, "all": 2}
			got.KFactor = map[string]float64{"all": 2.0 / 3, "whatsapp": 1.0 / 3, "sms": 1.0 / 3}
			edit(&got)
			if bad := checkStats(want, &got); len(bad) == 0 {
				t.Errorf("stats %+v accepted against %+v", got, want)
			}
		})
	}

	one := int64(1)
	tree := []treeNode{{ID: 1, Depth: 1, Channel: "link"}, {ID: 2, Parent: &one, Depth: 2, Channel: "whatsapp"}}
	two := int64(2)
	leaf := treeNode{ID: 3, Parent: &two, Depth: 3, Channel: "sms"}
	for name, tc := range map[string]struct {
		nodes []treeNode
		ok    bool
	}{
		"Exact":         {tree, true},
		"ExtraLeaf":     {append(tree[:2:2], leaf), true},
		"TwoExtra":      {append(tree[:2:2], leaf, treeNode{ID: 4, Parent: &two, Depth: 3, Channel: "sms"}), false},
		"NodeMissing":   {tree[:1], false},
		"MovedUpALevel": {[]treeNode{tree[0], {ID: 2, Depth: 1, Channel: "link"}}, false},
	} {
		t.Run("Tree"+name, func(t *testing.T) {
			if bad := checkTree(want, tc.nodes); (len(bad) == 0) != tc.ok {
				t.Errorf("checkTree = %q, want ok %v", bad, tc.ok)
			}
		})
	}
	// Without an allowance the same extra leaf is a failure.
	want.Allow = allowance{}
	if bad := checkTree(want, append(tree[:2:2], leaf)); len(bad) == 0 {
		t.Error("an extra node accepted with nothing in flight")
	}
	if s := full; len(checkStats(want, &s)) == 0 {
		t.Error("extra counts accepted with nothing in flight")
	}
}

func TestURLsAndKillFlags(t *testing.T) {
	getenv := func(string) string { return "sil_x" }
	for name, tc := range map[string]struct {
		args []string
		urls int
	}{
		"Default":  {nil, 1},
		"One":      {[]string{"-url", "http://a:1"}, 1},
		"Comma":    {[]string{"-url", "http://a:1,http://b:2, http://c:3"}, 3},
		"Repeated": {[]string{"-url", "http://a:1", "-url", "http://b:2"}, 2},
		"WithKill": {[]string{"-url", "http://a:1,http://b:2", "-kill", "2:4242@30s"}, 2},
	} {
		t.Run(name, func(t *testing.T) {
			cfg, err := parseConfig(tc.args, getenv, io.Discard)
			if err != nil || len(cfg.URLs) != tc.urls || cfg.URL != cfg.URLs[0] {
				t.Fatalf("parseConfig(%q) = %+v, %v", tc.args, cfg, err)
			}
			if name == "WithKill" && (cfg.Kill == nil || *cfg.Kill != killSpec{Index: 2, PID: 4242, After: 30 * time.Second}) {
				t.Errorf("kill %+v", cfg.Kill)
			}
		})
	}
	for name, args := range map[string][]string{
		"KillOnlyInstance": {"-kill", "1:4242@1s"},
		"KillNoSuchIndex":  {"-url", "http://a:1,http://b:2", "-kill", "3:4242@1s"},
		"KillNoPID":        {"-url", "http://a:1,http://b:2", "-kill", "2:x@1s"},
		"KillNoDuration":   {"-url", "http://a:1,http://b:2", "-kill", "2:4242"},
		"KillZeroDuration": {"-url", "http://a:1,http://b:2", "-kill", "2:4242@0s"},
		"OneBadURL":        {"-url", "http://a:1,ftp://b"},
		"EmptyURL":         {"-url", ","},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := parseConfig(args, getenv, io.Discard)
			var usage *usageError
			if !errors.As(err, &usage) {
				t.Errorf("parseConfig(%q) = %v, want a usage error", args, err)
			}
		})
	}
}

// A run asked to kill an instance fails when the kill did not happen:
// it ended first, or the signal could not be sent.
func TestKillNotDoneFailsTheRun(t *testing.T) {
	c := newCluster(t)
	a, b := c.start(t), c.start(t)
	for name, tc := range map[string]struct {
		at   string
		kill func() error
		want string
	}{
		"NeverReached": {"1h", func() error { return nil }, "but the main phase ended"},
		"SignalFailed": {"100ms", func() error { return syscall.ESRCH }, "the kill of instance 2 failed"},
	} {
		t.Run(name, func(t *testing.T) {
			args := []string{"-url", a + "," + b, "-key", c.key, "-seeds", "500", "-p", "0.3", "-concurrency", "4", "-duration", "400ms",
				"-baseline-duration", "0", "-path-duration", "0", "-progress", "0", "-check-tree=false", "-kill", "2:4242@" + tc.at}
			cfg, err := parseConfig(args, func(string) string { return "" }, io.Discard)
			if err != nil {
				t.Fatal(err)
			}
			cfg.killFunc = tc.kill
			rep, err := load(context.Background(), cfg, io.Discard)
			if err != nil {
				t.Fatal(err)
			}
			if rep.OK || !strings.Contains(rep.KillFailure, tc.want) {
				t.Errorf("ok %v, kill failure %q: want a failure saying %q", rep.OK, rep.KillFailure, tc.want)
			}
		})
	}
}
