package web_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/sillage/sillage/migrations/dbtest"
	"github.com/sillage/sillage/notify"
	"github.com/sillage/sillage/notify/notifytest"
)

// raw GETs an API path and returns the body exactly as served.
func (a *app) raw(p string) []byte {
	a.t.Helper()
	req, _ := http.NewRequest("GET", a.srv.URL+p, nil)
	req.Header.Set("Authorization", "Bearer "+a.key)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		a.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if res.StatusCode != http.StatusOK {
		a.t.Fatalf("GET %s: %d %s", p, res.StatusCode, b)
	}
	return b
}

// unsubscribeLink sends the campaign's queued emails through a real SMTP
// server and returns the List-Unsubscribe link of the one to addr.
func (a *app) unsubscribeLink(srv *notifytest.SMTPServer, addr string) string {
	a.t.Helper()
	a.deliver(notify.SendersConfig{SMTP: notify.SMTPConfig{URL: srv.URL(), From: "no-reply@sillage.example"}})
	for _, m := range srv.Mails() {
		if m.To[0] == addr {
			h, _ := mailText(a.t, m.Data)
			return strings.Trim(h.Get("List-Unsubscribe"), "<>")
		}
	}
	a.t.Fatalf("no mail to %s", addr)
	return ""
}

// A GET of the unsubscribe link only asks; the page's button, or a mail
// provider's one-click POST from elsewhere, opts the address out, and
// later sends skip it.
func TestUnsubscribe(t *testing.T) {
	ctx := context.Background()
	srv := notifytest.NewSMTPServer(t, notifytest.SMTPOptions{})
	a := newApp(t, 1<<20)
	id := a.launch(nil, "text/plain", []byte("hi"))
	a.importContacts(id, "text/csv", "", "email\nzoe@example.com\nbob@example.com\n")
	a.send(id)
	zoe := a.unsubscribeLink(srv, "zoe@example.com")
	if !strings.HasPrefix(zoe, a.srv.URL+"/u/") {
		t.Fatalf("List-Unsubscribe = %q", zoe)
	}
	suppressed := func(addr string) bool {
		off, err := a.notify.Suppressed(ctx, addr)
		if err != nil {
			t.Fatal(err)
		}
		return off
	}

	// A person, and a mail scanner, opening the link: a question, no change.
	for _, ua := range []string{androidChrome, "Mozilla/5.0 (compatible; Barracuda Sentinel (EE))"} {
		res, body := newPhone(t, ua).do("GET", zoe, nil, http.Header{"Accept-Language": {"fr-FR,fr;q=0.9"}})
		if res.StatusCode != http.StatusOK || !strings.Contains(body, "z***@example.com") || !strings.Contains(body, "Me désabonner") ||
			!strings.Contains(body, `method="post" action="/u/`) {
			t.Fatalf("GET %s: %d\n%s", zoe, res.StatusCode, body)
		}
		external := regexp.MustCompile(`(?i)(?:src|action)\s*=\s*["']?\s*(?:https?:)?//|<link[^>]*href\s*=\s*["']?\s*(?:https?:)?//|url\(`)
		if m := external.FindString(body); m != "" || res.Header.Get("Referrer-Policy") != "no-referrer" {
			t.Errorf("unsubscribe page loads from another origin (%q) or lacks no-referrer", m)
		}
	}
	if suppressed("zoe@example.com") {
		t.Fatal("a GET unsubscribed")
	}
	if res, _ := newPhone(t, androidChrome).get(a.srv.URL + "/u/nope.bm9wZQ"); res.StatusCode != http.StatusNotFound {
		t.Errorf("forged token: %d, want 404", res.StatusCode)
	}
	if st, _ := postForm(t, a.srv.URL+"/u/"+strings.Repeat("a", 26)+".AAAAAAAAAAAAAAAAAAAAAA", url.Values{}, nil); st != http.StatusNotFound || suppressed("zoe@example.com") {
		t.Errorf("POST of a forged token: %d, want 404 and no change", st)
	}

	// The page's button.
	res, body := newPhone(t, androidChrome).do("POST", zoe, url.Values{}, nil)
	if res.StatusCode != http.StatusOK || !strings.Contains(body, "no message will be sent") || !suppressed("zoe@example.com") {
		t.Fatalf("unsubscribe button: %d, suppressed %v\n%s", res.StatusCode, suppressed("zoe@example.com"), body)
	}

	// RFC 8058 one-click, posted by a mail provider's page from its origin.
	bob := a.unsubscribeLink(srv, "bob@example.com")
	st, _ := postForm(t, bob, url.Values{"List-Unsubscribe": {"One-Click"}},
		http.Header{"Origin": {"https://mail.example.net"}, "Sec-Fetch-Site": {"cross-site"}})
	if st != http.StatusOK || !suppressed("bob@example.com") {
		t.Fatalf("one-click unsubscribe: %d, suppressed %v", st, suppressed("bob@example.com"))
	}

	// A later send, in another campaign, skips both addresses.
	other := a.launch(nil, "text/plain", []byte("encore"))
	a.importContacts(other, "text/csv", "", "email\nZOE@example.com\nbob@example.com\nnew@example.com\n")
	if res := a.send(other); res.Queued != 1 || res.Suppressed != 2 {
		t.Errorf("send after opt-outs = %+v, want 1 queued and 2 skipped", res)
	}
}

