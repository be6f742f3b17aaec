package notify_test

import (
	"bytes"
	"context"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/mail"
	"strings"
	"testing"
	"time"

	"github.com/sillage/sillage/notify"
	"github.com/sillage/sillage/notify/notifytest"
)

const from = "Sillage <no-reply@sillage.example>"

// smtpWorker returns a worker sending email to srv.
func (e *env) smtpWorker(t testing.TB, srv *notifytest.SMTPServer, cfg notify.WorkerConfig) *notify.Worker {
	t.Helper()
	senders, err := notify.NewSenders(notify.SendersConfig{
		SMTP:   notify.SMTPConfig{URL: srv.URL(), From: from, TLSConfig: srv.ClientTLS(), Now: e.clock.Now},
		Logger: quiet,
	})
	if err != nil {
		t.Fatal(err)
	}
	return e.store.NewWorker(senders, cfg)
}

// seedEmails queues one seed email per "address" or "name,address" and
// returns the campaign.
func (e *env) seedEmails(t testing.TB, addrs ...string) int64 {
	t.Helper()
	id := e.campaign(t, "en")
	var b strings.Builder
	b.WriteString("name,email\n")
	for _, a := range addrs {
		if !strings.Contains(a, ",") {
			b.WriteString(",")
		}
		b.WriteString(a + "\n")
	}
	e.importCSV(t, id, b.String())
	if _, err := e.store.Seed(context.Background(), id, (&minter{}).mint); err != nil {
		t.Fatal(err)
	}
	return id
}

// received is a parsed email.
type received struct {
	header     mail.Header
	subject    string
	text, html string
}

func parseMail(t *testing.T, data []byte) received {
	t.Helper()
	msg, err := mail.ReadMessage(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("received mail does not parse: %v", err)
	}
	var r received
	r.header = msg.Header
	if r.subject, err = new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject")); err != nil {
		t.Fatal(err)
	}
	mt, params, err := mime.ParseMediaType(msg.Header.Get("Content-Type"))
	if err != nil || mt != "multipart/alternative" {
		t.Fatalf("Content-Type %q, want multipart/alternative", msg.Header.Get("Content-Type"))
	}
	mr := multipart.NewReader(msg.Body, params["boundary"])
	for {
		p, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		var body io.Reader = p
		if p.Header.Get("Content-Transfer-Encoding") == "quoted-printable" {
			body = quotedprintable.NewReader(p)
		}
		b, _ := io.ReadAll(body)
		switch ct, _, _ := mime.ParseMediaType(p.Header.Get("Content-Type")); ct {
		case "text/plain":
			r.text = string(b)
		case "text/html":
			r.html = string(b)
		}
	}
	return r
}

