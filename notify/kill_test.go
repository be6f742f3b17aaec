package notify_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/sillage/sillage/migrations/dbtest"
	"github.com/sillage/sillage/migrations/storage"
	"github.com/sillage/sillage/notify"
)

// The worker a killed process runs: configured from the environment by
// TestKilledProcessLosesNothing and TestKilledInstanceAmongThree, it
// delivers until SIGKILL, or until SIGTERM, when it prints how many sends
// it recorded.
func TestWorkerProcess(t *testing.T) {
	path := os.Getenv("NOTIFY_TEST_DB")
	if path == "" {
		t.Skip("run by TestKilledProcessLosesNothing")
	}
	db, err := storage.Open(context.Background(), path)
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
	cfg := killCfg
	cfg.ID = os.Getenv("NOTIFY_TEST_WORKER_ID") // empty: a random one
	var sent atomic.Int64
	cfg.Observe = func(_ notify.Channel, result string) {
		if result == notify.SendSent {
			sent.Add(1)
		}
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM)
	defer stop()
	s.NewWorker(senders, cfg).Run(ctx)
	fmt.Printf("worker %s recorded %d sends\n", cfg.ID, sent.Load())
}

var killCfg = notify.WorkerConfig{Concurrency: 8, Batch: 16, SendTimeout: time.Second, Lease: 2 * time.Second, Poll: 10 * time.Millisecond}

