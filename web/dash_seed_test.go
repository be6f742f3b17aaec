package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/sillage/sillage/migrations/dbtest"
	"github.com/sillage/sillage/notify"
	"github.com/sillage/sillage/notify/notifytest"
	"github.com/sillage/sillage/web"
)

// contactsCSV has two people, one of them twice: two contacts, one merge.
const contactsCSV = "name;email;phone;channel;language\n" +
	"Zoé Martin;zoe@example.com;;email;fr\n" +
	"Sam Lee;;+33612345678;sms;en\n" +
	"Zoé M.;ZOE@example.com;;;\n"

// badCSV has a row with no address and a row with a bad email on lines 3
// and 4; line 2 is valid.
const badCSV = "name,email,phone\n" +
	"Zoé,zoe@example.com,\n" +
	"Nobody,,\n" +
	"Typo,zoe@example,\n"

// postContacts posts a contact file from the seeding page's form.
func postContacts(b *phone, u string, fields url.Values, file string, data []byte, header http.Header) (*http.Response, string) {
	b.t.Helper()
	return postMultipart(b, u, fields, "file", file, "text/csv", data, header)
}

// seedURL is the address of a dashboard page of campaign id.
func (d *dashApp) seedURL(id int64, rest string) string {
	return d.srv.URL + "/campaigns/" + strconv.FormatInt(id, 10) + rest
}

// rows returns the result of query, one string per row, columns joined
// by "|".
func (d *dashApp) rows(query string, args ...any) []string {
	d.t.Helper()
	rs, err := d.db.Read.Query(query, args...)
	if err != nil {
		d.t.Fatal(err)
	}
	defer rs.Close()
	cols, _ := rs.Columns()
	var out []string
	for rs.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rs.Scan(ptrs...); err != nil {
			d.t.Fatal(err)
		}
		parts := make([]string, len(vals))
		for i, v := range vals {
			switch b := v.(type) {
			case []byte:
				v = string(b)
			case bool:
				// SQLite answers a condition with 1 or 0, PostgreSQL
				// with true or false: both read as SQLite's.
				v = 0
				if b {
					v = 1
				}
			}
			parts[i] = fmt.Sprint(v)
		}
		out = append(out, strings.Join(parts, "|"))
	}
	return out
}

// unchanged fails the test when the database differs from before.
func (d *dashApp) unchanged(t *testing.T, before []byte) {
	t.Helper()
	if !bytes.Equal(before, dbtest.Dump(t, d.db)) {
		t.Error("the database changed")
	}
}

func TestDashSeedingPage(t *testing.T) {
	d := newDash(t)
	b := d.signedIn()
	id := d.launch(nil, "text/plain", []byte("Le texte"))
	res, body := b.get(d.seedURL(id, "/seeding"))
	if res.StatusCode != http.StatusOK {
		t.Fatalf("GET seeding: %d", res.StatusCode)
	}
	mustContain(t, body,
		`<a href="/campaigns/1/seeding" aria-current="page">Seeding</a>`,
		`<form method="post" action="/campaigns/1/contacts" enctype="multipart/form-data"`,
		`<label for="file">CSV file</label>`, `<label for="csv">`, `<label for="skip_invalid">`,
		`<form method="post" action="/campaigns/1/sends">`,
		`<form method="post" action="/campaigns/1/links" class="mint"`, `<label for="count">`, `<label for="channel">`,
		`<label for="seats">`, `<label for="label">`, `<label for="expires_at">`,
		`name="format" value="page"`, `name="format" value="csv"`, `<option value="link" selected>`,
		`data-deliveries="/campaigns/1/seeding/deliveries"`, `<label for="status">`,
		`<td colspan="5">No message yet.</td>`, `src="/static/dash_seed.`,
		"Empty: the campaign&#39;s 1. At most 25")
	if strings.Contains(body, "<script>") || strings.Contains(body, `style="`) {
		t.Error("an inline script or style: the CSP refuses them")
	}
	if strings.Contains(body, "Its status:") {
		t.Error("a live campaign is said not to be live")
	}
	if res, _ := b.get(d.srv.URL + "/static/dash_seed.js"); res.StatusCode != http.StatusOK {
		t.Errorf("GET dash_seed.js: %d", res.StatusCode)
	}
	_, body = b.do("GET", d.seedURL(id, "/seeding"), nil, http.Header{"Accept-Language": {"fr-FR,fr"}})
	mustContain(t, body, `<html lang="fr">`, "Importer les contacts", "Liens à distribuer", "Page à imprimer avec QR codes", "Aucun message pour l&#39;instant.")

	// A draft says why its links will not open yet.
	b.do("POST", d.srv.URL+"/campaigns/new", campaignForm(nil), nil)
	_, body = b.get(d.seedURL(2, "/seeding"))
	mustContain(t, body, "open only once the campaign is live. Its status: <strong>Draft</strong>")

	for _, p := range []string{"/campaigns/99/seeding", "/campaigns/x/seeding", "/campaigns/0/seeding", "/campaigns/99/seeding/deliveries"} {
		if res, _ := b.get(d.srv.URL + p); res.StatusCode != http.StatusNotFound {
			t.Errorf("GET %s: %d, want 404", p, res.StatusCode)
		}
	}
}

