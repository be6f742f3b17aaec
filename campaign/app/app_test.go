package app_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/sillage/sillage/campaign"
	"github.com/sillage/sillage/campaign/app"
	"github.com/sillage/sillage/campaign/campaigntest"
	"github.com/sillage/sillage/campaign/cascade"
	"github.com/sillage/sillage/gating"
	"github.com/sillage/sillage/migrations/dbtest"
	"github.com/sillage/sillage/migrations/testnote"
	"github.com/sillage/sillage/notify"
)

func TestMain(m *testing.M) { os.Exit(testnote.Main(m)) }

const base = "https://share.example.com/"

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

// env is a real database with the three stores and an App over them.
type env struct {
	now       time.Time
	campaigns *campaign.Store
	gate      *gating.Store
	notify    *notify.Store
	app       *app.App
	wakes     atomic.Int64 // WakeOutbox calls
}

func newEnv(tb testing.TB) *env {
	tb.Helper()
	db := dbtest.Open(tb)
	e := &env{now: time.Date(2026, 11, 23, 20, 0, 0, 0, time.UTC)}
	clock := func() time.Time { return e.now }
	e.campaigns = campaign.NewStore(db, tb.TempDir(), clock)
	e.gate = gating.NewStore(db, clock)
	tb.Cleanup(func() { e.gate.Close() })
	e.campaigns.Watch(e.gate.Forget)
	e.notify = notify.NewStore(db, notify.Config{Now: clock, BaseURL: base, DefaultRegion: "FR", Logger: quiet})
	e.app = app.New(app.Config{BaseURL: base, Now: clock, Logger: quiet, WakeOutbox: func() { e.wakes.Add(1) }},
		e.campaigns, e.gate, e.notify)
	return e
}

// live creates a live campaign with text content and rules edited by
// edit.
func (e *env) live(tb testing.TB, edit func(*campaign.Rules)) *campaign.Campaign {
	tb.Helper()
	return campaigntest.Live(tb, e.campaigns, edit)
}

// token is the token of a link's public address.
func token(tb testing.TB, url string) string {
	tb.Helper()
	t, ok := strings.CutPrefix(url, "https://share.example.com/s/")
	if !ok || t == "" {
		tb.Fatalf("link %q is not under %ss/", url, base)
	}
	return t
}

// unlock claims the link at url from a new device; it returns the claim
// and the device.
func (e *env) unlock(tb testing.TB, url string) (*gating.Claim, []byte) {
	tb.Helper()
	_, dev := gating.NewDevice()
	cl, _, err := e.gate.Unlock(context.Background(), token(tb, url), dev)
	if err != nil {
		tb.Fatal(err)
	}
	return cl, dev
}

func TestMintLinks(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	c := e.live(t, nil)
	links, err := e.app.MintLinks(ctx, c.ID, gating.SeedSpec{Count: 3, Channel: gating.Plain, Seats: 1})
	if err != nil || len(links) != 3 {
		t.Fatalf("MintLinks = %v, %v; want 3 links", links, err)
	}
	for _, l := range links {
		if l.ID == 0 {
			t.Errorf("link %+v has no id", l)
		}
		e.unlock(t, l.URL) // each address opens its link
	}
	if _, err := e.app.MintLinks(ctx, c.ID, gating.SeedSpec{Count: 0}); !errors.As(err, new(*campaign.ValidationError)) {
		t.Errorf("MintLinks of 0 links: %v, want a validation error", err)
	}
}

func TestFigures(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	c := e.live(t, nil)
	links, err := e.app.MintLinks(ctx, c.ID, gating.SeedSpec{Count: 1, Channel: gating.Plain, Seats: 1})
	if err != nil {
		t.Fatal(err)
	}
	e.unlock(t, links[0].URL)
	_, other := gating.NewDevice() // the seat is taken: refused
	if _, _, err := e.gate.Unlock(ctx, token(t, links[0].URL), other); err == nil {
		t.Fatal("a second device took the only seat")
	}
	f, err := e.app.Figures(ctx, c.ID, cascade.Window{Now: e.now})
	if err != nil {
		t.Fatal(err)
	}
	if f.Views != 1 || f.Refusals != 1 {
		t.Errorf("figures: views %d, refusals %d; want 1 and 1", f.Views, f.Refusals)
	}
	if _, err := e.app.Figures(ctx, c.ID+100, cascade.Window{Now: e.now}); !errors.Is(err, campaign.ErrNotFound) {
		t.Errorf("figures of an unknown campaign: %v, want campaign.ErrNotFound", err)
	}
}

