package main

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/sillage/sillage/migrations/storage"
	"github.com/sillage/sillage/notify"
	"github.com/sillage/sillage/notify/notifytest"
)

// With a mail server configured and no Twilio account, the email is sent
// and the SMS is kept by the development sender: the outbox says so, and
// never calls the SMS sent.
func TestOutboxKeptByDevelopmentSender(t *testing.T) {
	ctx := context.Background()
	dir := liveCampaign(t)
	cli := func(args ...string) string {
		t.Helper()
		var out bytes.Buffer
		if err := run(ctx, append(args, dataFlags(dir)...), func(string) string { return "" }, &out, io.Discard); err != nil {
			t.Fatalf("sillage %s: %v\n%s", strings.Join(args, " "), err, out.String())
		}
		return out.String()
	}
	file := filepath.Join(dir, "contacts.csv")
	if err := os.WriteFile(file, []byte("name,email,phone,channel\nZoé,zoe@example.com,,email\nLéo,,+33612345678,sms\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	cli("contacts", "import", "1", file)
	cli("send", "1", "-base-url", "http://localhost:8080")

	// What the server's worker does, with SMTP and without Twilio.
	db, err := storage.Open(ctx, storeOf(dir))
	if err != nil {
		t.Fatal(err)
	}
	key, err := bodyKey(ctx, db, &config{DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	quiet := slog.New(slog.DiscardHandler)
	store := notify.NewStore(db, notify.Config{Now: time.Now, BaseURL: "http://localhost:8080", Logger: quiet, BodyKey: key})
	smtpSrv := notifytest.NewSMTPServer(t, notifytest.SMTPOptions{})
	senders, err := notify.NewSenders(notify.SendersConfig{SMTP: notify.SMTPConfig{URL: smtpSrv.URL(), From: "no-reply@sillage.example"}, Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	if err := store.NewWorker(senders, notify.WorkerConfig{}).Drain(ctx); err != nil {
		t.Fatal(err)
	}
	db.Close()
	if n := len(smtpSrv.Mails()); n != 1 {
		t.Fatalf("the mail server received %d mails, want 1", n)
	}

	row := func(out, to string) []string {
		for _, line := range strings.Split(out, "\n") {
			if strings.Contains(line, to) {
				return strings.Fields(line)
			}
		}
		t.Fatalf("no row for %s in\n%s", to, out)
		return nil
	}
	const legend = "kept: kept by the development sender (not delivered)"
	out := cli("outbox")
	if got := row(out, "zoe@example.com")[4]; got != "sent" {
		t.Errorf("the email's status is %q, want sent\n%s", got, out)
	}
	if got := row(out, "+33612345678")[4]; got != "kept" {
		t.Errorf("the SMS's status is %q, want kept\n%s", got, out)
	}
	if !strings.Contains(out, "\n"+legend) {
		t.Errorf("the outbox does not say what kept means:\n%s", out)
	}
	if link := regexp.MustCompile(`/s/[A-Za-z0-9_-]+`); !link.MatchString(row(out, "+33612345678")[8]) {
		t.Errorf("the kept SMS does not show its link:\n%s", out)
	}

	out = cli("outbox", "--status", "kept")
	if strings.Contains(out, "zoe@example.com") || !strings.Contains(out, "+33612345678") {
		t.Errorf("outbox --status kept:\n%s", out)
	}
	out = cli("outbox", "--status", "sent")
	if strings.Contains(out, legend) || strings.Contains(out, "+33612345678") || !strings.Contains(out, "zoe@example.com") {
		t.Errorf("outbox --status sent:\n%s", out)
	}
}