// Signed out, every seeding route sends the browser to /login, answers
// 401 to a script, and writes nothing.
func TestDashSeedingSignedOut(t *testing.T) {
	d := newDash(t)
	marketer := d.signedIn()
	id := d.launch(nil, "text/plain", []byte("Le texte"))
	before := dbtest.Dump(t, d.db)
	b := d.browser()
	for _, r := range []struct {
		method, path string
		form         url.Values
	}{
		{"GET", "/seeding", nil},
		{"GET", "/seeding/deliveries", nil},
		{"POST", "/contacts", url.Values{"csv": {contactsCSV}}},
		{"POST", "/sends", url.Values{}},
		{"POST", "/links", url.Values{"count": {"3"}, "channel": {"link"}, "format": {"csv"}}},
	} {
		res, _ := b.do(r.method, d.seedURL(id, r.path), r.form, nil)
		if res.StatusCode != http.StatusSeeOther || location(res) != "/login" {
			t.Errorf("%s %s signed out: %d to %q, want /login", r.method, r.path, res.StatusCode, location(res))
		}
		res, _ = b.do(r.method, d.seedURL(id, r.path), r.form, http.Header{"Accept": {"application/json"}})
		if res.StatusCode != http.StatusUnauthorized {
			t.Errorf("%s %s signed out, asking JSON: %d, want 401", r.method, r.path, res.StatusCode)
		}
		if r.method == "POST" {
			res, _ = marketer.do("POST", d.seedURL(id, r.path), r.form, http.Header{"Sec-Fetch-Site": {"cross-site"}})
			if res.StatusCode != http.StatusForbidden {
				t.Errorf("cross-site POST %s: %d, want 403", r.path, res.StatusCode)
			}
		}
	}
	d.unchanged(t, before)
}

