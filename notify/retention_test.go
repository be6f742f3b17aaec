package notify_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/sillage/sillage/migrations/dbtest"
	"github.com/sillage/sillage/notify"
)

const day = 24 * time.Hour

// devDrain delivers every due message through the development sender.
func (e *env) devDrain(t *testing.T) {
	t.Helper()
	senders, err := notify.NewSenders(notify.SendersConfig{Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	if err := e.store.NewWorker(senders, notify.WorkerConfig{}).Drain(context.Background()); err != nil {
		t.Fatal(err)
	}
}

// seeded makes a campaign with two contacts whose seed messages were sent
// by the development sender (bodies kept) and a third still queued.
func (e *env) seeded(t *testing.T) int64 {
	t.Helper()
	ctx := context.Background()
	id := e.campaign(t, "en")
	e.importCSV(t, id, "name,email,phone,channel\nAda Lovelace,ada@example.com,,\nBob,,0612345678,sms\n")
	if _, err := e.store.Seed(ctx, id, (&minter{}).mint); err != nil {
		t.Fatal(err)
	}
	e.devDrain(t)
	e.importCSV(t, id, "email\nlate@example.com\n")
	if _, err := e.store.Seed(ctx, id, (&minter{}).mint); err != nil {
		t.Fatal(err)
	}
	return id
}

func (e *env) exec(t *testing.T, query string, args ...any) {
	t.Helper()
	if _, err := e.db.Write.Exec(query, args...); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
}

func TestRetentionErasesEndedCampaigns(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	start := e.clock.Now()
	const age = 90 * day

	ended := e.seeded(t) // ended by hand now
	e.exec(t, `UPDATE campaigns SET status = 'ended', updated_at = $1 WHERE id = $2`, start.UnixMilli(), ended)
	pastEnd := e.seeded(t) // live, its end date tomorrow
	e.exec(t, `UPDATE campaigns SET ends_at = $1 WHERE id = $2`, start.Add(day).UnixMilli(), pastEnd)
	running := e.seeded(t) // live, no end
	endedLater := e.seeded(t)
	e.exec(t, `UPDATE campaigns SET status = 'ended', updated_at = $1 WHERE id = $2`, start.Add(30*day).UnixMilli(), endedLater)
	countsBefore, _ := e.store.Counts(ctx, ended)
	if before := e.count(t, `SELECT COUNT(*) FROM messages WHERE campaign_id = $1 AND body_text LIKE '%/s/%'`, ended); before != 3 {
		t.Fatalf("%d messages hold their link before retention, want 3 (the development sender keeps bodies)", before)
	}

	contacts := func(id int64) int {
		return e.count(t, `SELECT COUNT(*) FROM contacts WHERE campaign_id = $1`, id)
	}
	for _, step := range []struct {
		name  string
		at    time.Duration // after start
		want  notify.Retained
		erase []int64 // campaigns without contacts afterwards
		keep  []int64
	}{
		{"BeforeTheAge", age - time.Hour, notify.Retained{}, nil, []int64{ended, pastEnd, running, endedLater}},
		{"EndedByHand", age + time.Hour, notify.Retained{Campaigns: 1, Contacts: 3, Messages: 3}, []int64{ended}, []int64{pastEnd, running, endedLater}},
		{"PastItsEndDate", age + day + time.Hour, notify.Retained{Campaigns: 1, Contacts: 3, Messages: 3}, []int64{pastEnd}, []int64{running, endedLater}},
		{"Again", age + day + 2*time.Hour, notify.Retained{}, nil, []int64{running, endedLater}},
		{"Later", age + 31*day, notify.Retained{Campaigns: 1, Contacts: 3, Messages: 3}, []int64{endedLater}, []int64{running}},
	} {
		t.Run(step.name, func(t *testing.T) {
			e.clock.Advance(start.Add(step.at).Sub(e.clock.Now()))
			got, err := e.store.Retain(ctx, age)
			if err != nil || got != step.want {
				t.Fatalf("Retain = %+v, %v; want %+v", got, err, step.want)
			}
			for _, id := range step.erase {
				if n := contacts(id); n != 0 {
					t.Errorf("campaign %d keeps %d contacts", id, n)
				}
			}
			for _, id := range step.keep {
				if n := contacts(id); n != 3 {
					t.Errorf("campaign %d has %d contacts, want its 3", id, n)
				}
			}
		})
	}

	// Erased: no address, no name, no body; status and times kept, and the
	// message still queued failed, having nobody to go to.
	msgs, _ := e.store.Outbox(ctx, notify.Filter{CampaignID: ended})
	for _, m := range msgs {
		if m.To != "" || m.Text != "" || m.HTML != "" || m.Subject != "" || m.ContactID != 0 || m.CreatedAt.IsZero() {
			t.Errorf("message %d after retention = %+v", m.ID, m)
		}
	}
	countsAfter, _ := e.store.Counts(ctx, ended)
	if countsAfter[notify.Sent] != countsBefore[notify.Sent] || countsAfter[notify.Failed] != countsBefore[notify.Queued] {
		t.Errorf("counts %v after retention, %v before: sent must stay, queued become failed", countsAfter, countsBefore)
	}
	if n := e.count(t, `SELECT COUNT(*) FROM messages WHERE (recipient <> '' OR body_text LIKE '%Ada%' OR body_html <> '')
		AND campaign_id IN ($1, $2, $3)`, ended, pastEnd, endedLater); n != 0 {
		t.Errorf("%d messages still name someone", n)
	}
}

func TestRetentionZeroKeepsEverything(t *testing.T) {
	e := newEnv(t)
	id := e.seeded(t)
	e.exec(t, `UPDATE campaigns SET status = 'ended' WHERE id = $1`, id)
	e.clock.Advance(10 * 365 * day)
	if got, err := e.store.Retain(context.Background(), 0); err != nil || got != (notify.Retained{}) {
		t.Errorf("Retain(0) = %+v, %v; want nothing erased", got, err)
	}
	done := make(chan struct{})
	go func() { e.store.RunRetention(context.Background(), 0, time.Millisecond); close(done) }()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("RunRetention with age 0 did not return at once")
	}
	if n := e.count(t, `SELECT COUNT(*) FROM contacts`); n != 3 {
		t.Errorf("%d contacts left, want 3", n)
	}
}

// The job runs once at start, then on every tick, and stops with its
// context.
func TestRunRetention(t *testing.T) {
	e := newEnv(t)
	first := e.seeded(t)
	e.exec(t, `UPDATE campaigns SET status = 'ended', updated_at = $1 WHERE id = $2`, e.clock.Now().UnixMilli(), first)
	e.clock.Advance(2 * day)
	second := e.seeded(t)
	e.exec(t, `UPDATE campaigns SET status = 'ended', updated_at = $1 WHERE id = $2`, e.clock.Now().UnixMilli(), second)
	e.clock.Advance(day + time.Hour) // first ended 3 days ago, second 1 day ago

	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { e.store.RunRetention(ctx, 2*day, 20*time.Millisecond); close(done) }()
	waitFor := func(what string, cond func() bool) {
		t.Helper()
		for deadline := time.Now().Add(5 * time.Second); !cond(); time.Sleep(5 * time.Millisecond) {
			if time.Now().After(deadline) {
				t.Fatalf("waited in vain for %s", what)
			}
		}
	}
	contacts := func(id int64) func() int {
		return func() int { return e.count(t, `SELECT COUNT(*) FROM contacts WHERE campaign_id = $1`, id) }
	}
	waitFor("the pass at start", func() bool { return contacts(first)() == 0 })
	if n := contacts(second)(); n != 3 {
		t.Fatalf("the pass at start erased a campaign ended a day ago: %d contacts left", n)
	}
	e.clock.Advance(day) // second now ended 2 days and an hour ago
	waitFor("a later tick", func() bool { return contacts(second)() == 0 })
	cancel()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("RunRetention did not stop with its context")
	}
}