// workerProcess starts TestWorkerProcess in a new process of the test
// binary, on the store at target and the providers p, as worker id; its
// standard output goes to out.
func workerProcess(t *testing.T, target string, p *providers, id string, out io.Writer) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestWorkerProcess$")
	cmd.Env = append(os.Environ(), "NOTIFY_TEST_DB="+target, "NOTIFY_TEST_SMTP="+p.smtp.URL(), "NOTIFY_TEST_WORKER_ID="+id,
		"NOTIFY_TEST_TWILIO_URL="+p.twilio.URL, "NOTIFY_TEST_TWILIO_SID="+p.twilio.AccountSID, "NOTIFY_TEST_TWILIO_TOKEN="+p.twilio.AuthToken)
	cmd.Stdout = out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	return cmd
}

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
	db, err := storage.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	// The real clock: the killed process cannot share an injected one.
	e := &env{db: db, clock: newClock(), store: notify.NewStore(db, notify.Config{BaseURL: "https://share.example.com", Logger: quiet})}
	p := newProviders(t, e, 2*time.Millisecond)
	id := e.queueMixed(t, 1000)

	cmd := workerProcess(t, path, p, "", nil)
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
	if atKill >= 1000 {
		t.Fatalf("the kill came after all %d deliveries: nothing was cut short", atKill)
	}

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
	sent := p.sends()
	lost, doubled := 0, 0
	for _, m := range msgs {
		n := sent(m)
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

// TestKilledInstanceAmongThree runs three worker processes on one
// PostgreSQL outbox, as three instances of Sillage, each with its own
// worker id and a 2 s lease, and kills one with SIGKILL part way through
// 1,000 messages. The two others finish: none is lost, and the only
// messages sent twice are some the killed one had leased (sends in flight
// at the kill, at most its Concurrency); the live ones double nothing.
// Each live one sends a share, which is what SKIP LOCKED in the claim is
// for: without it, concurrent claims pick the same messages and wait on
// one another.
func TestKilledInstanceAmongThree(t *testing.T) {
	if testing.Short() {
		t.Skip("spawns processes")
	}
	target := dbtest.PostgresURL(t)
	ctx := context.Background()
	db, err := storage.Open(ctx, target)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	e := &env{db: db, clock: newClock(), store: notify.NewStore(db, notify.Config{BaseURL: "https://share.example.com", Logger: quiet})}
	p := newProviders(t, e, 2*time.Millisecond)
	id := e.queueMixed(t, 1000)

	names := []string{"instance-a", "instance-b", "instance-c"}
	outs := make([]*bytes.Buffer, len(names))
	cmds := make([]*exec.Cmd, len(names))
	for i, name := range names {
		outs[i] = &bytes.Buffer{}
		cmds[i] = workerProcess(t, target, p, name, outs[i])
	}
	t.Cleanup(func() { // a failure below leaves none running
		for _, c := range cmds {
			c.Process.Kill()
			c.Wait()
		}
	})
	deadline := time.Now().Add(20 * time.Second)
	for p.delivered() < 300 {
		if time.Now().After(deadline) {
			t.Fatalf("the worker processes delivered %d in 20s", p.delivered())
		}
		time.Sleep(time.Millisecond)
	}
	killed := names[0]
	cmds[0].Process.Kill() // SIGKILL: no defer, no cleanup, no last write
	cmds[0].Wait()
	atKill := p.delivered()
	if code := cmds[0].ProcessState.ExitCode(); code != -1 {
		t.Fatalf("%s had exited with %d before the kill", killed, code)
	}
	if atKill >= 1000 {
		t.Fatalf("the kill came after all %d deliveries: nothing was cut short", atKill)
	}
	// What the killed worker held leased: its lease (2 s) has not expired
	// yet, so nobody else has taken any of these.
	leased := map[string]bool{}
	rows, err := db.Read.QueryContext(ctx, `SELECT idempotency_key FROM messages WHERE status = 'sending' AND lease_owner = $1`, killed)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var key string
		if err := rows.Scan(&key); err != nil {
			t.Fatal(err)
		}
		leased[key] = true
	}
	if err := rows.Close(); err != nil {
		t.Fatal(err)
	}

	waitUntil := time.Now().Add(30 * time.Second)
	for {
		counts, _ := e.store.Counts(ctx, id)
		if counts[notify.Sent] == 1000 {
			break
		}
		if time.Now().After(waitUntil) {
			t.Fatalf("not finished: %v", counts)
		}
		time.Sleep(10 * time.Millisecond)
	}
	shares := map[string]int{}
	for i, c := range cmds[1:] {
		c.Process.Signal(syscall.SIGTERM)
		c.Wait()
		var name string
		var n int
		if _, err := fmt.Sscanf(lastLine(outs[i+1].String(), "worker "), "worker %s recorded %d sends", &name, &n); err != nil || name != names[i+1] {
			t.Fatalf("%s said %q", names[i+1], outs[i+1].String())
		}
		shares[name] = n
	}

	msgs, _ := e.store.Outbox(ctx, notify.Filter{Limit: 1000})
	sent := p.sends()
	lost, doubled, strays := 0, 0, 0
	for _, m := range msgs {
		n := sent(m)
		if n == 0 {
			lost++
		}
		if n > 1 {
			doubled++
			if !leased[m.IdempotencyKey] {
				strays++
			}
		}
	}
	t.Logf("SIGKILL of %s after %d deliveries (%d messages leased to it); recorded by %s %d, %s %d; %d lost, %d sent twice",
		killed, atKill, len(leased), names[1], shares[names[1]], names[2], shares[names[2]], lost, doubled)
	if len(msgs) != 1000 || lost != 0 || doubled > killCfg.Concurrency {
		t.Fatalf("%d messages, %d lost, %d doubled; want 1000, none lost and at most %d doubled", len(msgs), lost, doubled, killCfg.Concurrency)
	}
	if strays != 0 {
		t.Errorf("%d messages sent twice that the killed worker did not hold: a live worker doubled them", strays)
	}
	for _, name := range names[1:] {
		if shares[name] == 0 {
			t.Errorf("%s recorded no send: the live workers did not share the outbox", name)
		}
	}
}

// lastLine returns the last line of out that starts with prefix.
func lastLine(out, prefix string) string {
	var last string
	for line := range strings.Lines(out) {
		if strings.HasPrefix(line, prefix) {
			last = line
		}
	}
	return last
}
