package web_test

import (
	"bytes"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sillage/sillage/migrations/dbtest"
)

// Two instances on one database: a mint form's key used on one is used on
// the other, so a reload that the balancer sends elsewhere mints nothing,
// and a form either instance issued mints on both.
func TestDashMintKeyAcrossInstances(t *testing.T) {
	d := newDash(t)
	b := d.signedIn()
	id := d.launch(nil, "text/plain", []byte("Le texte"))
	a, other := d.srv.URL, d.instance()
	seedURL := func(base string) string { return strings.Replace(d.seedURL(id, "/links"), d.srv.URL, base, 1) }
	form := func(key string) url.Values {
		return url.Values{"count": {"2"}, "channel": {"link"}, "format": {"page"}, "key": {key}}
	}

	t.Run("ReloadOnTheOther", func(t *testing.T) {
		_, seeding := b.get(d.seedURL(id, "/seeding"))
		key := mintKey(t, seeding)
		before := d.count("links")
		if res, _ := b.do("POST", seedURL(a), form(key), nil); res.StatusCode != http.StatusCreated {
			t.Fatalf("mint on A: %d", res.StatusCode)
		}
		minted := dbtest.Dump(t, d.db)
		if bytes.Contains(minted, []byte(key)) {
			t.Error("the database holds a used key itself, not only its hash")
		}
		res, page := b.do("POST", seedURL(other), form(key), nil)
		if res.StatusCode != http.StatusConflict {
			t.Errorf("the same form on B: %d, want 409", res.StatusCode)
		}
		mustContain(t, page, "Nothing new was minted: this form&#39;s links were minted and shown already")
		d.unchanged(t, minted)
		if got, want := d.count("links"), before+2; got != want {
			t.Errorf("%d links, want %d", got, want)
		}
	})

	t.Run("IssuedBeforeTheOtherStarted", func(t *testing.T) {
		// A form that A showed mints on an instance started since: no
		// instance refuses a form for being older than itself.
		_, seeding := b.get(d.seedURL(id, "/seeding"))
		key := mintKey(t, seeding)
		d.clock.Advance(time.Minute)
		started := d.instance()
		before := d.count("links")
		if res, _ := b.do("POST", seedURL(started), form(key), nil); res.StatusCode != http.StatusCreated {
			t.Fatalf("A's form on an instance started since: %d, want 201", res.StatusCode)
		}
		if got, want := d.count("links"), before+2; got != want {
			t.Errorf("%d links, want %d", got, want)
		}
	})

	t.Run("FourPostsAtOnce", func(t *testing.T) {
		_, seeding := b.get(d.seedURL(id, "/seeding"))
		f := form(mintKey(t, seeding))
		before := d.count("links")
		codes := make(chan int, 4)
		var wg sync.WaitGroup
		for i := range 4 {
			base := []string{a, other}[i%2]
			wg.Go(func() {
				res, _ := b.do("POST", seedURL(base), f, nil)
				codes <- res.StatusCode
			})
		}
		wg.Wait()
		close(codes)
		created := 0
		for c := range codes {
			if c == http.StatusCreated {
				created++
			} else if c != http.StatusConflict {
				t.Errorf("a post answered %d, want 201 or 409", c)
			}
		}
		if got := d.count("links") - before; created != 1 || got != 2 {
			t.Errorf("%d posts minted, %d links, want 1 post and 2 links", created, got)
		}
	})
}
