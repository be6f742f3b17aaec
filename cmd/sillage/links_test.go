package main

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/sillage/sillage/campaign"
	"github.com/sillage/sillage/migrations/storage"
	"github.com/sillage/sillage/notify/notifytest"
)

// sillage send, run beside a server, queues links on the address that
// server serves, and the emails that leave the machine carry them: share
// and unsubscribe links on one base, never http://localhost:8080 by
// default, never a double slash after a base given with a trailing one.
func TestSendLinksCarryTheServersAddress(t *testing.T) {
	for _, tc := range []struct {
		name  string
		serve []string
		want  func(addr string) string // the base every link must start with
	}{
		{"BaseURL", []string{"-addr", "127.0.0.1:0", "-base-url", "https://x/"}, func(string) string { return "https://x/" }},
		{"Addr", []string{"-addr", "127.0.0.1:0"}, func(addr string) string { return addr + "/" }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			smtpSrv := notifytest.NewSMTPServer(t, notifytest.SMTPOptions{})
			dir := liveCampaign(t)
			env := map[string]string{
				"SILLAGE_DATA_DIR":    dir,
				"SILLAGE_DB":          storeEnv(dir)["SILLAGE_DB"],
				"SILLAGE_LOCAL_MEDIA": storeEnv(dir)["SILLAGE_LOCAL_MEDIA"],
				"SILLAGE_SMTP_URL":    smtpSrv.URL(),
				"SILLAGE_EMAIL_FROM":  "Sillage <no-reply@sillage.example>",
			}
			getenv := func(k string) string { return env[k] }
			ctx, cancel := context.WithCancel(context.Background())
			pr, pw := io.Pipe()
			done := make(chan error, 1)
			go func() {
				done <- run(ctx, append([]string{"serve"}, tc.serve...), getenv, pw, io.Discard)
				pw.Close()
			}()
			defer func() {
				cancel()
				<-done
			}()
			addr := waitForAddr(t, pr)
			go io.Copy(io.Discard, pr)
			base := tc.want(addr)

			file := filepath.Join(t.TempDir(), "contacts.csv")
			os.WriteFile(file, []byte("email\nzoe@example.com\n"), 0o600)
			var out, errOut bytes.Buffer
			if err := run(ctx, []string{"contacts", "import", "1", file}, getenv, &out, &errOut); err != nil {
				t.Fatalf("import: %v\n%s", err, errOut.String())
			}
			if err := run(ctx, []string{"send", "1"}, getenv, &out, &errOut); err != nil {
				t.Fatalf("send: %v\n%s", err, errOut.String())
			}
			for deadline := time.Now().Add(10 * time.Second); len(smtpSrv.Mails()) == 0; time.Sleep(20 * time.Millisecond) {
				if time.Now().After(deadline) {
					t.Fatal("the server's worker never delivered the email the CLI queued")
				}
			}
			// Quoted-printable may break a long line: join it again.
			mail := strings.ReplaceAll(string(smtpSrv.Mails()[0].Data), "=\r\n", "")
			links := regexp.MustCompile(`https?://[^\s"<>]+/[su]/[A-Za-z0-9._=-]+`).FindAllString(mail, -1)
			var share, unsubscribe int
			for _, l := range links {
				if !strings.HasPrefix(l, base) || strings.Contains(strings.TrimPrefix(l, base), "//") {
					t.Errorf("link %q, want it on %s", l, base)
				}
				switch rest := strings.TrimPrefix(l, base); {
				case strings.HasPrefix(rest, "s/"):
					share++
				case strings.HasPrefix(rest, "u/"):
					unsubscribe++
				}
			}
			if share == 0 || unsubscribe == 0 {
				t.Errorf("the email has %d share and %d unsubscribe links on %s, want both:\n%s", share, unsubscribe, base, mail)
			}
		})
	}
}

// With no server ever run on the database and no -base-url, send refuses
// and queues nothing, rather than minting links on a guessed address;
// -base-url given, it mints them there.
func TestSendRefusesWithoutAnAddress(t *testing.T) {
	dir := liveCampaign(t)
	getenv := func(k string) string { return storeEnv(dir)[k] }
	ctx := context.Background()
	file := filepath.Join(dir, "contacts.csv")
	os.WriteFile(file, []byte("email\nzoe@example.com\n"), 0o600)
	if err := run(ctx, []string{"contacts", "import", "1", file, "-data-dir", dir}, getenv, io.Discard, io.Discard); err != nil {
		t.Fatal(err)
	}
	err := run(ctx, []string{"send", "1", "-data-dir", dir}, getenv, io.Discard, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "-base-url") {
		t.Fatalf("send with no known address: %v, want a refusal naming -base-url", err)
	}
	var out bytes.Buffer
	if err := run(ctx, []string{"outbox", "-data-dir", dir}, getenv, &out, io.Discard); err != nil || strings.Count(out.String(), "\n") != 1 {
		t.Fatalf("the refused send queued messages: %v\n%s", err, out.String())
	}
	out.Reset()
	if err := run(ctx, []string{"send", "1", "-data-dir", dir, "-base-url", "https://share.example.com/"}, getenv, &out, io.Discard); err != nil {
		t.Fatal(err)
	}
	// One message, counted through x/text's plural rules: never "1 messages".
	if got, want := strings.SplitN(out.String(), "\n", 2)[0], "queued 1 message, skipped 0 opted-out contacts"; got != want {
		t.Errorf("send says %q, want %q", got, want)
	}
	out.Reset()
	run(ctx, []string{"outbox", "-data-dir", dir}, getenv, &out, io.Discard)
	if !regexp.MustCompile(`https://share\.example\.com/s/[A-Za-z0-9_-]+`).MatchString(out.String()) {
		t.Errorf("outbox after send -base-url https://share.example.com/:\n%s", out.String())
	}
}

// A campaign that is missing or ended is what send says, before it asks
// for the links' address: with no server ever run and no -base-url, the
// campaign's error still comes first.
func TestSendSaysTheCampaignsErrorFirst(t *testing.T) {
	dir := liveCampaign(t)
	getenv := func(k string) string { return storeEnv(dir)[k] }
	ctx := context.Background()
	err := run(ctx, []string{"send", "99", "-data-dir", dir}, getenv, io.Discard, io.Discard)
	if !errors.Is(err, campaign.ErrNotFound) {
		t.Errorf("send to a missing campaign: %v, want %v", err, campaign.ErrNotFound)
	}
	db, err := storage.Open(ctx, storeOf(dir))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := campaign.NewStore(db, dir, time.Now).SetStatus(ctx, 1, campaign.Ended); err != nil {
		t.Fatal(err)
	}
	db.Close()
	err = run(ctx, []string{"send", "1", "-data-dir", dir}, getenv, io.Discard, io.Discard)
	if !errors.Is(err, campaign.ErrEnded) || !strings.Contains(err.Error(), "its links could not be opened") {
		t.Errorf("send to an ended campaign: %v, want %v, its links could not be opened", err, campaign.ErrEnded)
	}
}
