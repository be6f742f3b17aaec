package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/http"
	"net/mail"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/sillage/sillage/migrations/dbtest"
	"github.com/sillage/sillage/notify"
	"github.com/sillage/sillage/notify/notifytest"
	"github.com/sillage/sillage/web"
)

// importResult is the answer to a contact import.
type importResult struct {
	Error    string
	Imported int
	Merged   int
	Rejected []struct {
		Line   int
		Reason string
	}
}

// importContacts posts a contact file with Content-Type ct to the
// campaign, query being "" or "?skip_invalid=1".
func (a *app) importContacts(id int64, ct, query, file string) (int, importResult) {
	a.t.Helper()
	var res importResult
	st := a.apiWith(a.key, ct, "POST", path(id, "/contacts"+query), file, &res)
	return st, res
}

// contactCount counts the campaign's contacts through the API.
func (a *app) contactCount(id int64) int {
	a.t.Helper()
	var out struct{ Contacts []notify.Contact }
	if st := a.api("GET", path(id, "/contacts?limit=1000"), nil, &out); st != http.StatusOK {
		a.t.Fatalf("list contacts: %d", st)
	}
	return len(out.Contacts)
}

// messageCount counts the outbox's rows.
func (a *app) messageCount() int {
	a.t.Helper()
	var n int
	if err := a.db.Read.QueryRow(`SELECT COUNT(*) FROM messages`).Scan(&n); err != nil {
		a.t.Fatal(err)
	}
	return n
}

// sendResult is the answer to POST /sends.
type sendResult struct {
	Queued, Suppressed int
	Deliveries         map[string]int
}

func (a *app) send(id int64) sendResult {
	a.t.Helper()
	var res sendResult
	if st := a.api("POST", path(id, "/sends"), nil, &res); st != http.StatusAccepted {
		a.t.Fatalf("send: %d", st)
	}
	return res
}

// deliver runs an outbox worker over senders until nothing is due.
func (a *app) deliver(cfg notify.SendersConfig) {
	a.t.Helper()
	cfg.Logger = slog.New(slog.DiscardHandler)
	senders, err := notify.NewSenders(cfg)
	if err != nil {
		a.t.Fatal(err)
	}
	if err := a.notify.NewWorker(senders, notify.WorkerConfig{}).Drain(context.Background()); err != nil {
		a.t.Fatal(err)
	}
}

// delivery is one row of GET /deliveries.
type delivery struct {
	ID         int64
	Contact    *int64
	Channel    string
	To         string
	Status     string
	Attempts   int
	LastError  string `json:"last_error"`
	ProviderID string `json:"provider_id"`
}

func (a *app) deliveries(id int64) []delivery {
	a.t.Helper()
	var out struct{ Deliveries []delivery }
	if st := a.api("GET", path(id, "/deliveries"), nil, &out); st != http.StatusOK {
		a.t.Fatalf("deliveries: %d", st)
	}
	return out.Deliveries
}

// withTwilio gives the server the auth token callbacks are signed with,
// and counts the worker's wake-ups.
func withTwilio(token string, wakes *atomic.Int64) func(*web.Config) {
	return func(c *web.Config) {
		c.TwilioAuthToken = token
		c.WakeOutbox = func() { wakes.Add(1) }
	}
}