func TestSMTPDelivers(t *testing.T) {
	for _, opts := range []notifytest.SMTPOptions{
		{TLS: "none"},
		{TLS: "none", Username: "sillage", Password: "s3cret"},
		{TLS: "starttls", Username: "sillage", Password: "s3cret"},
		{TLS: "implicit", Username: "sillage", Password: "s3cret"},
	} {
		t.Run(opts.TLS+map[bool]string{true: "Auth"}[opts.Username != ""], func(t *testing.T) {
			e := newEnv(t)
			ctx := context.Background()
			srv := notifytest.NewSMTPServer(t, opts)
			id := e.seedEmails(t, "Zoé,zoe@example.com")
			if err := e.smtpWorker(t, srv, notify.WorkerConfig{}).Drain(ctx); err != nil {
				t.Fatal(err)
			}
			mails := srv.Mails()
			if len(mails) != 1 {
				t.Fatalf("server got %d mails, want 1", len(mails))
			}
			msgs, _ := e.store.Outbox(ctx, notify.Filter{CampaignID: id})
			m := msgs[0]
			if m.Status != notify.Sent || m.Attempts != 1 || m.SentAt == nil || m.ProviderID != m.IdempotencyKey+"@sillage.example" {
				t.Fatalf("message after send = %+v", m)
			}
			got := mails[0]
			if got.MessageID != m.ProviderID || got.From != "no-reply@sillage.example" || len(got.To) != 1 || got.To[0] != "zoe@example.com" {
				t.Errorf("envelope/Message-ID = %q %q %v, want %q", got.MessageID, got.From, got.To, m.ProviderID)
			}
			r := parseMail(t, got.Data)
			link := "https://share.example.com/s/tok000001-email"
			if r.subject != "Something is coming: your personal link" {
				t.Errorf("Subject = %q", r.subject)
			}
			if !strings.Contains(r.text, link) || !strings.Contains(r.html, `href="`+link+`"`) || !strings.Contains(r.text, "Hi Zoé,") {
				t.Errorf("parts lack the link or the name:\ntext: %s\nhtml: %s", r.text, r.html)
			}
			unsub := r.header.Get("List-Unsubscribe")
			if !strings.HasPrefix(unsub, "<https://share.example.com/u/"+m.IdempotencyKey+".") || r.header.Get("List-Unsubscribe-Post") != "List-Unsubscribe=One-Click" {
				t.Errorf("List-Unsubscribe = %q, List-Unsubscribe-Post = %q", unsub, r.header.Get("List-Unsubscribe-Post"))
			}
			if r.header.Get("Date") == "" || !strings.Contains(r.html, strings.Trim(unsub, "<>")) {
				t.Errorf("Date %q, or the HTML lacks the unsubscribe link", r.header.Get("Date"))
			}
			// The header's link works: one click and the address is off the list.
			token := strings.TrimPrefix(strings.Trim(unsub, "<>"), "https://share.example.com/u/")
			if err := e.store.Unsubscribe(ctx, token); err != nil {
				t.Fatal(err)
			}
			if off, _ := e.store.Suppressed(ctx, "zoe@example.com"); !off {
				t.Errorf("unsubscribe did not suppress the address")
			}
		})
	}
}

func TestSMTPTemporaryThenAccepted(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	srv := notifytest.NewSMTPServer(t, notifytest.SMTPOptions{})
	srv.Script(451, 451)
	id := e.seedEmails(t, "a@example.com")
	w := e.smtpWorker(t, srv, notify.WorkerConfig{Backoff: 30 * time.Second})

	want := []time.Duration{30 * time.Second, time.Minute}
	for attempt, base := range want {
		start := e.clock.Now()
		if err := w.Drain(ctx); err != nil {
			t.Fatal(err)
		}
		m := deliveries(t, e, id)[0]
		wait := m.NextAttemptAt.Sub(start)
		if m.Status != notify.Queued || m.Attempts != attempt+1 || !strings.Contains(m.LastError, "451") || wait < base || wait > base*3/2 {
			t.Fatalf("after attempt %d: %+v (retry in %v, want %v plus up to half)", attempt+1, m, wait, base)
		}
		if n, _ := w.RunOnce(ctx); n != 0 {
			t.Fatalf("a message was claimed before its retry time")
		}
		e.clock.Advance(wait)
	}
	if err := w.Drain(ctx); err != nil {
		t.Fatal(err)
	}
	m := deliveries(t, e, id)[0]
	if m.Status != notify.Sent || m.Attempts != 3 || m.LastError != "" {
		t.Fatalf("after the third attempt: %+v", m)
	}
	if srv.Tries() != 3 || len(srv.Mails()) != 1 || srv.Mails()[0].MessageID != m.IdempotencyKey+"@sillage.example" {
		t.Errorf("server: %d tries, %d mails; the retry must reuse the Message-ID", srv.Tries(), len(srv.Mails()))
	}
}

func TestSMTPPermanentFailsAtOnce(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	srv := notifytest.NewSMTPServer(t, notifytest.SMTPOptions{})
	srv.Always(550)
	id := e.seedEmails(t, "gone@example.com")
	w := e.smtpWorker(t, srv, notify.WorkerConfig{})
	for range 3 {
		if err := w.Drain(ctx); err != nil {
			t.Fatal(err)
		}
		e.clock.Advance(24 * time.Hour)
	}
	m := deliveries(t, e, id)[0]
	if m.Status != notify.Failed || m.Attempts != 1 || !strings.Contains(m.LastError, "permanent error 550") {
		t.Fatalf("message = %+v, want failed after one attempt", m)
	}
	if srv.Tries() != 1 {
		t.Errorf("server saw %d tries, want 1", srv.Tries())
	}
}

