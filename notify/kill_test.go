package notify_test

import (
	"context"
	"os"
	"os/exec"
	"testing"
	"time"

	"github.com/sillage/sillage/migrations"
	"github.com/sillage/sillage/migrations/dbtest"
	"github.com/sillage/sillage/notify"
)

// The worker a killed process runs: configured from the environment by
// TestKilledProcessLosesNothing, it delivers until SIGKILL.
func TestWorkerProcess(t *testing.T) {
	path := os.Getenv("NOTIFY_TEST_DB")
	if path == "" {
		t.Skip("run by TestKilledProcessLosesNothing")
	}
	db, err := migrations.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	s := notify.NewStore(db, notify.Config{BaseURL: "https://share.example.com", Logger: quiet})
	senders, err := notify.NewSenders(notify.SendersConfig{
		SMTP: notify.SMTPConfig{URL: os.Getenv("NOTIFY_TEST_SMTP"), From: from, Conns: 16},
		Twilio: notify.TwilioConfig{AccountSID: os.Getenv("NOTIFY_TEST_TWILIO_SID"), AuthToken: os.Getenv("NOTIFY_TEST_TWILIO_TOKEN"),
			SMSFrom: "+15005550006", WhatsAppFrom: "+14155238886", BaseURL: os.Getenv("NOTIFY_TEST_TWILIO_URL")},
		EmailRate: 1e6, TwilioRate: 1e6, Logger: quiet,
	})
	if err != nil {
		t.Fatal(err)
	}
	s.NewWorker(senders, killCfg).Run(context.Background())
}

var killCfg = notify.WorkerConfig{Concurrency: 8, Batch: 16, SendTimeout: time.Second, Lease: 2 * time.Second, Poll: 10 * time.Millisecond}

// TestKilledProcessLosesNothing kills a worker process with SIGKILL part
// way through 1,000 messages and finishes with another worker. Nothing is
// lost. A message the provider accepted in the instant before the killed
// process recorded it goes out again: at least once, as designed, and never
// more than the sends in flight at the kill (Concurrency).
func TestKilledProcessLosesNothing(t *testing.T) {
	if testing.Short() {
		t.Skip("spawns a process")
	}
	path := dbtest.Target(t) // a SQLite file or a PostgreSQL database
	db, err := migrations.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	// The real clock: the killed process cannot share an injected one.
	e := &env{db: db, clock: newClock(), store: notify.NewStore(db, notify.Config{BaseURL: "https://share.example.com", Logger: quiet})}
	p := newProviders(t, e, 2*time.Millisecond)
	id := e.queueMixed(t, 1000)

	cmd := exec.Command(os.Args[0], "-test.run=^TestWorkerProcess$")
	cmd.Env = append(os.Environ(), "NOTIFY_TEST_DB="+path, "NOTIFY_TEST_SMTP="+p.smtp.URL(),
		"NOTIFY_TEST_TWILIO_URL="+p.twilio.URL, "NOTIFY_TEST_TWILIO_SID="+p.twilio.AccountSID, "NOTIFY_TEST_TWILIO_TOKEN="+p.twilio.AuthToken)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(20 * time.Second)
	for p.delivered() < 300 {
		if time.Now().After(deadline) {
			cmd.Process.Kill()
			t.Fatalf("the worker process delivered %d in 20s", p.delivered())
		}
		time.Sleep(time.Millisecond)
	}
	cmd.Process.Kill() // SIGKILL: no defer, no cleanup, no last write
	cmd.Wait()
	atKill := p.delivered()

	ctx, stop := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- e.store.NewWorker(p.senders, killCfg).Run(ctx) }()
	waitUntil := time.Now().Add(30 * time.Second)
	for {
		counts, _ := e.store.Counts(context.Background(), id)
		if counts[notify.Sent] == 1000 {
			break
		}
		if time.Now().After(waitUntil) {
			t.Fatalf("not finished: %v", counts)
		}
		time.Sleep(10 * time.Millisecond)
	}
	stop()
	<-done

	msgs, _ := e.store.Outbox(context.Background(), notify.Filter{Limit: 1000})
	byID, byToken := p.smtp.CountByMessageID(), p.twilio.CountByToken()
	lost, doubled := 0, 0
	for _, m := range msgs {
		n := byToken[m.IdempotencyKey]
		if m.Channel == notify.Email {
			n = byID[m.IdempotencyKey+"@sillage.example"]
		}
		if n == 0 {
			lost++
		}
		if n > 1 {
			doubled++
		}
	}
	t.Logf("SIGKILL after %d deliveries; %d messages in all, %d lost, %d sent twice (in flight at the kill)", atKill, len(msgs), lost, doubled)
	if len(msgs) != 1000 || lost != 0 || doubled > killCfg.Concurrency {
		t.Fatalf("%d lost, %d doubled, want none lost and at most %d doubled", lost, doubled, killCfg.Concurrency)
	}
}