func TestExport(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	id := e.campaign(t, "fr")
	e.importCSV(t, id, "name,email,phone\nAda Lovelace,ada@example.com,06 12 34 56 78\n")
	if _, err := e.store.Seed(ctx, id, (&minter{}).mint); err != nil {
		t.Fatal(err)
	}
	e.devDrain(t)
	if err := e.store.Suppress(ctx, "0612345678", "asked by phone"); err != nil {
		t.Fatal(err)
	}
	list, _ := e.store.Contacts(ctx, id, 0, 0)
	out, err := e.store.Export(ctx, list[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	c, m := out.Contact, out.Messages
	if c.Name != "Ada Lovelace" || c.Email != "ada@example.com" || c.Phone != "+33612345678" || c.Channel != notify.Email {
		t.Errorf("exported contact = %+v", c)
	}
	if len(m) != 1 || m[0].Status != notify.Kept || m[0].To != "ada@example.com" || m[0].SentAt == nil || m[0].Subject == "" {
		t.Errorf("exported messages = %+v", m)
	}
	if o := out.OptOuts; len(o) != 1 || o[0].Address != "+33612345678" || o[0].Reason != "asked by phone" {
		t.Errorf("exported opt-outs = %+v", o)
	}
	if err := e.store.Erase(ctx, c.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := e.store.Export(ctx, c.ID); !errors.Is(err, notify.ErrNotFound) {
		t.Errorf("Export after Erase: %v, want ErrNotFound", err)
	}
}

// A provider's error that quotes the address is scrubbed by the erasure.
func TestEraseScrubsErrors(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	id := e.campaign(t, "en")
	e.importCSV(t, id, "email\nada@example.com\n")
	e.exec(t, `INSERT INTO messages (campaign_id, contact_id, kind, channel, recipient, language, subject, body_text,
		body_html, content_sid, content_variables, idempotency_key, status, attempts, next_attempt_at, last_error,
		created_at, updated_at) SELECT $1, id, 'seed', 'email', address, 'en', 's', 't', 'h', '', '', 'k1', 'failed', 1, 0,
		'permanent error 550: <ada@example.com> mailbox unknown', 0, 0 FROM contacts`, id)
	list, _ := e.store.Contacts(ctx, id, 0, 0)
	if err := e.store.Erase(ctx, list[0].ID); err != nil {
		t.Fatal(err)
	}
	msgs, _ := e.store.Outbox(ctx, notify.Filter{CampaignID: id})
	if len(msgs) != 1 || strings.Contains(msgs[0].LastError, "ada@") || !strings.Contains(msgs[0].LastError, "mailbox unknown") {
		t.Errorf("last error after erasure = %q", msgs[0].LastError)
	}
}

// An erasure whose checkpoint a reader holds up says so in the log: the
// erased data stays in the write-ahead log until a later checkpoint.
func TestEraseLogsHeldCheckpoint(t *testing.T) {
	dbtest.SQLiteOnly(t, "a reader holding up the checkpoint of SQLite's write-ahead log (Checkpoint does nothing on PostgreSQL)")
	e := newEnv(t)
	ctx := context.Background()
	var logged bytes.Buffer
	store := notify.NewStore(e.db, notify.Config{Now: e.clock.Now, BaseURL: "https://share.example.com",
		DefaultRegion: "FR", Logger: slog.New(slog.NewTextHandler(&logged, nil))})
	id := e.campaign(t, "en")
	e.importCSV(t, id, "email\nada@example.com\nbob@example.com\n")
	list, _ := store.Contacts(ctx, id, 0, 0)

	if err := store.Erase(ctx, list[0].ID); err != nil {
		t.Fatal(err)
	}
	if logged.Len() != 0 {
		t.Fatalf("a checkpoint nobody held up logged: %s", logged.String())
	}

	// A reader in the middle of a long read keeps an older snapshot.
	read, err := e.db.Read.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer read.Rollback()
	var n int
	if err := read.QueryRow(`SELECT COUNT(*) FROM contacts`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	// SQLite waits for the reader up to its busy timeout: shorten it on
	// the one writer connection.
	e.exec(t, "PRAGMA busy_timeout = 50")
	if err := store.Erase(ctx, list[1].ID); err != nil {
		t.Fatal(err)
	}
	if got := logged.String(); !strings.Contains(got, "level=WARN") || !strings.Contains(got, "write-ahead log not emptied") {
		t.Errorf("log after an erasure whose checkpoint was held up = %q, want a warning", got)
	}
}