func TestDashImportContacts(t *testing.T) {
	d := newDash(t, func(c *web.Config) { c.MaxContactFile = 4 << 10 })
	b := d.signedIn()
	id := d.launch(nil, "text/plain", []byte("Le texte"))
	twin := d.launch(nil, "text/plain", []byte("Le texte")) // imported through the API, to compare
	contacts := func(id int64) []string {
		return d.rows(`SELECT name, email, phone, channel, address, language FROM contacts WHERE campaign_id = $1 ORDER BY id`, id)
	}

	t.Run("File", func(t *testing.T) {
		res, body := postContacts(b, d.seedURL(id, "/contacts"), nil, "contacts.csv", []byte(contactsCSV), nil)
		if res.StatusCode != http.StatusOK {
			t.Fatalf("%d, want 200", res.StatusCode)
		}
		mustContain(t, body, "Contacts added: 2. Rows merged into existing contacts: 1.")
		if st, _ := d.importContacts(twin, "text/csv", "", contactsCSV); st != http.StatusCreated {
			t.Fatalf("API import: %d", st)
		}
		got, want := contacts(id), contacts(twin)
		if !slices.Equal(got, want) || len(got) != 2 || got[0] != "Zoé M.|zoe@example.com||email|zoe@example.com|fr" {
			t.Errorf("dashboard wrote %q, the API %q", got, want)
		}
	})
	t.Run("PastedAgain", func(t *testing.T) {
		// The same rows pasted merge into the contacts already there.
		res, body := b.do("POST", d.seedURL(id, "/contacts"), url.Values{"csv": {contactsCSV}}, nil)
		if res.StatusCode != http.StatusOK {
			t.Fatalf("%d, want 200", res.StatusCode)
		}
		mustContain(t, body, "Contacts added: 0. Rows merged into existing contacts: 3.")
		if n := len(contacts(id)); n != 2 {
			t.Errorf("%d contacts, want 2", n)
		}
	})

	before := dbtest.Dump(t, d.db)
	for _, c := range []struct {
		name   string
		fields url.Values
		file   string
		data   string
		status int
		want   []string
	}{
		{"NoFile", nil, "", "", http.StatusUnprocessableEntity, []string{"Choose a CSV file or paste its lines."}},
		{"BlankPaste", url.Values{"csv": {" \n "}}, "", "", http.StatusUnprocessableEntity, []string{"Choose a CSV file or paste its lines."}},
		{"EmptyFile", nil, "empty.csv", "", http.StatusUnprocessableEntity, []string{"File: is empty"}},
		{"NoAddressColumn", nil, "c.csv", "name,city\nZoé,Paris\n", http.StatusUnprocessableEntity, []string{"no email or phone column"}},
		{"BadRows", nil, "c.csv", badCSV, http.StatusUnprocessableEntity, []string{
			"Some rows are rejected, so nothing was imported.", "Rejected rows (2)",
			`<tr><td class="num">3</td><td>has neither an email nor a phone number</td></tr>`,
			`<tr><td class="num">4</td><td>email &#34;zoe@example&#34; has no valid domain (such as example.com)</td></tr>`}},
		{"BadRowsPasted", url.Values{"csv": {badCSV}}, "", "", http.StatusUnprocessableEntity, []string{
			"Rejected rows (2)", "Nobody,,\nTypo,zoe@example,\n</textarea>"}},
		{"UnknownChannel", nil, "c.csv", "email,channel\nzoe@example.com,fax\n", http.StatusUnprocessableEntity, []string{
			`<td class="num">2</td><td>channel &#34;fax&#34; is not one of email, sms, whatsapp</td>`}},
		{"TooLarge", nil, "big.csv", "email\n" + strings.Repeat("someone@example.com\n", 300), http.StatusRequestEntityTooLarge, []string{
			"The contact file is larger than the limit"}},
		{"TooLargePasted", url.Values{"csv": {"email\n" + strings.Repeat("someone@example.com\n", 300)}}, "", "", http.StatusRequestEntityTooLarge, []string{
			"The contact file is larger than the limit"}},
		{"FarTooLarge", nil, "huge.csv", strings.Repeat("x", 100<<10), http.StatusRequestEntityTooLarge, []string{
			"The contact file is larger than the limit"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			res, body := postContacts(b, d.seedURL(id, "/contacts"), c.fields, c.file, []byte(c.data), nil)
			if res.StatusCode != c.status {
				t.Fatalf("%d, want %d", res.StatusCode, c.status)
			}
			mustContain(t, body, c.want...)
			mustContain(t, body, `role="alert" id="import-error"`, `aria-invalid="true"`)
			d.unchanged(t, before)
		})
	}
	t.Run("French", func(t *testing.T) {
		res, body := postContacts(b, d.seedURL(id, "/contacts"), nil, "c.csv", []byte(badCSV), http.Header{"Accept-Language": {"fr"}})
		if res.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("%d, want 422", res.StatusCode)
		}
		mustContain(t, body, "Des lignes sont refusées : rien n&#39;a été importé.", "Lignes refusées (2)",
			`<tr><td class="num">3</td><td>n&#39;a ni e-mail ni numéro de téléphone</td></tr>`,
			`<tr><td class="num">4</td><td>l&#39;e-mail &#34;zoe@example&#34; n&#39;a pas de domaine valide (comme example.com)</td></tr>`)
		res, body = postContacts(b, d.seedURL(id, "/contacts"), nil, "c.csv", []byte("name,city\nZoé,Paris\n"), http.Header{"Accept-Language": {"fr"}})
		if res.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("%d, want 422", res.StatusCode)
		}
		mustContain(t, body, "Première ligne\u00a0: aucune colonne email ou phone")
		d.unchanged(t, before)
	})
	t.Run("NoSuchCampaign", func(t *testing.T) {
		for _, p := range []string{"/campaigns/99/contacts", "/campaigns/x/contacts"} {
			if res, _ := postContacts(b, d.srv.URL+p, nil, "c.csv", []byte(contactsCSV), nil); res.StatusCode != http.StatusNotFound {
				t.Errorf("POST %s: %d, want 404", p, res.StatusCode)
			}
		}
		d.unchanged(t, before)
	})
	t.Run("SkipInvalid", func(t *testing.T) {
		res, body := postContacts(b, d.seedURL(id, "/contacts"), url.Values{"skip_invalid": {"1"}}, "c.csv",
			[]byte("name,email\nAnna,anna@example.com\nNobody,\n"), nil)
		if res.StatusCode != http.StatusOK {
			t.Fatalf("%d, want 200", res.StatusCode)
		}
		mustContain(t, body, "Contacts added: 1. Rows merged into existing contacts: 0.", "Rejected rows (1)", `<td class="num">3</td>`)
		if got := contacts(id); len(got) != 3 || got[2] != "Anna|anna@example.com||email|anna@example.com|fr" {
			t.Errorf("contacts %q", got)
		}
	})
}