// postForm posts form to u with extra headers, as Twilio or a mail
// provider would: no browser, no cookie.
func postForm(t *testing.T, u string, form url.Values, header http.Header) (int, string) {
	t.Helper()
	req, _ := http.NewRequest("POST", u, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for k, v := range header {
		req.Header[k] = v
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}

// mailText returns the plain-text part of a received email, decoded.
func mailText(t *testing.T, data []byte) (mail.Header, string) {
	t.Helper()
	msg, err := mail.ReadMessage(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("mail does not parse: %v", err)
	}
	_, params, err := mime.ParseMediaType(msg.Header.Get("Content-Type"))
	if err != nil {
		t.Fatal(err)
	}
	mr := multipart.NewReader(msg.Body, params["boundary"])
	for {
		p, err := mr.NextPart()
		if err != nil {
			t.Fatalf("mail has no text/plain part: %v", err)
		}
		if strings.HasPrefix(p.Header.Get("Content-Type"), "text/plain") {
			var body io.Reader = p
			if p.Header.Get("Content-Transfer-Encoding") == "quoted-printable" {
				body = quotedprintable.NewReader(p)
			}
			b, _ := io.ReadAll(body)
			return msg.Header, string(b)
		}
	}
}

var shareLink = regexp.MustCompile(`http://[0-9.:]+/s/[A-Za-z0-9_-]+`)

func TestContactImportThroughAPI(t *testing.T) {
	const good = "name,email,phone,channel,language\n" +
		"Alice,alice@example.com,,,\n" +
		"Bob,,06 12 34 56 78,sms,en\n" +
		"Alice M.,ALICE@example.com,,,fr\n"
	t.Run("Good", func(t *testing.T) {
		a := newApp(t, 1<<20)
		id := a.launch(nil, "text/plain", []byte("hi"))
		st, res := a.importContacts(id, "text/csv", "", good)
		if st != http.StatusCreated || res.Imported != 2 || res.Merged != 1 || len(res.Rejected) != 0 {
			t.Fatalf("import = %d %+v, want 201 with 2 imported, 1 merged", st, res)
		}
		// The same file again only merges: 200, nothing new.
		if st, res := a.importContacts(id, "text/csv; charset=utf-8", "", good); st != http.StatusOK || res.Imported != 0 || res.Merged != 3 {
			t.Errorf("second import = %d %+v, want 200 with 3 merged", st, res)
		}
		var list struct{ Contacts []notify.Contact }
		a.api("GET", path(id, "/contacts"), nil, &list)
		if got := list.Contacts; len(got) != 2 || got[0].Name != "Alice M." || got[1].Phone != "+33612345678" || got[1].Channel != notify.SMS {
			t.Errorf("contacts = %+v", got)
		}
	})
	t.Run("BOMAndSemicolons", func(t *testing.T) {
		a := newApp(t, 1<<20)
		id := a.launch(nil, "text/plain", []byte("hi"))
		file := "\uFEFFnom;courriel;téléphone;langue\r\nZoé;zoe@example.fr;;fr\r\nLéo;;+33 6 98 76 54 32;fr\r\n"
		if st, res := a.importContacts(id, "text/csv", "", file); st != http.StatusCreated || res.Imported != 2 {
			t.Errorf("import = %d %+v, want 201 with 2 imported", st, res)
		}
	})
	t.Run("Multipart", func(t *testing.T) {
		a := newApp(t, 1<<20)
		id := a.launch(nil, "text/plain", []byte("hi"))
		var body bytes.Buffer
		mw := multipart.NewWriter(&body)
		mw.WriteField("note", "ignored")
		fw, _ := mw.CreateFormFile("file", "contacts.csv")
		fw.Write([]byte(good))
		mw.Close()
		if st, res := a.importContacts(id, mw.FormDataContentType(), "", body.String()); st != http.StatusCreated || res.Imported != 2 {
			t.Errorf("multipart import = %d %+v, want 201 with 2 imported", st, res)
		}
	})
	t.Run("RowErrorsImportNothing", func(t *testing.T) {
		a := newApp(t, 1<<20)
		id := a.launch(nil, "text/plain", []byte("hi"))
		file := "name,email,phone\nAlice,alice@example.com,\nBad,not-an-email,\nWorse,,0612\nEve,eve@example.com,\n"
		st, res := a.importContacts(id, "text/csv", "", file)
		if st != http.StatusUnprocessableEntity || res.Error == "" || res.Imported != 0 || len(res.Rejected) != 2 {
			t.Fatalf("import = %d %+v, want 422 listing 2 rows", st, res)
		}
		if r := res.Rejected; r[0].Line != 3 || !strings.Contains(r[0].Reason, "not-an-email") || r[1].Line != 4 || !strings.Contains(r[1].Reason, "0612") {
			t.Errorf("rejected = %+v, want lines 3 and 4 with their reasons", r)
		}
		if n := a.contactCount(id); n != 0 {
			t.Errorf("%d contacts imported from a file with errors", n)
		}
		// Asked to skip them, the good rows go in and the bad are listed.
		st, res = a.importContacts(id, "text/csv", "?skip_invalid=1", file)
		if st != http.StatusCreated || res.Imported != 2 || len(res.Rejected) != 2 {
			t.Errorf("import skipping invalid rows = %d %+v", st, res)
		}
	})
	t.Run("TooLarge", func(t *testing.T) {
		a := newApp(t, 1<<20, func(c *web.Config) { c.MaxContactFile = 100 })
		id := a.launch(nil, "text/plain", []byte("hi"))
		big := "email\n" + strings.Repeat("someone@example.com\n", 10)
		if st, _ := a.importContacts(id, "text/csv", "", big); st != http.StatusRequestEntityTooLarge {
			t.Errorf("large file: %d, want 413", st)
		}
		if n := a.contactCount(id); n != 0 {
			t.Errorf("%d contacts imported from a file too large", n)
		}
	})
}

// Every notify route's bad input gets a precise 4xx and writes nothing.
func TestNotifyAPIBadInput(t *testing.T) {
	a := newApp(t, 1<<20)
	id := a.launch(nil, "text/plain", []byte("hi"))
	var noFile bytes.Buffer
	mw := multipart.NewWriter(&noFile)
	mw.WriteField("other", "x")
	mw.Close()
	for _, tc := range []struct {
		name, method, path, ct, body string
		want                         int
	}{
		{"ImportUnknownCampaign", "POST", path(999, "/contacts"), "text/csv", "email\na@example.com\n", 404},
		{"ImportBadCampaignID", "POST", "/api/v1/campaigns/x/contacts", "text/csv", "email\na@example.com\n", 404},
		{"ImportNotCSV", "POST", path(id, "/contacts"), "application/json", `{"email":"a@example.com"}`, 415},
		{"ImportNoContentType", "POST", path(id, "/contacts"), "", "email\na@example.com\n", 415},
		{"ImportBadSkip", "POST", path(id, "/contacts?skip_invalid=maybe"), "text/csv", "email\na@example.com\n", 400},
		{"ImportEmpty", "POST", path(id, "/contacts"), "text/csv", "", 422},
		{"ImportNoAddressColumn", "POST", path(id, "/contacts"), "text/csv", "name,age\nAlice,30\n", 422},
		{"ImportNotUTF8", "POST", path(id, "/contacts"), "text/csv", "name,email\n\xff\xfe,a@example.com\n", 422},
		{"ImportMultipartNoFile", "POST", path(id, "/contacts"), mw.FormDataContentType(), noFile.String(), 422},
		{"ImportMultipartNoBoundary", "POST", path(id, "/contacts"), "multipart/form-data", "x", 422},
		{"ListBadAfter", "GET", path(id, "/contacts?after=-1"), "", "", 400},
		{"ListBadLimit", "GET", path(id, "/contacts?limit=100000"), "", "", 400},
		{"ListUnknownCampaign", "GET", path(999, "/contacts"), "", "", 404},
		{"SendUnknownCampaign", "POST", path(999, "/sends"), "application/json", "", 404},
		{"SendUnknownField", "POST", path(id, "/sends"), "application/json", `{"to":"everyone"}`, 400},
		{"DeliveriesBadStatus", "GET", path(id, "/deliveries?status=lost"), "", "", 400},
		{"DeliveriesBadChannel", "GET", path(id, "/deliveries?channel=fax"), "", "", 400},
		{"DeliveriesBadAfter", "GET", path(id, "/deliveries?after=x"), "", "", 400},
		{"DeliveriesUnknownCampaign", "GET", path(999, "/deliveries"), "", "", 404},
		{"TemplateUnknownChannel", "GET", path(id, "/templates/fax/en"), "", "", 404},
		{"TemplateUnknownLanguage", "PUT", path(id, "/templates/sms/de"), "application/json", `{"text":"{{.Link}}"}`, 404},
		{"TemplateUnknownCampaign", "PUT", path(999, "/templates/sms/en"), "application/json", `{"text":"{{.Link}}"}`, 404},
		{"TemplateResetUnknownCampaign", "DELETE", path(999, "/templates/sms/en"), "", "", 404},
		{"TemplateUnknownField", "PUT", path(id, "/templates/sms/en"), "application/json", `{"txt":"{{.Link}}"}`, 400},
		{"TemplateWrongType", "PUT", path(id, "/templates/sms/en"), "application/json", `{"text":42}`, 400},
		{"TemplateWithoutLink", "PUT", path(id, "/templates/sms/en"), "application/json", `{"text":"Hello"}`, 422},
		{"TemplateBroken", "PUT", path(id, "/templates/sms/en"), "application/json", `{"text":"{{.Link"}`, 422},
		{"TemplateUnknownVariable", "PUT", path(id, "/templates/sms/en"), "application/json", `{"text":"{{.Link}} {{.Password}}"}`, 422},
		{"TemplateLinkInSubject", "PUT", path(id, "/templates/email/en"), "application/json",
			`{"subject":"{{.Link}}","text":"{{.Link}}","html":"<a href=\"{{.Link}}\">open</a>"}`, 422},
		{"TemplateEmailWithoutHTML", "PUT", path(id, "/templates/email/en"), "application/json", `{"subject":"Hi","text":"{{.Link}}"}`, 422},
		{"EraseBadID", "DELETE", "/api/v1/contacts/abc", "", "", 404},
		{"EraseZero", "DELETE", "/api/v1/contacts/0", "", "", 404},
		{"EraseUnknown", "DELETE", "/api/v1/contacts/12345", "", "", 404},
		{"ExportUnknown", "GET", "/api/v1/contacts/12345/export", "", "", 404},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := a.apiWith(a.key, tc.ct, tc.method, tc.path, tc.body, nil); got != tc.want {
				t.Errorf("%s %s: %d, want %d", tc.method, tc.path, got, tc.want)
			}
		})
	}
	var tpl notify.Template
	a.api("GET", path(id, "/templates/sms/en"), nil, &tpl)
	if n, m := a.contactCount(id), a.messageCount(); n != 0 || m != 0 || !tpl.Default {
		t.Errorf("bad requests wrote: %d contacts, %d messages, template default %v", n, m, tpl.Default)
	}
}

