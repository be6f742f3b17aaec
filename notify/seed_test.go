package notify_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sillage/sillage/migrations/dbtest"
	"github.com/sillage/sillage/migrations/storage"
	"github.com/sillage/sillage/notify"
)

const mixedContacts = "name,email,phone,channel,language\n" +
	"Alice,alice@example.com,,,\n" +
	"Bob,,0612345678,sms,en\n" +
	"Chloé,,0698765432,whatsapp,fr\n" +
	"Dan,dan@example.com,0611111111,email,en\n"

func TestSeedQueuesOneMessagePerContact(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	id := e.campaign(t, "fr")
	e.importCSV(t, id, mixedContacts)
	m := &minter{}

	res, err := e.store.Seed(ctx, id, m.mint)
	if err != nil || res.Queued != 4 {
		t.Fatalf("Seed = %+v, %v; want 4 queued", res, err)
	}
	msgs, err := e.store.Outbox(ctx, notify.Filter{CampaignID: id})
	if err != nil {
		t.Fatal(err)
	}
	for _, msg := range msgs {
		if msg.Status != notify.Queued || msg.Kind != notify.KindSeed || msg.ContactID == 0 || len(msg.IdempotencyKey) != 26 {
			t.Errorf("message %+v", msg)
		}
		if !strings.Contains(msg.Text, "https://share.example.com/s/tok") {
			t.Errorf("message %d text lacks its link: %q", msg.ID, msg.Text)
		}
	}
	alice, bob := msgs[0], msgs[1]
	if alice.Channel != notify.Email || alice.To != "alice@example.com" || alice.Language != "fr" ||
		alice.Subject != "Something is coming : votre lien personnel" || !strings.Contains(alice.HTML, "tok000001-email") ||
		!strings.Contains(alice.Text, "https://share.example.com/u/"+alice.IdempotencyKey+".") {
		t.Errorf("email message = %+v", alice)
	}
	if bob.Channel != notify.SMS || bob.To != "+33612345678" || !strings.HasPrefix(bob.Text, "Bob, Something is coming - your personal link") {
		t.Errorf("sms message = %+v", bob)
	}

	// Again: nobody gets a second seed, and no link is minted for nothing.
	res, err = e.store.Seed(ctx, id, m.mint)
	if err != nil || res.Queued != 0 {
		t.Fatalf("second Seed = %+v, %v; want none queued", res, err)
	}
	if n := e.count(t, `SELECT COUNT(*) FROM test_links`); n != 4 {
		t.Errorf("%d links minted, want 4", n)
	}
	e.importCSV(t, id, "email\neve@example.com\nalice@example.com\n")
	if res, _ := e.store.Seed(ctx, id, m.mint); res.Queued != 1 {
		t.Errorf("Seed after adding one contact = %+v, want 1 queued", res)
	}
	if n := e.count(t, `SELECT COUNT(*) FROM messages`); n != 5 {
		t.Errorf("%d messages, want 5", n)
	}
}

func TestSeedSkipsOptedOut(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	id := e.campaign(t, "fr")
	e.importCSV(t, id, mixedContacts)
	if err := e.store.Suppress(ctx, "ALICE@example.com", "asked"); err != nil {
		t.Fatal(err)
	}
	if err := e.store.Suppress(ctx, "whatsapp:+33 6 98 76 54 32", "asked"); err != nil {
		t.Fatal(err)
	}
	res, err := e.store.Seed(ctx, id, (&minter{}).mint)
	if err != nil || res.Queued != 2 || res.Suppressed != 2 {
		t.Fatalf("Seed = %+v, %v; want 2 queued and 2 suppressed", res, err)
	}
}

func TestSeedLinkAndMessageCommitTogether(t *testing.T) {
	db := dbtest.Open(t)
	c := newClock()
	s := notify.NewStore(db, notify.Config{Now: c.Now, BaseURL: "https://share.example.com", SeedBatch: 2, Logger: quiet})
	e := &env{db: db, store: s, clock: c}
	ctx := context.Background()
	id := e.campaign(t, "en")
	e.importCSV(t, id, contactsCSV(5, "example.com"))

	// The third mint fails: the first batch of two stays, the second rolls
	// back whole, its one minted link with it.
	res, err := s.Seed(ctx, id, (&minter{failAt: 3}).mint)
	if err == nil || res.Queued != 2 {
		t.Fatalf("Seed = %+v, %v; want 2 queued and an error", res, err)
	}
	links, msgs := e.count(t, `SELECT COUNT(*) FROM test_links`), e.count(t, `SELECT COUNT(*) FROM messages`)
	if links != 2 || msgs != 2 {
		t.Fatalf("%d links and %d messages after a failed batch, want 2 and 2", links, msgs)
	}
	res, err = s.Seed(ctx, id, (&minter{}).mint)
	if err != nil || res.Queued != 3 {
		t.Fatalf("Seed again = %+v, %v; want the 3 left", res, err)
	}
	if n := e.count(t, `SELECT COUNT(DISTINCT contact_id) FROM messages`); n != 5 {
		t.Errorf("%d contacts have a message, want 5", n)
	}
}