func TestDashSend(t *testing.T) {
	var wakes atomic.Int64
	d := newDash(t, func(c *web.Config) { c.WakeOutbox = func() { wakes.Add(1) } })
	b := d.signedIn()
	id := d.launch(nil, "text/plain", []byte("Le texte"))
	twin := d.launch(nil, "text/plain", []byte("Le texte")) // sent through the API, to compare

	t.Run("NoContacts", func(t *testing.T) {
		before := dbtest.Dump(t, d.db)
		res, body := b.do("POST", d.seedURL(id, "/sends"), url.Values{}, nil)
		if res.StatusCode != http.StatusConflict {
			t.Fatalf("%d, want 409", res.StatusCode)
		}
		mustContain(t, body, "There is no contact to send to: import contacts first.")
		d.unchanged(t, before)
	})

	postContacts(b, d.seedURL(id, "/contacts"), nil, "c.csv", []byte(contactsCSV), nil)
	d.importContacts(twin, "text/csv", "", contactsCSV)
	res, body := b.do("POST", d.seedURL(id, "/sends"), url.Values{}, nil)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("send: %d", res.StatusCode)
	}
	mustContain(t, body, "Messages queued: 2.", `<span class="n" data-status="queued">2</span> Queued`,
		"<td>z***@example.com</td>", "<td>&#43;33*******78</td>", `<span class="delivery queued">Queued</span>`)
	if strings.Contains(body, "zoe@example.com</td>") || strings.Contains(body, "33612345678") {
		t.Error("the deliveries table shows whole addresses")
	}
	if wakes.Load() != 1 {
		t.Errorf("the worker was woken %d times, want 1", wakes.Load())
	}
	if sent := d.send(twin); sent.Queued != 2 {
		t.Fatalf("API send queued %d", sent.Queued)
	}
	messages := func(id int64) []string {
		return d.rows(`SELECT m.kind, m.channel, m.recipient, m.language, m.status, l.channel, l.seats, l.sender_claim_id IS NULL
			FROM messages m JOIN contacts c ON c.id = m.contact_id JOIN links l ON l.campaign_id = m.campaign_id AND l.channel = m.channel
			WHERE m.campaign_id = $1 ORDER BY m.id`, id)
	}
	got, want := messages(id), messages(twin)
	if !slices.Equal(got, want) || len(got) != 2 || got[0] != "seed|email|zoe@example.com|fr|queued|email|1|1" {
		t.Errorf("dashboard queued %q, the API %q", got, want)
	}

	t.Run("AgainSendsNothing", func(t *testing.T) {
		before := dbtest.Dump(t, d.db)
		res, body := b.do("POST", d.seedURL(id, "/sends"), url.Values{}, nil)
		if res.StatusCode != http.StatusOK {
			t.Fatalf("%d, want 200", res.StatusCode)
		}
		mustContain(t, body, "Every contact already has their link: nothing new to send.")
		d.unchanged(t, before)
	})

	t.Run("OptedOut", func(t *testing.T) {
		postContacts(b, d.seedURL(id, "/contacts"), nil, "c.csv", []byte("email\nout@example.com\n"), nil)
		if err := d.notify.Suppress(context.Background(), "out@example.com", "test"); err != nil {
			t.Fatal(err)
		}
		before := dbtest.Dump(t, d.db)
		res, body := b.do("POST", d.seedURL(id, "/sends"), url.Values{}, nil)
		if res.StatusCode != http.StatusOK {
			t.Fatalf("%d, want 200", res.StatusCode)
		}
		mustContain(t, body, "Every contact already has their link: nothing new to send. Contacts skipped because they opted out: 1.")
		d.unchanged(t, before)
	})

	t.Run("DeliveriesByStatus", func(t *testing.T) {
		// The mail server refuses for good: the email fails; no Twilio
		// account is configured, so the development sender keeps the SMS
		// and nothing may say it was sent.
		smtpSrv := notifytest.NewSMTPServer(t, notifytest.SMTPOptions{})
		smtpSrv.Always(550)
		d.deliver(notify.SendersConfig{SMTP: notify.SMTPConfig{URL: smtpSrv.URL(), From: "no-reply@sillage.example"}})
		var out struct {
			Counts     map[string]int
			Deliveries []struct {
				To, Channel, Status, Error string
				StatusLabel                string `json:"status_label"`
			}
		}
		res, body := b.do("GET", d.seedURL(id, "/seeding/deliveries"), nil, http.Header{"Accept": {"application/json"}})
		if res.StatusCode != http.StatusOK {
			t.Fatalf("poll: %d", res.StatusCode)
		}
		if err := json.Unmarshal([]byte(body), &out); err != nil {
			t.Fatal(err)
		}
		if out.Counts["failed"] != 1 || out.Counts["kept"] != 1 || out.Counts["sent"] != 0 || out.Counts["queued"] != 0 || len(out.Deliveries) != 2 {
			t.Fatalf("poll: %s", body)
		}
		if d := out.Deliveries[1]; d.Channel != "SMS" || d.Status != "kept" || d.StatusLabel != "Kept by the development sender (not delivered)" {
			t.Errorf("SMS kept by the development sender shows as %+v", d)
		}
		if d := out.Deliveries[0]; d.To != "z***@example.com" || d.Channel != "Email" || d.Status != "failed" || d.StatusLabel != "Failed" || !strings.Contains(d.Error, "550") {
			t.Errorf("first delivery %+v", d)
		}
		_, page := b.get(d.seedURL(id, "/seeding?status=failed"))
		mustContain(t, page, `<option value="failed" selected>Failed</option>`, `<span class="delivery failed">Failed</span>`,
			`data-deliveries="/campaigns/1/seeding/deliveries?status=failed"`)
		if strings.Contains(page, "&#43;33*******78") {
			t.Error("the failed filter shows a kept SMS")
		}
		_, page = b.get(d.seedURL(id, "/seeding"))
		mustContain(t, page, `<span class="delivery kept">Kept by the development sender (not delivered)</span>`,
			`<span class="n" data-status="kept">1</span> Kept by the development sender (not delivered)`)
		if strings.Contains(page, `<span class="delivery sent">`) {
			t.Error("the deliveries table says a message was sent while nothing left the machine")
		}
		_, page = b.do("GET", d.seedURL(id, "/seeding?status=kept"), nil, http.Header{"Accept-Language": {"fr"}})
		mustContain(t, page, `<span class="delivery kept">Gardé par l&#39;expéditeur de développement (non distribué)</span>`,
			`<span class="n" data-status="failed">1</span> Échec`)
		for _, q := range []string{"?status=lost", "?after=abc", "?after=-1"} {
			before := dbtest.Dump(t, d.db)
			res, page := b.get(d.seedURL(id, "/seeding"+q))
			if res.StatusCode != http.StatusBadRequest || !strings.Contains(page, `role="alert" id="status-error"`) {
				t.Errorf("GET seeding%s: %d, want 400 and why", q, res.StatusCode)
			}
			if res, _ := b.get(d.seedURL(id, "/seeding/deliveries"+q)); res.StatusCode != http.StatusBadRequest {
				t.Errorf("GET deliveries%s: %d, want 400", q, res.StatusCode)
			}
			d.unchanged(t, before)
		}
	})

	t.Run("SentThroughSMTP", func(t *testing.T) {
		// With a mail server that accepts, an email is sent, and says so.
		smtpSrv := notifytest.NewSMTPServer(t, notifytest.SMTPOptions{})
		postContacts(b, d.seedURL(id, "/contacts"), nil, "c.csv", []byte("email\nreal@example.com\n"), nil)
		if res, _ := b.do("POST", d.seedURL(id, "/sends"), url.Values{}, nil); res.StatusCode != http.StatusOK {
			t.Fatalf("send: %d", res.StatusCode)
		}
		d.deliver(notify.SendersConfig{SMTP: notify.SMTPConfig{URL: smtpSrv.URL(), From: "no-reply@sillage.example"}})
		if n := len(smtpSrv.Mails()); n == 0 {
			t.Fatal("the mail server received nothing")
		}
		_, page := b.get(d.seedURL(id, "/seeding?status=sent"))
		mustContain(t, page, "<td>r***@example.com</td>", `<span class="delivery sent">Sent</span>`,
			`<span class="n" data-status="sent">1</span> Sent`, `<span class="n" data-status="kept">1</span> Kept`)
		if strings.Contains(page, `<span class="delivery kept">`) {
			t.Error("the sent filter shows a kept message")
		}
	})

	t.Run("Ended", func(t *testing.T) {
		postContacts(b, d.seedURL(id, "/contacts"), nil, "c.csv", []byte("email\nnew@example.com\n"), nil)
		b.do("POST", d.seedURL(id, "/status"), url.Values{"status": {"ended"}}, nil)
		before := dbtest.Dump(t, d.db)
		res, body := b.do("POST", d.seedURL(id, "/sends"), url.Values{}, nil)
		if res.StatusCode != http.StatusConflict {
			t.Fatalf("%d, want 409", res.StatusCode)
		}
		mustContain(t, body, "This campaign has ended: no link can be sent or minted any more.")
		d.unchanged(t, before)
	})
	t.Run("NoSuchCampaign", func(t *testing.T) {
		for _, p := range []string{"/campaigns/99/sends", "/campaigns/x/sends"} {
			if res, _ := b.do("POST", d.srv.URL+p, url.Values{}, nil); res.StatusCode != http.StatusNotFound {
				t.Errorf("POST %s: %d, want 404", p, res.StatusCode)
			}
		}
	})
}