// Every new API route refuses a request without a valid key.
func TestNotifyAPIRequiresKey(t *testing.T) {
	a := newApp(t, 1<<20)
	id := a.launch(nil, "text/plain", []byte("hi"))
	for _, r := range []struct{ method, path string }{
		{"POST", path(id, "/contacts")},
		{"GET", path(id, "/contacts")},
		{"POST", path(id, "/sends")},
		{"GET", path(id, "/deliveries")},
		{"GET", path(id, "/templates/email/fr")},
		{"PUT", path(id, "/templates/email/fr")},
		{"DELETE", path(id, "/templates/email/fr")},
		{"DELETE", "/api/v1/contacts/1"},
		{"GET", "/api/v1/contacts/1/export"},
	} {
		if st := a.apiWith("", "text/csv", r.method, r.path, "email\na@example.com\n", nil); st != http.StatusUnauthorized {
			t.Errorf("%s %s without a key: %d, want 401", r.method, r.path, st)
		}
	}
}

// The whole way: contacts imported and sent through the API, delivered
// by the worker through a real SMTP server and the fake Twilio, the link
// read back from the email unlocks, and Twilio's callbacks move the SMS
// forward only when signed.
func TestSendDeliverUnlock(t *testing.T) {
	smtpSrv := notifytest.NewSMTPServer(t, notifytest.SMTPOptions{})
	tw := notifytest.NewTwilioServer(t)
	var wakes atomic.Int64
	a := newApp(t, 1<<20, withTwilio(tw.AuthToken, &wakes))
	id := a.launch(nil, "text/plain", []byte("the clip"))
	a.importContacts(id, "text/csv", "", "name,email,phone,channel\nZoé,zoe@example.com,,\nBob,,0612345678,sms\n")

	res := a.send(id)
	if res.Queued != 2 || res.Deliveries["queued"] != 2 || wakes.Load() != 1 {
		t.Fatalf("send = %+v (woken %d times), want 2 queued and the worker woken", res, wakes.Load())
	}
	if again := a.send(id); again.Queued != 0 {
		t.Errorf("second send queued %d: a contact gets one seed message", again.Queued)
	}
	// Queued messages carry live links: sealed, a dump shows none.
	if bytes.Contains(dbtest.Dump(t, a.db), []byte(a.srv.URL+"/s/")) {
		t.Error("a queued message's link is readable in the database")
	}
	a.deliver(notify.SendersConfig{
		SMTP: notify.SMTPConfig{URL: smtpSrv.URL(), From: "Sillage <no-reply@sillage.example>"},
		Twilio: notify.TwilioConfig{AccountSID: tw.AccountSID, AuthToken: tw.AuthToken, SMSFrom: "+15005550006",
			StatusCallback: a.srv.URL + "/hooks/twilio/status", BaseURL: tw.URL},
	})

	// The email arrived, and its link unlocks the content.
	mails := smtpSrv.Mails()
	if len(mails) != 1 || mails[0].To[0] != "zoe@example.com" {
		t.Fatalf("SMTP server got %+v, want one mail to zoe@example.com", mails)
	}
	header, text := mailText(t, mails[0].Data)
	link := shareLink.FindString(text)
	if !strings.HasPrefix(link, a.srv.URL+"/s/") || !strings.Contains(header.Get("List-Unsubscribe"), a.srv.URL+"/u/") {
		t.Fatalf("mail text has no link of this server (%q), or no List-Unsubscribe (%q):\n%s", link, header.Get("List-Unsubscribe"), text)
	}
	p := newPhone(t, iPhoneSafari)
	if r, _ := p.unlock(link); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("unlock of the emailed link: %d, want 303", r.StatusCode)
	}
	if _, body := p.get(link); !strings.Contains(body, "the clip") {
		t.Error("the emailed link does not show the content after unlocking")
	}
	sms := tw.Accepted()
	if len(sms) != 1 || !strings.Contains(sms[0].Form.Get("Body"), a.srv.URL+"/s/") ||
		sms[0].Form.Get("StatusCallback") != a.srv.URL+"/hooks/twilio/status" {
		t.Fatalf("Twilio got %+v, want one SMS with a link and the status callback", sms)
	}

	// Deliveries show where each message stands, never its body; the
	// outbox itself no longer holds the links.
	var raw json.RawMessage
	a.api("GET", path(id, "/deliveries"), nil, &raw)
	if bytes.Contains(raw, []byte("/s/")) {
		t.Errorf("deliveries show a personal link: %s", raw)
	}
	ds := a.deliveries(id)
	if len(ds) != 2 || ds[0].Status != "sent" || ds[1].Status != "sent" || ds[1].ProviderID != sms[0].SID || ds[0].Attempts != 1 {
		t.Fatalf("deliveries = %+v, want both sent", ds)
	}
	msgs, _ := a.notify.Outbox(context.Background(), notify.Filter{CampaignID: id})
	for _, m := range msgs {
		if m.Text != "" || m.HTML != "" || (m.Channel == notify.Email && m.Subject == "") {
			t.Errorf("sent message %d keeps its body (or lost its subject): %+v", m.ID, m)
		}
	}
	smsLink := shareLink.FindString(sms[0].Form.Get("Body"))
	for _, l := range []string{link, smsLink} {
		if token := l[strings.LastIndex(l, "/")+1:]; bytes.Contains(dbtest.Dump(t, a.db), []byte(token)) {
			t.Errorf("a database dump reveals the sent link %s", l)
		}
	}

	hook := a.srv.URL + "/hooks/twilio/status"
	status := func(sid, st string) url.Values {
		return url.Values{"MessageSid": {sid}, "MessageStatus": {st}, "AccountSid": {tw.AccountSID}, "To": {"+33612345678"}}
	}
	signed := func(u string, f url.Values) http.Header {
		return http.Header{"X-Twilio-Signature": {notifytest.TwilioSignature(tw.AuthToken, u, f)}}
	}
	smsStatus := func() string { return a.deliveries(id)[1].Status }
	for _, tc := range []struct {
		name   string
		form   url.Values
		header http.Header
		want   int
		after  string
	}{
		{"Missing", status(sms[0].SID, "delivered"), nil, 403, "sent"},
		{"Forged", status(sms[0].SID, "delivered"), http.Header{"X-Twilio-Signature": {"c2lnbmF0dXJl"}}, 403, "sent"},
		{"OtherURL", status(sms[0].SID, "delivered"), signed("https://evil.example/hooks/twilio/status", status(sms[0].SID, "delivered")), 403, "sent"},
		{"Tampered", status(sms[0].SID, "undelivered"), signed(hook, status(sms[0].SID, "delivered")), 403, "sent"},
		{"CrossSiteBrowser", status(sms[0].SID, "delivered"), http.Header{"Origin": {"https://evil.example"}, "Sec-Fetch-Site": {"cross-site"}}, 403, "sent"},
		{"Valid", status(sms[0].SID, "delivered"), signed(hook, status(sms[0].SID, "delivered")), 200, "delivered"},
		{"LateSentNeverGoesBack", status(sms[0].SID, "sent"), signed(hook, status(sms[0].SID, "sent")), 200, "delivered"},
		{"UnknownSID", status("SM404", "delivered"), signed(hook, status("SM404", "delivered")), 200, "delivered"},
		{"UnknownStatus", status(sms[0].SID, "teleported"), signed(hook, status(sms[0].SID, "teleported")), 422, "delivered"},
		{"NoSID", url.Values{"MessageStatus": {"failed"}}, signed(hook, url.Values{"MessageStatus": {"failed"}}), 400, "delivered"},
	} {
		t.Run("Status"+tc.name, func(t *testing.T) {
			if got, body := postForm(t, hook, tc.form, tc.header); got != tc.want {
				t.Errorf("status callback: %d %s, want %d", got, body, tc.want)
			}
			if got := smsStatus(); got != tc.after {
				t.Errorf("SMS status after the callback = %q, want %q", got, tc.after)
			}
		})
	}

	// An inbound STOP opts the number out, only when Twilio signed it.
	inbound := a.srv.URL + "/hooks/twilio/inbound"
	stop := url.Values{"From": {"+33612345678"}, "Body": {"STOP"}, "MessageSid": {"SM1"}}
	if st, _ := postForm(t, inbound, stop, http.Header{"X-Twilio-Signature": {"forged"}}); st != http.StatusForbidden {
		t.Errorf("forged inbound: %d, want 403", st)
	}
	if off, _ := a.notify.Suppressed(context.Background(), "+33612345678"); off {
		t.Fatal("a forged STOP opted the number out")
	}
	if st, body := postForm(t, inbound, stop, signed(inbound, stop)); st != http.StatusOK || !strings.Contains(body, "<Response>") {
		t.Errorf("signed inbound STOP: %d %q, want 200 and empty TwiML", st, body)
	}
	if off, _ := a.notify.Suppressed(context.Background(), "+33612345678"); !off {
		t.Error("a signed STOP did not opt the number out")
	}
	bad := url.Values{"From": {"not a number"}, "Body": {"STOP"}}
	if st, _ := postForm(t, inbound, bad, signed(inbound, bad)); st != http.StatusUnprocessableEntity {
		t.Errorf("STOP from a malformed number: %d, want 422", st)
	}
}

