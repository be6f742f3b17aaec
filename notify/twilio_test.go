package notify_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/sillage/sillage/notify"
	"github.com/sillage/sillage/notify/notifytest"
)

const statusURL = "https://share.example.com/hooks/twilio/status"

func twilioConfig(srv *notifytest.TwilioServer) notify.TwilioConfig {
	return notify.TwilioConfig{
		AccountSID: srv.AccountSID, AuthToken: srv.AuthToken,
		SMSFrom: "+15005550006", WhatsAppFrom: "+14155238886",
		StatusCallback: statusURL, BaseURL: srv.URL,
	}
}

// twilioWorker returns a worker sending SMS and WhatsApp through cfg.
func (e *env) twilioWorker(t testing.TB, cfg notify.TwilioConfig, wc notify.WorkerConfig) *notify.Worker {
	t.Helper()
	senders, err := notify.NewSenders(notify.SendersConfig{Twilio: cfg, Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	return e.store.NewWorker(senders, wc)
}

// seedPhones queues one seed per "phone,channel,language" line.
func (e *env) seedPhones(t testing.TB, lines ...string) int64 {
	t.Helper()
	id := e.campaign(t, "fr")
	e.importCSV(t, id, "phone,channel,language\n"+strings.Join(lines, "\n")+"\n")
	if _, err := e.store.Seed(context.Background(), id, (&minter{}).mint); err != nil {
		t.Fatal(err)
	}
	return id
}

func TestTwilioSendsSMSAndWhatsApp(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	srv := notifytest.NewTwilioServer(t)
	id := e.campaign(t, "fr")
	sid := "HX" + strings.Repeat("0123456789abcdef", 2)
	if err := e.store.SetTemplate(ctx, id, notify.Template{Channel: notify.WhatsApp, Language: "en", ContentSID: sid,
		ContentVariables: map[string]string{"1": "{{.Link}}"}}); err != nil {
		t.Fatal(err)
	}
	e.importCSV(t, id, "phone,channel,language\n06 12 34 56 78,sms,fr\n06 98 76 54 32,whatsapp,fr\n+44 7911 123456,whatsapp,en\n")
	if _, err := e.store.Seed(ctx, id, (&minter{}).mint); err != nil {
		t.Fatal(err)
	}
	if err := e.twilioWorker(t, twilioConfig(srv), notify.WorkerConfig{}).Drain(ctx); err != nil {
		t.Fatal(err)
	}
	msgs, _ := e.store.Outbox(ctx, notify.Filter{CampaignID: id})
	reqs := srv.Accepted()
	if len(reqs) != 3 {
		t.Fatalf("Twilio created %d messages, want 3", len(reqs))
	}
	byTo := map[string]notifytest.TwilioRequest{}
	for _, r := range reqs {
		byTo[r.Form.Get("To")] = r
	}
	for _, m := range msgs {
		if m.Status != notify.Sent || !strings.HasPrefix(m.ProviderID, "SM") {
			t.Errorf("message %d = %+v, want sent with an SM… sid", m.ID, m)
		}
	}
	sms := byTo["+33612345678"]
	// Sent, the outbox keeps no body: it held a live link.
	if f := sms.Form; f.Get("From") != "+15005550006" || msgs[0].Text != "" || !strings.Contains(f.Get("Body"), "tok000001-sms") ||
		f.Get("StatusCallback") != statusURL || sms.IdempotencyToken != msgs[0].IdempotencyKey || sms.SID != msgs[0].ProviderID {
		t.Errorf("SMS request = %+v", sms)
	}
	wa := byTo["whatsapp:+33698765432"]
	if f := wa.Form; f.Get("From") != "whatsapp:+14155238886" || !strings.Contains(f.Get("Body"), "tok000002-whatsapp") || f.Get("ContentSid") != "" {
		t.Errorf("WhatsApp text request = %+v", wa)
	}
	tpl := byTo["whatsapp:+447911123456"]
	var vars map[string]string
	json.Unmarshal([]byte(tpl.Form.Get("ContentVariables")), &vars)
	if f := tpl.Form; f.Get("ContentSid") != sid || f.Get("Body") != "" || vars["1"] != "https://share.example.com/s/tok000003-whatsapp" {
		t.Errorf("WhatsApp template request = %+v", tpl)
	}
}

func TestTwilioMessagingService(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	srv := notifytest.NewTwilioServer(t)
	e.seedPhones(t, "0612345678,sms,en")
	cfg := twilioConfig(srv)
	cfg.SMSFrom, cfg.MessagingServiceSID = "", "MG"+strings.Repeat("a", 32)
	if err := e.twilioWorker(t, cfg, notify.WorkerConfig{}).Drain(ctx); err != nil {
		t.Fatal(err)
	}
	r := srv.Accepted()
	if len(r) != 1 || r[0].Form.Get("MessagingServiceSid") != cfg.MessagingServiceSID || r[0].Form.Get("From") != "" {
		t.Fatalf("requests = %+v", r)
	}
}

func TestTwilioRetriesTemporary(t *testing.T) {
	for _, code := range []int{429, 500, 503} {
		t.Run(statusName(code), func(t *testing.T) {
			e := newEnv(t)
			ctx := context.Background()
			srv := notifytest.NewTwilioServer(t)
			srv.Script(code)
			id := e.seedPhones(t, "0612345678,sms,fr")
			w := e.twilioWorker(t, twilioConfig(srv), notify.WorkerConfig{})
			w.Drain(ctx)
			m := deliveries(t, e, id)[0]
			if m.Status != notify.Queued || m.Attempts != 1 || !strings.Contains(m.LastError, "temporary") {
				t.Fatalf("after %d: %+v, want queued for a retry", code, m)
			}
			e.clock.Advance(time.Hour)
			w.Drain(ctx)
			m = deliveries(t, e, id)[0]
			if m.Status != notify.Sent || m.Attempts != 2 {
				t.Fatalf("after the retry: %+v, want sent", m)
			}
			reqs := srv.Requests()
			if len(reqs) != 2 || reqs[0].IdempotencyToken != reqs[1].IdempotencyToken || reqs[0].IdempotencyToken != m.IdempotencyKey {
				t.Errorf("the retry must carry the same idempotency token: %+v", reqs)
			}
		})
	}
}

func statusName(code int) string {
	return map[int]string{429: "TooManyRequests", 500: "ServerError", 503: "Unavailable"}[code]
}

func TestTwilioPermanentFailures(t *testing.T) {
	for name, tc := range map[string]struct {
		code       int
		suppressed bool
	}{
		"InvalidNumber21211":  {21211, false},
		"OptedOut21610":       {21610, true},
		"WhatsAppWindow63016": {63016, false},
	} {
		t.Run(name, func(t *testing.T) {
			e := newEnv(t)
			ctx := context.Background()
			srv := notifytest.NewTwilioServer(t)
			srv.Always(tc.code)
			id := e.seedPhones(t, "0612345678,sms,fr")
			w := e.twilioWorker(t, twilioConfig(srv), notify.WorkerConfig{})
			w.Drain(ctx)
			e.clock.Advance(24 * time.Hour)
			w.Drain(ctx)
			m := deliveries(t, e, id)[0]
			if m.Status != notify.Failed || m.Attempts != 1 || !strings.Contains(m.LastError, "permanent") || len(srv.Requests()) != 1 {
				t.Fatalf("message = %+v after %d requests, want failed after one", m, len(srv.Requests()))
			}
			if off, _ := e.store.Suppressed(ctx, "+33612345678"); off != tc.suppressed {
				t.Errorf("suppressed = %v, want %v", off, tc.suppressed)
			}
		})
	}
}

// Refusals leave nothing behind: twilio-go never closes a refusal's body,
// which kept each refused call's connection and its goroutines until the
// timeout (15 s). Thirty refusals in a row now share one connection, and
// the goroutines settle back to where they were.
func TestTwilioRefusalsFreeTheirConnections(t *testing.T) {
	srv := notifytest.NewTwilioServer(t)
	srv.Always(21211)
	s, err := notify.NewTwilioSender(twilioConfig(srv))
	if err != nil {
		t.Fatal(err)
	}
	before := runtime.NumGoroutine()
	for i := range 30 {
		m := &notify.Message{Channel: notify.SMS, To: "+33612345678", Text: "hello", IdempotencyKey: fmt.Sprint("key-", i)}
		_, err := s.Send(context.Background(), m)
		if se, ok := errors.AsType[*notify.SendError](err); !ok || !se.Permanent || se.Code != "21211" {
			t.Fatalf("send %d = %v, want a permanent 21211", i, err)
		}
	}
	if n := srv.Connections(); n > 1 {
		t.Errorf("30 refusals opened %d connections, want 1", n)
	}
	// The one idle connection keeps its reader and writer, and the
	// server its own: three goroutines at most.
	var now int
	for range 100 {
		if now = runtime.NumGoroutine(); now <= before+3 {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Errorf("%d goroutines after 30 refusals, %d before", now, before)
}

func TestTwilioBadCredentialsWait(t *testing.T) {
	e := newEnv(t)
	srv := notifytest.NewTwilioServer(t)
	id := e.seedPhones(t, "0612345678,sms,fr")
	cfg := twilioConfig(srv)
	cfg.AuthToken = "wrongtoken"
	e.twilioWorker(t, cfg, notify.WorkerConfig{}).Drain(context.Background())
	if m := deliveries(t, e, id)[0]; m.Status != notify.Queued || !strings.Contains(m.LastError, "20003") {
		t.Fatalf("message = %+v, want queued until the credentials are fixed", m)
	}
}

func TestOptOutCheckedAtSendTime(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	srv := notifytest.NewTwilioServer(t)
	id := e.seedPhones(t, "0612345678,sms,fr", "0698765432,whatsapp,fr")
	if err := e.store.HandleInbound(ctx, "whatsapp:+33698765432", " Stop "); err != nil {
		t.Fatal(err)
	}
	e.twilioWorker(t, twilioConfig(srv), notify.WorkerConfig{}).Drain(ctx)
	list := deliveries(t, e, id)
	if list[0].Status != notify.Sent || list[1].Status != notify.Failed || !strings.Contains(list[1].LastError, "opted out") {
		t.Fatalf("deliveries = %+v", list)
	}
	if n := len(srv.Requests()); n != 1 {
		t.Errorf("Twilio got %d requests, want 1: the opted-out number is never sent to", n)
	}
}

func TestTwilioConfig(t *testing.T) {
	if _, err := notify.NewTwilioSender(notify.TwilioConfig{AccountSID: "AC1"}); err == nil {
		t.Error("no auth token accepted")
	}
	if _, err := notify.NewTwilioSender(notify.TwilioConfig{AccountSID: "AC1", AuthToken: "t"}); err == nil {
		t.Error("no sender accepted")
	}
	s, err := notify.NewSenders(notify.SendersConfig{Twilio: notify.TwilioConfig{AccountSID: "AC1", AuthToken: "secret", WhatsAppFrom: "+14155238886"}, TwilioRate: 5})
	if err != nil {
		t.Fatal(err)
	}
	d := s.Describe()
	if strings.Contains(d, "secret") || !strings.Contains(d, "whatsapp: Twilio AC1 (WhatsApp from whatsapp:+14155238886), 5/s") ||
		!strings.Contains(d, "sms: development") || !s.Real(notify.WhatsApp) || s.Real(notify.SMS) {
		t.Errorf("Describe() = %q", d)
	}
}