// The deliveries table shows 50 messages a page, with links to the next
// page and back to the first.
func TestDashDeliveriesPages(t *testing.T) {
	d := newDash(t)
	b := d.signedIn()
	id := d.launch(nil, "text/plain", []byte("Le texte"))
	postContacts(b, d.seedURL(id, "/contacts"), nil, "c.csv", []byte(peopleCSV(55)), nil)
	if res, body := b.do("POST", d.seedURL(id, "/sends"), url.Values{}, nil); !strings.Contains(body, "Messages queued: 55.") {
		t.Fatalf("send: %d", res.StatusCode)
	}
	_, first := b.get(d.seedURL(id, "/seeding"))
	if n := strings.Count(first, `<span class="delivery queued">`); n != 50 {
		t.Errorf("first page: %d rows, want 50", n)
	}
	last := d.rows(`SELECT id FROM messages ORDER BY id LIMIT 1 OFFSET 49`)[0]
	next := `href="/campaigns/1/seeding?after=` + last + `"`
	mustContain(t, first, "p***@example.com", next, "Next messages", `<span class="n" data-status="queued">55</span>`)
	if strings.Contains(first, "First messages") {
		t.Error("the first page links to itself")
	}
	_, second := b.get(d.seedURL(id, "/seeding?after="+last))
	if n := strings.Count(second, `<span class="delivery queued">`); n != 5 {
		t.Errorf("second page: %d rows, want 5", n)
	}
	mustContain(t, second, `href="/campaigns/1/seeding">First messages`, `data-deliveries="/campaigns/1/seeding/deliveries?after=`+last+`"`)
	if strings.Contains(second, "Next messages") {
		t.Error("the last page has a next page")
	}
}

// peopleCSV is a contact file of n email addresses, person00@example.com
// and on: more than a page of the dashboard's tables.
func peopleCSV(n int) string {
	var file strings.Builder
	file.WriteString("email\n")
	for i := range n {
		fmt.Fprintf(&file, "person%02d@example.com\n", i)
	}
	return file.String()
}
