package notify_test

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sillage/sillage/migrations/dbtest"
	"github.com/sillage/sillage/migrations/storage"
	"github.com/sillage/sillage/notify"
	"github.com/sillage/sillage/notify/notifytest"
)

// providers are both fake providers and senders that reach them.
type providers struct {
	smtp    *notifytest.SMTPServer
	twilio  *notifytest.TwilioServer
	senders *notify.Senders
}

func newProviders(t testing.TB, e *env, delay time.Duration) *providers {
	t.Helper()
	p := &providers{
		smtp:   notifytest.NewSMTPServer(t, notifytest.SMTPOptions{Delay: delay}),
		twilio: notifytest.NewTwilioServer(t),
	}
	p.twilio.Delay = delay
	var err error
	p.senders, err = notify.NewSenders(notify.SendersConfig{
		SMTP:      notify.SMTPConfig{URL: p.smtp.URL(), From: from, Conns: 16, Now: e.clock.Now},
		Twilio:    twilioConfig(p.twilio),
		EmailRate: 1e6, TwilioRate: 1e6, // measure the engine, not the limit
		Logger: quiet,
	})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// delivered is how many messages the fake providers accepted.
func (p *providers) delivered() int { return len(p.smtp.Mails()) + len(p.twilio.Accepted()) }

// checkOnce fails unless every message of the outbox reached its provider
// exactly once, counted by the provider by idempotency key.
func (p *providers) checkOnce(t *testing.T, e *env, want int) {
	t.Helper()
	msgs, err := e.store.Outbox(context.Background(), notify.Filter{Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	for len(msgs) < want {
		more, _ := e.store.Outbox(context.Background(), notify.Filter{After: msgs[len(msgs)-1].ID, Limit: 1000})
		if len(more) == 0 {
			break
		}
		msgs = append(msgs, more...)
	}
	if len(msgs) != want {
		t.Fatalf("outbox has %d messages, want %d", len(msgs), want)
	}
	sent := p.sends()
	doubles, lost := 0, 0
	for _, m := range msgs {
		switch n := sent(m); {
		case n == 0:
			lost++
		case n > 1:
			doubles++
		}
		if m.Status != notify.Sent {
			t.Errorf("message %d is %s (%s), want sent", m.ID, m.Status, m.LastError)
		}
	}
	if lost != 0 || doubles != 0 || p.delivered() != want {
		t.Fatalf("%d lost, %d sent more than once, %d deliveries for %d messages", lost, doubles, p.delivered(), want)
	}
}

// sends returns how many times the providers received a message: the SMTP
// server by Message-ID, the fake Twilio by idempotency token.
func (p *providers) sends() func(m notify.Message) int {
	byID, byToken := p.smtp.CountByMessageID(), p.twilio.CountByToken()
	return func(m notify.Message) int {
		if m.Channel == notify.Email {
			return byID[m.IdempotencyKey+"@sillage.example"]
		}
		return byToken[m.IdempotencyKey]
	}
}

// queueMixed queues n seed messages: 40% email, 40% SMS, 20% WhatsApp.
func (e *env) queueMixed(t testing.TB, n int) int64 {
	t.Helper()
	id := e.campaign(t, "en")
	var b strings.Builder
	b.WriteString("name,email,phone,channel\n")
	for i := range n {
		switch i % 5 {
		case 0, 1:
			fmt.Fprintf(&b, "P%d,p%d@example.com,,email\n", i, i)
		case 2, 3:
			fmt.Fprintf(&b, "P%d,,06%08d,sms\n", i, i)
		default:
			fmt.Fprintf(&b, "P%d,,076%07d,whatsapp\n", i, i)
		}
	}
	e.importCSV(t, id, b.String())
	res, err := e.store.Seed(context.Background(), id, (&minter{}).mint)
	if err != nil || res.Queued != n {
		t.Fatalf("Seed = %+v, %v; want %d queued", res, err, n)
	}
	return id
}

// TestCrashLosesNothingDoublesNothing sends 1,000 messages, stops the
// worker part way without any cleanup, and lets a new worker finish once
// the leases expire.
func TestCrashLosesNothingDoublesNothing(t *testing.T) {
	e := newEnv(t)
	p := newProviders(t, e, 2*time.Millisecond)
	id := e.queueMixed(t, 1000)
	cfg := notify.WorkerConfig{Concurrency: 8, Batch: 32, Lease: time.Minute, SendTimeout: 10 * time.Second}

	ctx, crash := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- e.store.NewWorker(p.senders, cfg).Run(ctx) }()
	// A bound, so that a worker that stalls fails the test instead of
	// hanging it.
	deadline := time.Now().Add(20 * time.Second)
	for p.delivered() < 300 {
		if time.Now().After(deadline) {
			crash()
			t.Fatalf("the worker delivered %d in 20s, want 300 before the crash", p.delivered())
		}
		time.Sleep(time.Millisecond)
	}
	crash()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	counts, _ := e.store.Counts(context.Background(), id)
	t.Logf("crash after %d deliveries: %v", p.delivered(), counts)
	if counts[notify.Sent] == 1000 || counts[notify.Sent] != p.delivered() {
		t.Fatalf("counts %v with %d deliveries: the crash came too late, or a send went unrecorded", counts, p.delivered())
	}

	// A new worker: what the crash left leased waits for its lease.
	w := e.store.NewWorker(p.senders, cfg)
	start := time.Now()
	if err := w.Drain(context.Background()); err != nil {
		t.Fatal(err)
	}
	if left, _ := e.store.Counts(context.Background(), id); left[notify.Sending] != counts[notify.Sending] {
		t.Fatalf("leased messages were taken before their lease expired: %v", left)
	}
	e.clock.Advance(cfg.Lease + time.Second)
	if err := w.Drain(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Logf("restart finished the %d left in %v", 1000-counts[notify.Sent], time.Since(start).Round(time.Millisecond))
	p.checkOnce(t, e, 1000)
}

// TestConcurrentWorkersSendOnce runs four workers, each on its own
// connection pool to the same store (a SQLite file or a PostgreSQL
// database), as four instances would: every message goes out once. It
// logs each worker's share and how full its claims came back, the figures
// SKIP LOCKED changes on PostgreSQL.
func TestConcurrentWorkersSendOnce(t *testing.T) {
	path := dbtest.Target(t)
	open := func() *storage.DB {
		db, err := storage.Open(context.Background(), path)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		return db
	}
	c := newClock()
	cfg := notify.Config{Now: c.Now, BaseURL: "https://share.example.com", Logger: quiet}
	e := &env{db: open(), clock: c}
	e.store = notify.NewStore(e.db, cfg)
	stores := []*notify.Store{e.store}
	for range 3 {
		stores = append(stores, notify.NewStore(open(), cfg))
	}
	p := newProviders(t, e, time.Millisecond)
	id := e.queueMixed(t, 1000)

	wc := notify.WorkerConfig{Concurrency: 4, Batch: 8}
	shares, claims, short := make([]int, len(stores)), make([]int, len(stores)), make([]int, len(stores))
	var wg sync.WaitGroup
	for i, s := range stores {
		wg.Go(func() {
			w := s.NewWorker(p.senders, wc)
			for {
				n, err := w.RunOnce(context.Background())
				if err != nil {
					t.Error(err)
					return
				}
				shares[i] += n
				claims[i]++
				if n < wc.Batch {
					short[i]++
				}
				if n == 0 {
					// Done once nothing is left queued, nor leased to a
					// worker still sending it.
					if c, err := s.Counts(context.Background(), id); err != nil || c[notify.Queued]+c[notify.Sending] == 0 {
						return
					}
					time.Sleep(time.Millisecond)
				}
			}
		})
	}
	wg.Wait()
	t.Logf("messages per worker %v; claims per worker %v, of which short of a batch %v", shares, claims, short)
	p.checkOnce(t, e, 1000)
}

// A claim passes over the due messages another worker's claim holds
// locked and takes the next ones, instead of waiting for that claim to
// commit and then finding its messages gone. SQLite has one writer at a
// time, and no row locks to pass over.
func TestClaimSkipsMessagesBeingClaimed(t *testing.T) {
	target := dbtest.PostgresURL(t)
	ctx := context.Background()
	open := func() *storage.DB {
		db, err := storage.Open(ctx, target)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		return db
	}
	e := newEnvOn(t, open())
	p := newProviders(t, e, 0)
	e.queueMixed(t, 40)

	// Another instance's claim, between its pick and its commit.
	other := open()
	tx, err := other.Write.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	var held []int64
	rows, err := tx.QueryContext(ctx, `SELECT id FROM messages ORDER BY next_attempt_at, id LIMIT 16 FOR UPDATE`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var id int64
		rows.Scan(&id)
		held = append(held, id)
	}
	if err := rows.Close(); err != nil || len(held) != 16 {
		t.Fatalf("locked %d messages: %v", len(held), err)
	}

	// A bound, not a measure: a claim that waits on the held rows waits
	// until the other transaction ends, which here is never.
	wctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	n, err := e.store.NewWorker(p.senders, notify.WorkerConfig{Concurrency: 4, Batch: 8}).RunOnce(wctx)
	if err != nil || n != 8 {
		t.Fatalf("RunOnce beside a claim in progress = %d, %v; want the next 8 messages at once", n, err)
	}
	sent, err := e.store.Outbox(ctx, notify.Filter{Status: notify.Sent})
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range sent {
		if slices.Contains(held, m.ID) {
			t.Errorf("message %d was sent while another claim held it", m.ID)
		}
	}
	if len(sent) != 8 {
		t.Errorf("%d sent, want 8", len(sent))
	}
}

// slowSenders lets one message through per hour: the rest of a batch
// waits on the rate limit, claimed but not sent.
func slowSenders(t testing.TB, srv *notifytest.TwilioServer) *notify.Senders {
	s, err := notify.NewSenders(notify.SendersConfig{Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	tw, err := notify.NewTwilioSender(twilioConfig(srv))
	if err != nil {
		t.Fatal(err)
	}
	s.Use("slow twilio", tw, 1.0/3600, notify.SMS)
	return s
}

func TestLeaseExpiryAndRestartReclaim(t *testing.T) {
	for _, stable := range []bool{false, true} {
		t.Run(map[bool]string{false: "LeaseExpires", true: "StableIDReclaims"}[stable], func(t *testing.T) {
			e := newEnv(t)
			srv := notifytest.NewTwilioServer(t)
			id := e.seedPhones(t, "0611111111,sms,fr", "0622222222,sms,fr", "0633333333,sms,fr")
			cfg := notify.WorkerConfig{Concurrency: 3, Lease: 10 * time.Minute}
			if stable {
				cfg.ID = "host-1"
			}
			ctx, crash := context.WithCancel(context.Background())
			t.Cleanup(crash) // also when a wait below fails
			done := make(chan error, 1)
			go func() { done <- e.store.NewWorker(slowSenders(t, srv), cfg).Run(ctx) }()
			for len(srv.Accepted()) < 1 {
				time.Sleep(time.Millisecond)
			}
			// The two others are leased and waiting on the limit.
			waitFor(t, func() bool {
				c, _ := e.store.Counts(context.Background(), id)
				return c[notify.Sent] == 1 && c[notify.Sending] == 2
			})
			crash()
			<-done
			if c, _ := e.store.Counts(context.Background(), id); c[notify.Sent] != 1 || c[notify.Sending] != 2 {
				t.Fatalf("after the crash: %v, want 1 sent and 2 left leased", c)
			}
			p := &providers{smtp: notifytest.NewSMTPServer(t, notifytest.SMTPOptions{}), twilio: srv}
			var err error
			if p.senders, err = notify.NewSenders(notify.SendersConfig{Twilio: twilioConfig(srv), Logger: quiet}); err != nil {
				t.Fatal(err)
			}
			w := e.store.NewWorker(p.senders, cfg)
			ctx, stop := context.WithCancel(context.Background())
			t.Cleanup(stop)
			go func() { done <- w.Run(ctx) }()
			time.Sleep(50 * time.Millisecond)
			if stable {
				// Same ID: the restart knows these were its own and retries
				// them at once.
				waitFor(t, func() bool { return len(srv.Accepted()) == 3 })
			} else if n := len(srv.Accepted()); n != 1 {
				t.Fatalf("%d sent before the lease expired, want 1", n)
			}
			e.clock.Advance(cfg.Lease + time.Second)
			w.Wake()
			waitFor(t, func() bool { return len(srv.Accepted()) == 3 })
			stop()
			<-done
			p.checkOnce(t, e, 3)
			attempts := 0
			for _, m := range deliveries(t, e, id) {
				attempts += m.Attempts
			}
			if attempts != 5 {
				t.Errorf("%d attempts in all, want 5: one send, and two claims each for the crashed two", attempts)
			}
		})
	}
}

func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); !cond(); time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("timed out")
		}
	}
}

func TestDevSenderKeepsMessages(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	senders, err := notify.NewSenders(notify.SendersConfig{Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	if d := senders.Describe(); strings.Count(d, "development") != 3 {
		t.Errorf("Describe() = %q, want every channel on the development sender", d)
	}
	id := e.queueMixed(t, 10)
	if err := e.store.NewWorker(senders, notify.WorkerConfig{}).Drain(ctx); err != nil {
		t.Fatal(err)
	}
	// Nothing left the machine: no message may say it was sent.
	if sent, _ := e.store.Outbox(ctx, notify.Filter{CampaignID: id, Status: notify.Sent}); len(sent) != 0 {
		t.Errorf("%d messages of the development sender are %q, want none", len(sent), notify.Sent)
	}
	msgs, _ := e.store.Outbox(ctx, notify.Filter{CampaignID: id, Status: notify.Kept})
	if len(msgs) != 10 || !strings.HasPrefix(msgs[0].ProviderID, "dev-") || !strings.Contains(msgs[0].Text, "https://share.example.com/s/") {
		t.Fatalf("outbox after the development sender: %d kept, want 10; first %+v", len(msgs), msgs)
	}
	counts, err := e.store.Counts(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := counts[notify.Kept], 10; got != want || counts[notify.Sent] != 0 {
		t.Errorf("Counts = %v, want %d kept and none sent", counts, want)
	}
	page, _ := e.store.Deliveries(ctx, id, notify.Filter{Channel: notify.SMS, Limit: 2})
	if len(page) != 2 || page[0].Channel != notify.SMS || page[0].Text != "" {
		t.Errorf("Deliveries page = %+v", page)
	}
	next, _ := e.store.Deliveries(ctx, id, notify.Filter{Channel: notify.SMS, After: page[1].ID})
	if len(next) != 2 {
		t.Errorf("next page has %d, want the 2 other SMS", len(next))
	}
}

// countingSender accepts everything and counts.
type countingSender struct {
	mu sync.Mutex
	n  int
}

func (c *countingSender) Send(_ context.Context, m *notify.Message) (string, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.n++
	return "count-" + m.IdempotencyKey, nil
}

func TestRateLimitPerProvider(t *testing.T) {
	e := newEnv(t)
	senders, _ := notify.NewSenders(notify.SendersConfig{Logger: quiet})
	c := &countingSender{}
	senders.Use("counting", c, 50, notify.SMS, notify.WhatsApp) // one provider, one limit for both
	e.queueMixed(t, 150)                                        // 90 SMS and WhatsApp, 60 emails
	start := time.Now()
	if err := e.store.NewWorker(senders, notify.WorkerConfig{Concurrency: 8}).Drain(context.Background()); err != nil {
		t.Fatal(err)
	}
	// A burst of 50, then 40 more at 50/s: at least 0.8 s.
	if elapsed := time.Since(start); c.n != 90 || elapsed < 700*time.Millisecond {
		t.Fatalf("%d sends in %v, want 90 taking at least 0.8s", c.n, elapsed)
	}
}

// On a full disk the worker leases nothing, so it sends nothing: a lease
// it could not store would send a message that the next round, finding it
// still queued, sends again. Once space is back each goes out once.
func TestWorkerFullDiskSendsNothing(t *testing.T) {
	dbtest.SQLiteOnly(t, "a full disk under the database file")
	if !dbtest.Alone(t) {
		return
	}
	e := newEnv(t)
	ctx := context.Background()
	senders, _ := notify.NewSenders(notify.SendersConfig{Logger: quiet})
	c := &countingSender{}
	senders.Use("counting", c, 0, notify.Email, notify.SMS, notify.WhatsApp)
	n := 10
	e.queueMixed(t, n)
	w := e.store.NewWorker(senders, notify.WorkerConfig{})

	before := dbtest.Dump(t, e.db)
	restore := dbtest.Full(t)
	_, err := w.RunOnce(ctx)
	after := dbtest.Dump(t, e.db)
	restore()
	if !storage.Unwritable(err) {
		t.Errorf("RunOnce on a full disk: %v, want an error Unwritable recognises", err)
	}
	if c.n != 0 {
		t.Errorf("%d messages sent on a full disk, want 0", c.n)
	}
	if !bytes.Equal(before, after) {
		t.Error("the outbox changed on a full disk")
	}

	if err := w.Drain(ctx); err != nil {
		t.Fatal(err)
	}
	if c.n != n {
		t.Errorf("%d sends once space is back, want %d", c.n, n)
	}
}