func TestImportAndSend(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	c := e.live(t, nil)
	res, err := e.app.ImportContacts(ctx, c.ID, []byte("name,email\nAda,ada@example.com\nBob,bob@example.com\nEve,not-an-address\n"), false)
	if !errors.Is(err, notify.ErrInvalidRows) || res == nil || res.Imported != 0 {
		t.Fatalf("import with a bad row: %+v, %v; want notify.ErrInvalidRows and nothing imported", res, err)
	}
	if res, err = e.app.ImportContacts(ctx, c.ID, []byte("name,email\nAda,ada@example.com\nBob,bob@example.com\nEve,not-an-address\n"), true); err != nil || res.Imported != 2 {
		t.Fatalf("import skipping bad rows: %+v, %v; want 2 imported", res, err)
	}

	sent, err := e.app.Send(ctx, c.ID)
	if err != nil || sent.Queued != 2 || e.wakes.Load() != 1 {
		t.Fatalf("Send = %+v, %v, %d wakes; want 2 queued and the worker woken once", sent, err, e.wakes.Load())
	}
	msgs, err := e.notify.Outbox(ctx, notify.Filter{CampaignID: int64(c.ID)})
	if err != nil || len(msgs) != 2 {
		t.Fatalf("outbox: %d messages, %v", len(msgs), err)
	}
	for _, m := range msgs {
		i := strings.Index(m.Text, base+"s/")
		if i < 0 {
			t.Fatalf("message %d carries no link under %s: %q", m.ID, base, m.Text)
		}
		url := strings.Fields(m.Text[i:])[0]
		e.unlock(t, strings.TrimRight(url, ".,")) // the link it carries opens
	}
	if sent, err = e.app.Send(ctx, c.ID); err != nil || sent.Queued != 0 || e.wakes.Load() != 1 {
		t.Errorf("second Send = %+v, %v, %d wakes; want none queued, no wake", sent, err, e.wakes.Load())
	}

	if _, err := e.campaigns.SetStatus(ctx, c.ID, campaign.Ended); err != nil {
		t.Fatal(err)
	}
	if _, err := e.app.Send(ctx, c.ID); !errors.Is(err, campaign.ErrEnded) {
		t.Errorf("Send on an ended campaign: %v, want campaign.ErrEnded", err)
	}
	if _, err := e.app.Send(ctx, c.ID+100); !errors.Is(err, campaign.ErrNotFound) {
		t.Errorf("Send on an unknown campaign: %v, want campaign.ErrNotFound", err)
	}
}

func TestSendForMe(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	c := e.live(t, func(r *campaign.Rules) { r.SendForMe = true })
	links, err := e.app.MintLinks(ctx, c.ID, gating.SeedSpec{Count: 1, Channel: gating.Plain, Seats: 1})
	if err != nil {
		t.Fatal(err)
	}
	cl, dev := e.unlock(t, links[0].URL)
	tok := token(t, links[0].URL)
	network := bytes.Repeat([]byte{1}, 32)

	if err := e.app.SendForMe(ctx, c, cl.ID, tok, dev, "friend@example.com", network); err != nil || e.wakes.Load() != 1 {
		t.Fatalf("SendForMe: %v, %d wakes; want it queued and the worker woken", err, e.wakes.Load())
	}
	msgs, err := e.notify.Outbox(ctx, notify.Filter{CampaignID: int64(c.ID)})
	if err != nil || len(msgs) != 1 || msgs[0].To != "friend@example.com" || !strings.Contains(msgs[0].Text, base+"s/") {
		t.Fatalf("outbox after SendForMe: %+v, %v", msgs, err)
	}

	// The rule turned off since the visit: nothing is minted or queued.
	if _, err := e.campaigns.Update(ctx, c.ID, func(c *campaign.Campaign) error { c.Rules.SendForMe = false; return nil }); err != nil {
		t.Fatal(err)
	}
	if err := e.app.SendForMe(ctx, c, cl.ID, tok, dev, "other@example.com", network); !errors.Is(err, app.ErrSendForMeOff) {
		t.Errorf("SendForMe with the rule off: %v, want app.ErrSendForMeOff", err)
	}
	if msgs, _ := e.notify.Outbox(ctx, notify.Filter{CampaignID: int64(c.ID)}); len(msgs) != 1 {
		t.Errorf("the refused send queued a message: %d in the outbox", len(msgs))
	}
}

