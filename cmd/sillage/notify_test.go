package main

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"net/http"
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

// liveCampaign creates campaign 1, live, in a fresh data directory.
func liveCampaign(t *testing.T) string {
	t.Helper()
	ctx := context.Background()
	dir := newDataDir(t)
	db, err := storage.Open(ctx, storeOf(dir))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	campaigns := campaign.NewStore(db, dir, time.Now)
	c := &campaign.Campaign{Title: "Clip", Language: "en", Rules: campaign.DefaultRules()}
	if err := campaigns.Create(ctx, c); err != nil {
		t.Fatal(err)
	}
	campaigns.PutText(ctx, c.ID, "text/plain", "hi")
	if _, err := campaigns.SetStatus(ctx, c.ID, campaign.Live); err != nil {
		t.Fatal(err)
	}
	return dir
}

// The five-minute demo offline: import, send, and the outbox shows the
// links; then an erasure.
func TestContactsSendOutbox(t *testing.T) {
	ctx := context.Background()
	dir := liveCampaign(t)
	getenv := func(string) string { return "" }
	cli := func(args ...string) (string, error) {
		var out bytes.Buffer
		err := run(ctx, append(args, dataFlags(dir)...), getenv, &out, io.Discard)
		return out.String(), err
	}
	file := filepath.Join(dir, "contacts.csv")
	os.WriteFile(file, []byte("\uFEFFnom;courriel;téléphone;canal\nZoé;zoe@example.com;;\nBad;not-an-email;;\nLéo;;06 12 34 56 78;sms\n"), 0o600)

	out, err := cli("contacts", "import", "1", file)
	if err == nil || !strings.Contains(out, "imported 0, merged 0, rejected 1\nline 3: ") || !strings.Contains(out, "not-an-email") {
		t.Fatalf("import of a file with errors: %v\n%s", err, out)
	}
	if out, err := cli("contacts", "import", "1", file, "--skip-invalid"); err != nil || out != "imported 2, merged 0, rejected 1\nline 3: email \"not-an-email\" is not an email address\n" {
		t.Fatalf("import --skip-invalid: %v\n%s", err, out)
	}
	if out, err := cli("send", "1", "-base-url", "http://localhost:8080"); err != nil || !strings.HasPrefix(out, "queued 2 messages, skipped 0 opted-out contacts\n") {
		t.Fatalf("send: %v\n%s", err, out)
	}
	if out, err := cli("send", "1", "-base-url", "http://localhost:8080"); err != nil || !strings.HasPrefix(out, "queued 0 messages") {
		t.Errorf("second send: %v\n%s", err, out)
	}
	out, err = cli("outbox", "--campaign", "1", "--status", "queued")
	links := regexp.MustCompile(`http://localhost:8080/s/[A-Za-z0-9_-]+`).FindAllString(out, -1)
	if err != nil || len(links) != 2 || !strings.Contains(out, "zoe@example.com") || !strings.Contains(out, "+33612345678") {
		t.Fatalf("outbox: %v, links %q\n%s", err, links, out)
	}
	if out, err := cli("outbox", "--status", "sent"); err != nil || strings.Count(out, "\n") != 1 {
		t.Errorf("outbox of sent messages, none yet: %v\n%s", err, out)
	}
	if out, err := cli("contacts", "erase", "1"); err != nil || !strings.HasPrefix(out, "contact 1 erased") {
		t.Fatalf("erase: %v\n%s", err, out)
	}
	if out, _ := cli("outbox"); strings.Contains(out, "zoe@example.com") || strings.Count(out, "/s/") != 1 {
		t.Errorf("outbox after erasing Zoé still shows her address or link:\n%s", out)
	}

	for name, args := range map[string][]string{
		"NoSubcommand":       {"contacts"},
		"UnknownSubcommand":  {"contacts", "merge"},
		"ImportWithoutFile":  {"contacts", "import", "1"},
		"ImportBadCampaign":  {"contacts", "import", "x", file},
		"ImportNoCampaign":   {"contacts", "import", "9", file},
		"ImportMissingFile":  {"contacts", "import", "1", filepath.Join(dir, "nope.csv")},
		"EraseBadID":         {"contacts", "erase", "abc"},
		"EraseUnknown":       {"contacts", "erase", "99"},
		"SendNoCampaign":     {"send"},
		"SendUnknown":        {"send", "99"},
		"OutboxBadStatus":    {"outbox", "--status", "lost"},
		"OutboxBadLimit":     {"outbox", "--limit", "0"},
		"OutboxExtraArgs":    {"outbox", "1"},
		"ServerFlag":         {"outbox", "-retention", "90h"},
		"SkipInvalidOnErase": {"contacts", "erase", "2", "--skip-invalid"},
	} {
		t.Run(name, func(t *testing.T) {
			if _, err := cli(args...); err == nil {
				t.Errorf("run(%q) succeeded", args)
			}
		})
	}
	for name, env := range map[string]map[string]string{
		"BadRate":   {"SILLAGE_EMAIL_RATE": "fast"},
		"ZeroRate":  {"SILLAGE_TWILIO_RATE": "0"},
		"BadRegion": {"SILLAGE_DEFAULT_REGION": "France"},
	} {
		t.Run(name, func(t *testing.T) {
			err := run(ctx, append([]string{"outbox"}, dataFlags(dir)...), func(k string) string { return env[k] }, io.Discard, io.Discard)
			if err == nil {
				t.Errorf("run with %v succeeded", env)
			}
		})
	}

	// An ended campaign sends nothing.
	db, _ := storage.Open(ctx, storeOf(dir))
	campaign.NewStore(db, dir, time.Now).SetStatus(ctx, 1, campaign.Ended)
	db.Close()
	os.WriteFile(file, []byte("email\nnew@example.com\n"), 0o600)
	cli("contacts", "import", "1", file)
	if out, err := cli("send", "1"); err == nil {
		t.Errorf("send on an ended campaign succeeded:\n%s", out)
	}
}