// A campaign that ended refuses sends and queues nothing.
func TestSendRefusedWhenEnded(t *testing.T) {
	a := newApp(t, 1<<20)
	id := a.launch(nil, "text/plain", []byte("hi"))
	a.importContacts(id, "text/csv", "", "email\nzoe@example.com\n")
	a.api("POST", path(id, "/status"), map[string]string{"status": "ended"}, nil)
	if st := a.api("POST", path(id, "/sends"), nil, nil); st != http.StatusConflict {
		t.Errorf("send on an ended campaign: %d, want 409", st)
	}
	if n := a.messageCount(); n != 0 {
		t.Errorf("%d messages queued for an ended campaign", n)
	}
}

// Templates: the default, an override that sends take up, a reset.
func TestTemplatesAPI(t *testing.T) {
	a := newApp(t, 1<<20)
	id := a.launch(nil, "text/plain", []byte("hi"))
	var tpl notify.Template
	if st := a.api("GET", path(id, "/templates/sms/fr"), nil, &tpl); st != http.StatusOK || !tpl.Default || !strings.Contains(tpl.Text, "{{.Link}}") {
		t.Fatalf("default template = %d %+v", st, tpl)
	}
	if st := a.api("PUT", path(id, "/templates/sms/fr"), map[string]string{"text": "Pour toi {{.Name}} : {{.Link}}"}, &tpl); st != http.StatusOK || tpl.Default || tpl.Channel != notify.SMS {
		t.Fatalf("override = %d %+v", st, tpl)
	}
	a.importContacts(id, "text/csv", "", "name,phone\nLéa,0612345678\n")
	a.send(id)
	msgs, _ := a.notify.Outbox(context.Background(), notify.Filter{CampaignID: id})
	if len(msgs) != 1 || !strings.HasPrefix(msgs[0].Text, "Pour toi Léa : "+a.srv.URL+"/s/") {
		t.Errorf("queued SMS = %+v, want the campaign's wording", msgs)
	}
	if st := a.api("DELETE", path(id, "/templates/sms/fr"), nil, nil); st != http.StatusNoContent {
		t.Errorf("reset: %d, want 204", st)
	}
	if a.api("GET", path(id, "/templates/sms/fr"), nil, &tpl); !tpl.Default {
		t.Errorf("after reset: %+v, want the default", tpl)
	}
	var d struct {
		Deliveries []delivery
		Counts     map[string]int
		NextAfter  *int64 `json:"next_after"`
	}
	if st := a.api("GET", path(id, "/deliveries?status=queued&channel=sms&limit=1"), nil, &d); st != http.StatusOK ||
		len(d.Deliveries) != 1 || d.Counts["queued"] != 1 || d.NextAfter == nil || *d.NextAfter != d.Deliveries[0].ID {
		t.Errorf("deliveries page = %d %+v", st, d)
	}
	if a.api("GET", path(id, "/deliveries?after="+strconv.FormatInt(d.Deliveries[0].ID, 10)), nil, &d); len(d.Deliveries) != 0 || d.NextAfter != nil {
		t.Errorf("page after the last = %+v, want empty", d)
	}
}