func TestSMTPGivesUpAfterMaxAttempts(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	srv := notifytest.NewSMTPServer(t, notifytest.SMTPOptions{})
	srv.Always(421)
	id := e.seedEmails(t, "busy@example.com")
	w := e.smtpWorker(t, srv, notify.WorkerConfig{MaxAttempts: 3, Backoff: time.Second})
	for range 5 {
		if err := w.Drain(ctx); err != nil {
			t.Fatal(err)
		}
		e.clock.Advance(time.Hour)
	}
	m := deliveries(t, e, id)[0]
	if m.Status != notify.Failed || m.Attempts != 3 || !strings.Contains(m.LastError, "421") || srv.Tries() != 3 {
		t.Fatalf("message = %+v after %d tries, want failed after 3", m, srv.Tries())
	}
}

func TestSMTPUnreachableIsTemporary(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	id := e.seedEmails(t, "a@example.com")
	senders, err := notify.NewSenders(notify.SendersConfig{
		SMTP: notify.SMTPConfig{URL: "smtp://127.0.0.1:1?tls=none&timeout=2s", From: from}, Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	if err := e.store.NewWorker(senders, notify.WorkerConfig{}).Drain(ctx); err != nil {
		t.Fatal(err)
	}
	if m := deliveries(t, e, id)[0]; m.Status != notify.Queued || m.LastError == "" {
		t.Fatalf("message = %+v, want queued for a retry", m)
	}
}

func TestSMTPConfig(t *testing.T) {
	for _, bad := range []string{
		"http://mail.example.com", "smtp://", "smtp://mail.example.com?tls=maybe",
		"smtps://mail.example.com?tls=none", "smtp://u:p@mail.example.com?auth=magic",
		"smtp://mail.example.com?timeout=soon", "smtp://mail.example.com:port",
	} {
		if _, err := notify.NewSMTPSender(notify.SMTPConfig{URL: bad, From: from}); err == nil {
			t.Errorf("NewSMTPSender(%q) accepted it", bad)
		}
	}
	if _, err := notify.NewSMTPSender(notify.SMTPConfig{URL: "smtp://mail.example.com", From: "nobody"}); err == nil {
		t.Errorf("a From without an address was accepted")
	}
	for url, want := range map[string]string{
		"smtps://user:hunter2@mail.example.com":        "SMTP smtps://mail.example.com:465 (tls implicit)",
		"smtp://user:hunter2@mail.example.com":         "SMTP smtp://mail.example.com:587 (tls starttls)",
		"smtp://localhost:1025":                        "SMTP smtp://localhost:1025 (tls opportunistic)",
		"smtp://mail.example.com:25?tls=opportunistic": "SMTP smtp://mail.example.com:25 (tls opportunistic)",
	} {
		s, err := notify.NewSMTPSender(notify.SMTPConfig{URL: url, From: from})
		if err != nil {
			t.Fatalf("NewSMTPSender(%q): %v", url, err)
		}
		if s.String() != want {
			t.Errorf("%q described as %q, want %q", url, s.String(), want)
		}
	}
	senders, _ := notify.NewSenders(notify.SendersConfig{SMTP: notify.SMTPConfig{URL: "smtps://u:hunter2@mail.example.com", From: from}})
	if d := senders.Describe(); strings.Contains(d, "hunter2") || !strings.Contains(d, "email: SMTP smtps://mail.example.com:465") ||
		!strings.Contains(d, "sms: development") {
		t.Errorf("Describe() = %q", d)
	}
}

func deliveries(t testing.TB, e *env, campaignID int64) []notify.Message {
	t.Helper()
	list, err := e.store.Deliveries(context.Background(), campaignID, notify.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	return list
}