func TestSeedUnknownCampaign(t *testing.T) {
	e := newEnv(t)
	_, err := e.store.Seed(context.Background(), 99, (&minter{}).mint)
	if !errors.Is(err, notify.ErrNotFound) {
		t.Fatalf("Seed = %v, want ErrNotFound", err)
	}
}

func TestEraseBlanksMessagesKeepsStatus(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	id := e.campaign(t, "fr")
	e.importCSV(t, id, mixedContacts)
	if _, err := e.store.Seed(ctx, id, (&minter{}).mint); err != nil {
		t.Fatal(err)
	}
	contacts, _ := e.store.Contacts(ctx, id, 0, 0)
	if err := e.store.Erase(ctx, contacts[0].ID); err != nil {
		t.Fatal(err)
	}
	if err := e.store.Erase(ctx, contacts[0].ID); !errors.Is(err, notify.ErrNotFound) {
		t.Errorf("second Erase = %v, want ErrNotFound", err)
	}
	msgs, _ := e.store.Outbox(ctx, notify.Filter{CampaignID: id})
	m := msgs[0]
	if m.To != "" || m.Text != "" || m.HTML != "" || m.Subject != "" || m.ContactID != 0 || m.Status != notify.Failed {
		t.Errorf("erased message = %+v", m)
	}
	if n := e.count(t, `SELECT COUNT(*) FROM contacts`); n != 3 {
		t.Errorf("%d contacts left, want 3", n)
	}
	if n := e.count(t, `SELECT COUNT(*) FROM messages`); n != 4 {
		t.Errorf("%d messages left, want all 4 for the figures", n)
	}
	if msgs[1].To == "" {
		t.Errorf("another contact's message was blanked")
	}
	// Not in the file's free pages, nor in the write-ahead log either. On
	// PostgreSQL there is no file of the test's own to read (Path is empty).
	if e.db.Dialect != storage.SQLite {
		return
	}
	for _, path := range []string{e.db.Path, e.db.Path + "-wal"} {
		raw, err := os.ReadFile(path)
		if err != nil && !os.IsNotExist(err) {
			t.Fatal(err)
		}
		if bytes.Contains(raw, []byte(contacts[0].Address)) {
			t.Errorf("%s still holds the erased address %q", filepath.Base(path), contacts[0].Address)
		}
	}
}

// Seed counts the links it minted in the campaign's "links" counter, once
// per batch and with it: a batch rolled back counts none. (The mint only
// mints, so the counter is not held from the first mint of a batch to its
// commit, in the way of the campaign's forwards.)
func TestSeedCountsLinksPerBatch(t *testing.T) {
	db := dbtest.Open(t)
	e := newEnvOn(t, db)
	e.store = notify.NewStore(db, notify.Config{Now: e.clock.Now, BaseURL: "https://share.example.com",
		DefaultRegion: "FR", Logger: quiet, SeedBatch: 2})
	ctx := context.Background()
	id := e.campaign(t, "fr")
	e.importCSV(t, id, contactsCSV(5, "example.com"))
	links := func() int {
		return e.count(t, `SELECT CAST(COALESCE(SUM(value), 0) AS BIGINT) FROM campaign_counters WHERE campaign_id = $1 AND name = 'links'`, id)
	}
	if _, err := e.store.Seed(ctx, id, (&minter{failAt: 4}).mint); err == nil {
		t.Fatal("Seed succeeded with a failing mint")
	}
	if got := links(); got != 2 {
		t.Errorf("links counted after a second batch failed: %d, want the first batch's 2", got)
	}
	res, err := e.store.Seed(ctx, id, (&minter{}).mint)
	if err != nil || res.Queued != 3 {
		t.Fatalf("Seed = %+v, %v; want 3 queued", res, err)
	}
	if got := links(); got != 5 {
		t.Errorf("links counted = %d, want 5", got)
	}
}