func TestLeaksRevokeRelease(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	c := e.live(t, nil)
	links, err := e.app.MintLinks(ctx, c.ID, gating.SeedSpec{Count: 1, Channel: gating.Plain, Seats: 1})
	if err != nil {
		t.Fatal(err)
	}
	cl, _ := e.unlock(t, links[0].URL)
	for range 2 { // two devices turned away: more than its one seat
		_, dev := gating.NewDevice()
		e.gate.Unlock(ctx, token(t, links[0].URL), dev)
	}
	leaks, err := e.app.Leaks(ctx, c.ID)
	if err != nil || len(leaks) != 1 || leaks[0].LinkID != links[0].ID || leaks[0].Revoked {
		t.Fatalf("Leaks = %+v, %v; want link %d, not revoked", leaks, err, links[0].ID)
	}
	if err := e.app.Revoke(ctx, c.ID, links[0].ID); err != nil {
		t.Fatal(err)
	}
	if revoked, err := e.app.RevokedLeaks(ctx, c.ID); err != nil || !revoked[links[0].ID] {
		t.Errorf("RevokedLeaks after Revoke = %v, %v", revoked, err)
	}
	if err := e.app.Revoke(ctx, c.ID, links[0].ID); !errors.Is(err, gating.ErrNotFound) {
		t.Errorf("Revoke twice: %v, want gating.ErrNotFound", err)
	}
	if _, err := e.app.Leaks(ctx, c.ID+100); !errors.Is(err, campaign.ErrNotFound) {
		t.Errorf("Leaks of an unknown campaign: %v, want campaign.ErrNotFound", err)
	}
	if _, err := e.app.Release(ctx, c.ID, cl.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := e.app.Release(ctx, c.ID, cl.ID); !errors.Is(err, gating.ErrReleased) {
		t.Errorf("Release twice: %v, want gating.ErrReleased", err)
	}
}

func TestExport(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	c := e.live(t, nil)
	links, err := e.app.MintLinks(ctx, c.ID, gating.SeedSpec{Count: 2, Channel: gating.Plain, Seats: 1})
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range links {
		e.unlock(t, l.URL)
	}
	tree, err := e.gate.Tree(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range cascade.Formats {
		t.Run(f.Name, func(t *testing.T) {
			var want bytes.Buffer
			if err := f.Write(&want, tree, c.Title); err != nil {
				t.Fatal(err)
			}
			r, size, err := e.app.Export(ctx, c, f)
			if err != nil {
				t.Fatal(err)
			}
			defer r.Close()
			got, err := io.ReadAll(r)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, want.Bytes()) || size != int64(len(got)) {
				t.Errorf("export: %d bytes (size %d), want the %d bytes of cascade's writer", len(got), size, want.Len())
			}
			if name, want := app.ExportName(c.ID, f), "campaign-"; !strings.HasPrefix(name, want) || !strings.HasSuffix(name, "."+f.Ext) {
				t.Errorf("ExportName = %q", name)
			}
		})
	}
	if _, ok := cascade.FormatNamed("pdf"); ok {
		t.Error(`FormatNamed("pdf") found a format`)
	}
	if got, want := strings.Join(cascade.FormatNames(), ","), "csv,edges,json,graphml"; got != want {
		t.Errorf("FormatNames = %s, want %s", got, want)
	}
}

func TestContactExport(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	c := e.live(t, nil)
	if _, err := e.app.ImportContacts(ctx, c.ID, []byte("name,email\nAda,ada@example.com\n"), false); err != nil {
		t.Fatal(err)
	}
	list, err := e.notify.Contacts(ctx, int64(c.ID), 0, 10)
	if err != nil || len(list) != 1 {
		t.Fatalf("contacts: %v, %v", list, err)
	}
	out, err := e.app.ContactExport(ctx, list[0].ID)
	if err != nil || out.Contact.Email != "ada@example.com" {
		t.Fatalf("ContactExport = %+v, %v", out, err)
	}
	if got, want := app.ContactExportName(out), fmt.Sprintf("contact-%d.json", list[0].ID); got != want {
		t.Errorf("ContactExportName = %q, want %q", got, want)
	}
	if _, err := e.app.ContactExport(ctx, list[0].ID+100); !errors.Is(err, notify.ErrNotFound) {
		t.Errorf("ContactExport of nobody: %v, want notify.ErrNotFound", err)
	}
}

func TestTemplateKey(t *testing.T) {
	for _, tc := range []struct {
		channel, language string
		ok                bool
	}{
		{"email", "fr", true}, {"sms", "en", true}, {"fax", "fr", false}, {"email", "de", false}, {"", "", false},
	} {
		ch, lang, ok := app.TemplateKey(tc.channel, tc.language)
		if ok != tc.ok || (ok && (string(ch) != tc.channel || lang != tc.language)) {
			t.Errorf("TemplateKey(%q, %q) = %q, %q, %v; want ok %v", tc.channel, tc.language, ch, lang, ok, tc.ok)
		}
	}
}