// Alice, seeded by email with Bob to every campaign of ids.
const (
	aliceName  = "Alice Martin"
	aliceEmail = "alice.martin@example.com"
	alicePhone = "+33611223344"
)

// aliceSpreads seeds Alice and Bob to each campaign of ids through the
// development sender, then, in the first, Alice opens her link and
// forwards it by SMS, and a friend opens that. It returns the first
// campaign's messages, Alice's first, and Alice's link.
func (a *app) aliceSpreads(t *testing.T, ids ...int64) ([]notify.Message, string) {
	t.Helper()
	for _, id := range ids {
		a.importContacts(id, "text/csv", "", "name,email,phone\n"+aliceName+","+aliceEmail+",06 11 22 33 44\nBob Durand,bob@example.com,\n")
		a.send(id)
	}
	a.deliver(notify.SendersConfig{}) // the development sender keeps the bodies, links included
	msgs, _ := a.notify.Outbox(context.Background(), notify.Filter{CampaignID: ids[0]})
	if len(msgs) != 2 {
		t.Fatalf("%d messages, want 2", len(msgs))
	}
	alice := newPhone(t, iPhoneSafari)
	link := shareLink.FindString(msgs[0].Text)
	alice.unlock(link)
	_, child, _ := alice.forward(link, "sms")
	if r, _ := newPhone(t, androidChrome).unlock(child); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("friend's unlock: %d", r.StatusCode)
	}
	return msgs, link
}

// Erasing a contact removes every trace of the person from the database
// and changes nothing in the campaign's figures or tree; the export
// before it hands over what was kept.
func TestEraseAndExport(t *testing.T) {
	a := newApp(t, 1<<20)
	id := a.launch(map[string]any{"forwards_per_claim": 3}, "text/plain", []byte("hi"))
	const name, email, phone = aliceName, aliceEmail, alicePhone
	msgs, link := a.aliceSpreads(t, id)
	newPhone(t, androidChrome).unlock(shareLink.FindString(msgs[1].Text))
	contactID := msgs[0].ContactID

	var export struct {
		Contact  notify.Contact
		Messages []struct {
			Channel, To, Status string
			SentAt              *string `json:"sent_at"`
			CreatedAt           string  `json:"created_at"`
			Text                *string
		}
		OptOuts []notify.OptOut `json:"opt_outs"`
	}
	if st := a.api("GET", fmt.Sprintf("/api/v1/contacts/%d/export", contactID), nil, &export); st != http.StatusOK {
		t.Fatalf("export: %d", st)
	}
	c, m := export.Contact, export.Messages
	if c.Name != name || c.Email != email || c.Phone != phone || len(m) != 1 || m[0].To != email || m[0].Status != "kept" ||
		m[0].SentAt == nil || m[0].CreatedAt == "" || m[0].Text != nil || export.OptOuts == nil {
		t.Fatalf("export = %+v", export)
	}

	stats, tree := a.raw(path(id, "/stats")), a.raw(path(id, "/tree"))
	if st := a.api("DELETE", fmt.Sprintf("/api/v1/contacts/%d", contactID), nil, nil); st != http.StatusNoContent {
		t.Fatalf("erase: %d, want 204", st)
	}
	if got := a.raw(path(id, "/stats")); string(got) != string(stats) {
		t.Errorf("figures changed by the erasure:\nbefore %s\nafter  %s", stats, got)
	}
	if got := a.raw(path(id, "/tree")); string(got) != string(tree) {
		t.Errorf("tree changed by the erasure:\nbefore %s\nafter  %s", tree, got)
	}
	dump := dbtest.Dump(t, a.db)
	for _, needle := range []string{name, "Martin", email, phone, "611223344", link[len(a.srv.URL):]} {
		if n := bytes.Count(dump, []byte(needle)); n > 0 {
			t.Errorf("%q still stored %d times after the erasure", needle, n)
		}
	}
	if !bytes.Contains(dump, []byte("bob@example.com")) {
		t.Error("erasing Alice erased Bob too")
	}
	var d []delivery
	if d = a.deliveries(id); len(d) != 2 || d[0].Status != "kept" || d[0].To != "" || d[0].Contact != nil {
		t.Errorf("deliveries after erasure = %+v, want Alice's kept (development sender), without address", d)
	}
	if st := a.api("DELETE", fmt.Sprintf("/api/v1/contacts/%d", contactID), nil, nil); st != http.StatusNotFound {
		t.Errorf("second erase: %d, want 404", st)
	}
	var e map[string]any
	if st := a.api("GET", fmt.Sprintf("/api/v1/contacts/%d/export", contactID), nil, &e); st != http.StatusNotFound {
		t.Errorf("export after erasure: %d %v, want 404", st, e)
	}
}
