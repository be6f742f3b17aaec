package web_test

import (
	"context"
	"io"
	"net/http"
	"os"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/sillage/sillage/campaign"
	"github.com/sillage/sillage/campaign/cascade"
	"github.com/sillage/sillage/web"
)

// treeCounter counts the reads of the forward tree: every computation of
// the live figures reads it twice (the figures, then the person numbers
// of the claims they name).
type treeCounter struct {
	web.Gate
	reads atomic.Int64
}

func (g *treeCounter) WithTree(ctx context.Context, id campaign.ID, fn func(*cascade.Tree) error) error {
	g.reads.Add(1)
	return g.Gate.WithTree(ctx, id, fn)
}

// countedDash is newDash with its tree reads counted.
func countedDash(t *testing.T, options ...func(*web.Config)) (*dashApp, *treeCounter) {
	t.Helper()
	var counter *treeCounter
	d := newDashGate(t, func(g web.Gate) web.Gate {
		counter = &treeCounter{Gate: g}
		return counter
	}, options...)
	return d, counter
}

// pollLive sends n GETs of live.json at once through the browser's
// session, as n open tabs polling, and returns how many answered 200
// and 304.
func pollLive(t *testing.T, b *phone, u string, n, conns int) (ok, notModified int64) {
	t.Helper()
	client := &http.Client{Jar: b.client.Jar, Transport: &http.Transport{MaxConnsPerHost: conns, MaxIdleConnsPerHost: conns}}
	defer client.CloseIdleConnections()
	var (
		wg         sync.WaitGroup
		okN, sameN atomic.Int64
		etag       = make(chan string, 1)
	)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			req, _ := http.NewRequest("GET", u, nil)
			req.Header.Set("User-Agent", desktopFirefox)
			req.Header.Set("Accept", "application/json")
			if i%2 == 1 { // half the tabs have seen the figures already
				select {
				case tag := <-etag:
					req.Header.Set("If-None-Match", tag)
					etag <- tag
				default:
				}
			}
			res, err := client.Do(req)
			if err != nil {
				t.Error(err)
				return
			}
			defer res.Body.Close()
			io.Copy(io.Discard, res.Body)
			switch res.StatusCode {
			case http.StatusOK:
				okN.Add(1)
				select {
				case etag <- res.Header.Get("ETag"):
				default:
				}
			case http.StatusNotModified:
				sameN.Add(1)
			default:
				t.Errorf("live.json: %d", res.StatusCode)
			}
		}()
	}
	wg.Wait()
	return okN.Load(), sameN.Load()
}

// A thousand tabs polling the live view of one campaign within one
// interval share one computation of its figures, whether they get the
// figures or a 304.
func TestLiveTabsShareFigures(t *testing.T) {
	d, trees := countedDash(t)
	id := d.launch(nil, "text/plain", []byte("hi"))
	bulkClaims(t, d, id, 20_000)
	b := d.signedIn()
	trees.reads.Store(0)
	ok, same := pollLive(t, b, d.srv.URL+livePath(id, "/live.json"), 1000, 50)
	if ok+same != 1000 {
		t.Fatalf("%d answers of 200 and %d of 304, want 1,000 in all", ok, same)
	}
	// The test's clock stands still: one computation, two reads. Up to
	// three computations leave room for no more than a handful.
	if n := trees.reads.Load(); n > 6 {
		t.Errorf("1,000 polls in one interval read the tree %d times, want at most 6 (3 computations)", n)
	}
}

// A poll after the interval shows a view made during it; the page itself
// shows it at once, since it is loaded after an action (a release, a
// revocation) whose effect it must show.
func TestLiveFiguresAfterInterval(t *testing.T) {
	d := newDash(t)
	id := d.launch(map[string]any{"max_seats": 5}, "text/plain", []byte("hi"))
	seeds := d.seeds(id, 2, 1)
	if res, _ := newPhone(t, androidChrome).unlock(seeds[0]); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("unlock: %d", res.StatusCode)
	}
	b := d.signedIn()
	views := func(path string) string {
		t.Helper()
		res, body := b.do("GET", d.srv.URL+livePath(id, path), nil, http.Header{"Accept": {"application/json"}})
		if res.StatusCode != http.StatusOK {
			t.Fatalf("%s: %d", path, res.StatusCode)
		}
		return body
	}
	mustContain(t, views("/live.json"), `data-field=\"views\" data-value=\"1\"`)
	if res, _ := newPhone(t, iPhoneSafari).unlock(seeds[1]); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("unlock: %d", res.StatusCode)
	}
	mustContain(t, views("/live"), `data-field="views" data-value="2"`)
	// Within the interval the polls share the figures computed at its
	// start...
	mustContain(t, views("/live.json"), `data-field=\"views\" data-value=\"1\"`)
	// ...and the next interval's show the new view.
	d.clock.Advance(2 * time.Second)
	mustContain(t, views("/live.json"), `data-field=\"views\" data-value=\"2\"`)
}

// TestLiveTabsCost measures the cost of many tabs polling the live view
// of a campaign of 100,000 claims: SILLAGE_MEASURE=1 go test -run
// TestLiveTabsCost -v ./web/. It logs the time of rounds of concurrent
// polls on the wall clock, with how many times the tree was read.
func TestLiveTabsCost(t *testing.T) {
	if os.Getenv("SILLAGE_MEASURE") == "" {
		t.Skip("a measurement: SILLAGE_MEASURE=1 to run it")
	}
	d, trees := countedDash(t, func(c *web.Config) { c.Now = time.Now })
	id := d.launch(nil, "text/plain", []byte("hi"))
	bulkClaims(t, d, id, 100_000)
	b := d.signedIn()
	u := d.srv.URL + livePath(id, "/live.json")
	pollLive(t, b, u, 1, 1) // the tree read once, as any server has it
	const rounds, tabs = 10, 200
	trees.reads.Store(0)
	start := time.Now()
	for range rounds {
		pollLive(t, b, u, tabs, 32)
	}
	took := time.Since(start)
	t.Logf("%d rounds of %d concurrent live.json polls on 100,000 claims: %v (%v a poll), %d tree reads",
		rounds, tabs, took.Round(time.Millisecond), (took / (rounds * tabs)).Round(time.Microsecond), trees.reads.Load())
}