// serve with SILLAGE_SMTP_URL set: the log says email is real, and a send
// through the API reaches the SMTP server through the worker running
// beside the HTTP server, with a link to this server.
func TestServeSendsThroughSMTP(t *testing.T) {
	smtpSrv := notifytest.NewSMTPServer(t, notifytest.SMTPOptions{})
	dir := newDataDir(t)
	env := map[string]string{
		"SILLAGE_DATA_DIR":    dir,
		"SILLAGE_DB":          storeEnv(dir)["SILLAGE_DB"],
		"SILLAGE_LOCAL_MEDIA": storeEnv(dir)["SILLAGE_LOCAL_MEDIA"],
		"SILLAGE_SMTP_URL":    smtpSrv.URL(),
		"SILLAGE_EMAIL_FROM":  "Sillage <no-reply@sillage.example>",
	}
	getenv := func(k string) string { return env[k] }
	var out bytes.Buffer
	if err := run(context.Background(), []string{"apikey", "create", "--name", "ci", "-create"}, getenv, &out, io.Discard); err != nil {
		t.Fatal(err)
	}
	key := strings.TrimSpace(out.String())

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"serve", "-addr", "127.0.0.1:0"}, getenv, pw, io.Discard)
		pw.Close()
	}()
	var logged strings.Builder
	sc := bufio.NewScanner(pr)
	addr := ""
	for addr == "" && sc.Scan() {
		logged.WriteString(sc.Text() + "\n")
		if m := regexp.MustCompile(`addr=(http://[0-9.:]+)`).FindStringSubmatch(sc.Text()); m != nil {
			addr = m[1]
		}
	}
	go io.Copy(io.Discard, pr)
	if !strings.Contains(logged.String(), "email: SMTP smtp://127.0.0.1") || !strings.Contains(logged.String(), "sms: development") {
		t.Errorf("start-up log does not say which senders are real:\n%s", logged.String())
	}

	api := func(method, path, ct, body string) int {
		req, _ := http.NewRequest(method, addr+path, strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+key)
		req.Header.Set("Content-Type", ct)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res.StatusCode
	}
	api("POST", "/api/v1/campaigns", "application/json", `{"title":"Clip"}`)
	api("PUT", "/api/v1/campaigns/1/content", "text/plain", "hi")
	api("POST", "/api/v1/campaigns/1/status", "application/json", `{"status":"live"}`)
	if st := api("POST", "/api/v1/campaigns/1/contacts", "text/csv", "email\nzoe@example.com\n"); st != http.StatusCreated {
		t.Fatalf("import: %d", st)
	}
	if st := api("POST", "/api/v1/campaigns/1/sends", "application/json", ""); st != http.StatusAccepted {
		t.Fatalf("send: %d", st)
	}
	for deadline := time.Now().Add(5 * time.Second); len(smtpSrv.Mails()) == 0; time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the worker never delivered the email")
		}
	}
	if m := smtpSrv.Mails()[0]; !bytes.Contains(m.Data, []byte(addr+"/s/")) {
		t.Errorf("the email carries no link to this server:\n%s", m.Data)
	}

	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("serve: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("serve did not stop")
	}
}
