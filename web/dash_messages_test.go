package web_test

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/sillage/sillage/migrations/dbtest"
	"github.com/sillage/sillage/notify"
)

// templateRows returns the campaign's own wordings as stored.
func (d *dashApp) templateRows(id int64) []string {
	d.t.Helper()
	return d.rows(`SELECT channel, language, subject, body_text, body_html, content_sid, content_variables, updated_at
		FROM campaign_templates WHERE campaign_id = $1 ORDER BY channel, language`, id)
}

// apiTemplate is the template the API shows for channel and lang.
func (d *dashApp) apiTemplate(id int64, channel, lang string) notify.Template {
	d.t.Helper()
	var tpl notify.Template
	if st := d.api("GET", path(id, "/templates/"+channel+"/"+lang), nil, &tpl); st != http.StatusOK {
		d.t.Fatalf("API GET template %s/%s: %d", channel, lang, st)
	}
	return tpl
}

func TestDashTemplatesPage(t *testing.T) {
	d := newDash(t)
	b := d.signedIn()
	id := d.launch(nil, "text/plain", []byte("Le texte"))

	_, seeding := b.get(d.seedURL(id, "/seeding"))
	mustContain(t, seeding, `<a href="/campaigns/1/templates">Edit the wording of the messages</a>`,
		`<a href="/campaigns/1/contacts">See the contacts: export or erase a person&#39;s data</a>`)

	res, body := b.get(d.seedURL(id, "/templates"))
	if res.StatusCode != http.StatusOK {
		t.Fatalf("GET templates: %d", res.StatusCode)
	}
	mustContain(t, body, "<h1>Message templates</h1>", `<a href="/campaigns/1/seeding" aria-current="page">Seeding</a>`,
		`<a href="/campaigns/1/seeding">Back to seeding</a>`,
		`<a href="/campaigns/1/templates/email/fr">Edit<span class="visually-hidden"> Email, French</span></a>`,
		`<a href="/campaigns/1/templates/whatsapp/en">Edit<span class="visually-hidden"> WhatsApp, English</span></a>`,
		`<code class="tpl-summary">{{.Teaser}}: your personal link</code>`)
	if n := strings.Count(body, `<span class="tpl-badge">Default</span>`); n != 6 {
		t.Errorf("%d default templates listed, want 6 (3 channels × 2 languages)", n)
	}
	if strings.Contains(body, "<script>") || strings.Contains(body, `style="`) {
		t.Error("an inline script or style: the CSP refuses them")
	}
	_, body = b.do("GET", d.seedURL(id, "/templates"), nil, http.Header{"Accept-Language": {"fr"}})
	mustContain(t, body, `<html lang="fr">`, "<h1>Modèles de messages</h1>", "Retour à la diffusion",
		`<span class="tpl-badge">Par défaut</span>`, `<span class="visually-hidden"> E-mail, Français</span>`)

	for _, p := range []string{"/campaigns/99/templates", "/campaigns/x/templates", "/campaigns/0/templates"} {
		if res, body := b.get(d.srv.URL + p); res.StatusCode != http.StatusNotFound || !strings.Contains(body, "This campaign does not exist.") {
			t.Errorf("GET %s: %d, want 404 and why", p, res.StatusCode)
		}
	}
}

// A wording saved on the dashboard is what the API's PUT stores; the API
// then shows it; a reset brings the default back, as the API's DELETE.
func TestDashTemplateRoundTrip(t *testing.T) {
	d := newDash(t)
	b := d.signedIn()
	id := d.launch(nil, "text/plain", []byte("Le texte"))
	twin := d.launch(nil, "text/plain", []byte("Le texte")) // the same through the API

	for _, c := range []struct {
		channel, lang string
		form          url.Values // as a browser sends it: textareas' lines end with CRLF
		api           map[string]any
		preview       []string
	}{
		{"sms", "fr", url.Values{"text": {"Pour toi {{.Name}} :\r\n{{.Link}}"}},
			map[string]any{"text": "Pour toi {{.Name}} :\n{{.Link}}"},
			[]string{"<pre>Pour toi Camille :\n" + d.srv.URL + "/s/EXAMPLE0personal0link0</pre>",
				fmt.Sprintf("%d characters, SMS segments: 1.", len("Pour toi Camille :\n"+d.srv.URL+"/s/EXAMPLE0personal0link0"))}},
		{"email", "en", url.Values{"subject": {"{{.Teaser}}, for {{.Name}}"}, "text": {"Hi {{.Name}},\r\n\r\n{{.Link}}\r\n\r\nStop: {{.Unsubscribe}}\r\n"},
			"html": {"<p>Hi {{.Name}}, <a href=\"{{.Link}}\">open</a></p>"}},
			map[string]any{"subject": "{{.Teaser}}, for {{.Name}}", "text": "Hi {{.Name}},\n\n{{.Link}}\n\nStop: {{.Unsubscribe}}\n",
				"html": "<p>Hi {{.Name}}, <a href=\"{{.Link}}\">open</a></p>"},
			[]string{"<dd>Un clip en avant-première, for Camille</dd>", "<pre>Hi Camille,\n\n" + d.srv.URL + "/s/EXAMPLE0personal0link0\n\nStop: " +
				d.srv.URL + "/u/example0unsubscribe0token0.EXAMPLE0unsubscribe00</pre>"}},
		{"whatsapp", "fr", url.Values{"text": {"{{.Link}}"}, "content_sid": {" HX0123456789abcdef0123456789abcdef "},
			"content_variables": {"1 = {{.Teaser}}\r\n\r\n10={{.Link}}\r\n2 = {{.Name}}"}},
			map[string]any{"text": "{{.Link}}", "content_sid": "HX0123456789abcdef0123456789abcdef",
				"content_variables": map[string]string{"1": "{{.Teaser}}", "2": "{{.Name}}", "10": "{{.Link}}"}},
			[]string{"Variables sent to the approved template", `{&#34;1&#34;:&#34;Un clip en avant-première&#34;,&#34;10&#34;:&#34;` + d.srv.URL}},
	} {
		t.Run(c.channel, func(t *testing.T) {
			base := d.seedURL(id, "/templates/"+c.channel+"/"+c.lang)
			res, body := b.get(base)
			if res.StatusCode != http.StatusOK {
				t.Fatalf("GET: %d", res.StatusCode)
			}
			def := d.apiTemplate(id, c.channel, c.lang)
			mustContain(t, body, `<span class="tpl-badge">Default</span>`, "This is Sillage&#39;s default wording.",
				`<form method="post" action="/campaigns/1/templates/`+c.channel+"/"+c.lang+`" class="tpl-form" novalidate>`,
				`<label for="text">`, "Camille", "{{.Link}}</code>", `name="action" value="save"`, `name="action" value="preview"`)
			if !strings.Contains(body, inTextarea(def.Text)) {
				t.Error("the form does not hold the default text")
			}
			if strings.Contains(body, "/reset") {
				t.Error("a default wording offers a reset")
			}

			// A preview saves nothing and shows the form's wording.
			before := dbtest.Dump(t, d.db)
			preview := url.Values{"action": {"preview"}}
			for k, v := range c.form {
				preview[k] = v
			}
			res, body = b.do("POST", base, preview, nil)
			if res.StatusCode != http.StatusOK {
				t.Fatalf("preview: %d", res.StatusCode)
			}
			mustContain(t, body, "Preview of the wording in the form below, not saved.")
			if strings.Contains(body, `target="_blank" rel="noopener"`) {
				t.Error("a draft's preview links to the stored wording's HTML")
			}
			mustContain(t, body, c.preview...)
			d.unchanged(t, before)

			save := url.Values{"action": {"save"}}
			for k, v := range c.form {
				save[k] = v
			}
			res, _ = b.do("POST", base, save, nil)
			if res.StatusCode != http.StatusSeeOther || location(res) != "/campaigns/1/templates/"+c.channel+"/"+c.lang+"?saved=1" {
				t.Fatalf("save: %d to %q", res.StatusCode, location(res))
			}
			if st := d.api("PUT", path(twin, "/templates/"+c.channel+"/"+c.lang), c.api, nil); st != http.StatusOK {
				t.Fatalf("API PUT: %d", st)
			}
			got, want := d.templateRows(id), d.templateRows(twin)
			if !slices.Equal(got, want) || len(got) == 0 {
				t.Errorf("dashboard stored %q, the API %q", got, want)
			}
			if tpl := d.apiTemplate(id, c.channel, c.lang); tpl.Default || tpl.Text != c.api["text"] {
				t.Errorf("the API shows %+v", tpl)
			}

			_, body = b.get(base + "?saved=1")
			mustContain(t, body, "Saved: messages queued from now on use this wording.", `<span class="tpl-badge custom">Customised</span>`,
				`<a class="button danger" href="/campaigns/1/templates/`+c.channel+"/"+c.lang+`/reset">`)
			mustContain(t, body, c.preview[1:]...) // the stored wording's preview
			if c.channel == "email" {
				mustContain(t, body, `<a href="/campaigns/1/templates/email/en/preview" target="_blank" rel="noopener">`)
			}
			_, list := b.get(d.seedURL(id, "/templates"))
			if n := strings.Count(list, "Customised</span>"); n != 1 {
				t.Errorf("%d customised templates listed, want 1", n)
			}

			// Reset: a question, then the API's DELETE.
			res, body = b.get(base + "/reset")
			if res.StatusCode != http.StatusOK {
				t.Fatalf("GET reset: %d", res.StatusCode)
			}
			mustContain(t, body, `<form method="post" action="/campaigns/1/templates/`+c.channel+"/"+c.lang+`/reset"`,
				`<input type="hidden" name="confirm" value="1">`, "to Sillage&#39;s default wording?")
			before = dbtest.Dump(t, d.db)
			res, body = b.do("POST", base+"/reset", url.Values{}, nil)
			if res.StatusCode != http.StatusUnprocessableEntity {
				t.Errorf("reset without confirmation: %d, want 422", res.StatusCode)
			}
			mustContain(t, body, "Nothing was reset: confirm with the button on this page.")
			d.unchanged(t, before)

			res, _ = b.do("POST", base+"/reset", url.Values{"confirm": {"1"}}, nil)
			if res.StatusCode != http.StatusSeeOther || location(res) != "/campaigns/1/templates/"+c.channel+"/"+c.lang+"?reset=1" {
				t.Fatalf("reset: %d to %q", res.StatusCode, location(res))
			}
			d.api("DELETE", path(twin, "/templates/"+c.channel+"/"+c.lang), nil, nil)
			if got := d.templateRows(id); len(got) != 0 || !slices.Equal(got, d.templateRows(twin)) {
				t.Errorf("after the reset: %q", got)
			}
			if tpl := d.apiTemplate(id, c.channel, c.lang); !tpl.Default || tpl.Text != def.Text {
				t.Errorf("after the reset, the API shows %+v", tpl)
			}
			_, body = b.get(base + "?reset=1")
			mustContain(t, body, "The default wording applies again.", `<span class="tpl-badge">Default</span>`)
		})
	}
}

// inTextarea is s as html/template writes it in a textarea.
func inTextarea(s string) string {
	r := strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&#34;", "'", "&#39;", "+", "&#43;")
	return r.Replace(s)
}

// notify's refusals are shown beside the field they are about, with a
// 422, and nothing is written, whether saving or previewing.
func TestDashTemplateRefused(t *testing.T) {
	d := newDash(t)
	b := d.signedIn()
	id := d.launch(nil, "text/plain", []byte("Le texte"))
	// One wording of the campaign's own already: a refusal keeps it.
	b.do("POST", d.seedURL(id, "/templates/sms/en"), url.Values{"text": {"Mine: {{.Link}}"}}, nil)
	before := dbtest.Dump(t, d.db)
	email := func(edits map[string]string) url.Values {
		f := url.Values{"subject": {"Hi {{.Name}}"}, "text": {"{{.Link}}"}, "html": {`<a href="{{.Link}}">open</a>`}}
		for k, v := range edits {
			f.Set(k, v)
		}
		return f
	}
	const sid = "HX0123456789abcdef0123456789abcdef"
	for _, c := range []struct {
		name, template string
		form           url.Values
		field          string // "" for the wording as a whole
		want           string
	}{
		{"NoLink", "sms/en", url.Values{"text": {"Hello"}}, "text", "must contain the personal link: {{.Link}}"},
		{"UnknownPlaceholder", "sms/en", url.Values{"text": {"{{.Link}} {{.Password}}"}}, "text", "{{.Password}} is not a placeholder: use those listed under “What the wording may use”."},
		{"Broken", "sms/fr", url.Values{"text": {"{{.Link"}}, "text", "unclosed action"},
		{"Empty", "whatsapp/fr", url.Values{"text": {"  "}}, "text", "a WhatsApp message needs a text"},
		{"LinkInSubject", "email/en", email(map[string]string{"subject": "{{.Link}}"}), "subject", "must not contain the personal link"},
		{"UnknownInSubject", "email/en", email(map[string]string{"subject": "{{.Nope}}"}), "subject", "{{.Nope}} is not a placeholder"},
		{"HTMLWithoutLink", "email/fr", email(map[string]string{"html": "<p>Bonjour</p>"}), "html", "must contain the personal link"},
		{"UnknownInHTML", "email/fr", email(map[string]string{"html": "{{.Link}} {{.Nope}}"}), "html", "{{.Nope}} is not a placeholder"},
		{"NoSubject", "email/fr", email(map[string]string{"subject": ""}), "", "an email needs a subject, a text part and an HTML part"},
		{"BadContentSID", "whatsapp/en", url.Values{"text": {"{{.Link}}"}, "content_sid": {"HX123"}}, "content_sid", "must be a Twilio Content SID"},
		{"VariableWithoutValue", "whatsapp/en", url.Values{"content_sid": {sid}, "content_variables": {"1 {{.Name}}"}}, "content_variables",
			"Write one variable per line, such as 1 = {{.Name}}, each number once."},
		{"VariableTwice", "whatsapp/en", url.Values{"content_sid": {sid}, "content_variables": {"1 = a\n1 = b"}}, "content_variables", "each number once"},
		{"UnknownInVariable", "whatsapp/en", url.Values{"content_sid": {sid}, "content_variables": {"1 = {{.Nope}}"}}, "content_variables",
			"{{.Nope}} is not a placeholder"},
	} {
		for _, action := range []string{"save", "preview"} {
			t.Run(c.name+"/"+action, func(t *testing.T) {
				form := url.Values{"action": {action}}
				for k, v := range c.form {
					form[k] = v
				}
				res, body := b.do("POST", d.seedURL(id, "/templates/"+c.template), form, nil)
				if res.StatusCode != http.StatusUnprocessableEntity {
					t.Fatalf("%d, want 422", res.StatusCode)
				}
				if c.field == "" {
					mustContain(t, body, `<p class="error" role="alert" id="template-error">`+c.want)
				} else {
					mustContain(t, body, "Nothing was saved: please correct the field marked below.",
						`<p class="field-error" id="`+c.field+`-error">`, `aria-invalid="true"`)
					if at := strings.Index(body, `id="`+c.field+`-error">`); at < 0 || !strings.Contains(body[at:min(at+300, len(body))], c.want) {
						t.Errorf("the error beside %s does not say %q", c.field, c.want)
					}
				}
				if strings.Contains(body, "<dl>\n") || !strings.Contains(body, "No preview: correct the wording first.") {
					t.Error("a refused wording has a preview")
				}
				d.unchanged(t, before)
			})
		}
	}
	t.Run("French", func(t *testing.T) {
		res, body := b.do("POST", d.seedURL(id, "/templates/sms/fr"), url.Values{"text": {"Salut"}}, http.Header{"Accept-Language": {"fr"}})
		if res.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("%d, want 422", res.StatusCode)
		}
		mustContain(t, body, `<html lang="fr">`, "Rien n&#39;a été enregistré : corrigez le champ signalé ci-dessous.", "SMS en français",
			"Pas d&#39;aperçu : corrigez d&#39;abord le texte.", `<p class="field-error" id="text-error">doit contenir le lien personnel : {{.Link}}</p>`)
		_, body = b.do("POST", d.seedURL(id, "/templates/sms/fr"), url.Values{"text": {"{{.Link}} {{.Nom}}"}}, http.Header{"Accept-Language": {"fr"}})
		mustContain(t, body, `<p class="field-error" id="text-error">{{.Nom}} n&#39;est pas une variable : utilisez celles de « Ce que le texte peut utiliser ».</p>`)
		d.unchanged(t, before)
	})
	t.Run("TooLong", func(t *testing.T) {
		res, body := b.do("POST", d.seedURL(id, "/templates/email/fr"), url.Values{"html": {strings.Repeat("x", 5<<20)}}, nil)
		if res.StatusCode != http.StatusRequestEntityTooLarge {
			t.Fatalf("%d, want 413", res.StatusCode)
		}
		mustContain(t, body, "The wording is too long: nothing was saved.")
		d.unchanged(t, before)
	})
}

// Unknown campaigns, channels and languages are a 404 that says so, on
// every route, and write nothing.
func TestDashTemplateNotFound(t *testing.T) {
	d := newDash(t)
	b := d.signedIn()
	d.launch(nil, "text/plain", []byte("Le texte"))
	before := dbtest.Dump(t, d.db)
	for _, c := range []struct{ path, want string }{
		{"/campaigns/1/templates/fax/fr", "There is no such message template"},
		{"/campaigns/1/templates/sms/de", "There is no such message template"},
		{"/campaigns/1/templates/sms/FR", "There is no such message template"},
		{"/campaigns/99/templates/sms/fr", "This campaign does not exist."},
		{"/campaigns/x/templates/sms/fr", "This campaign does not exist."},
		{"/campaigns/-1/templates/sms/fr", "This campaign does not exist."},
	} {
		for _, rest := range []string{"", "/reset", "/preview"} {
			for _, method := range []string{"GET", "POST"} {
				form := url.Values{"text": {"{{.Link}}"}, "confirm": {"1"}}
				if method == "GET" {
					form = nil
				}
				res, body := b.do(method, d.srv.URL+c.path+rest, form, nil)
				if res.StatusCode != http.StatusNotFound || !strings.Contains(body, c.want) {
					t.Errorf("%s %s: %d, want 404 and %q", method, c.path+rest, res.StatusCode, c.want)
				}
			}
		}
	}
	// Only an email has an HTML part to open.
	if res, _ := b.get(d.srv.URL + "/campaigns/1/templates/sms/fr/preview"); res.StatusCode != http.StatusNotFound {
		t.Errorf("HTML preview of an SMS: %d, want 404", res.StatusCode)
	}
	_, body := b.do("GET", d.srv.URL+"/campaigns/1/templates/fax/fr", nil, http.Header{"Accept-Language": {"fr"}})
	mustContain(t, body, "Ce modèle de message n&#39;existe pas")
	d.unchanged(t, before)
}

// The HTML part of an email opens alone in a sandboxed tab: the stored
// wording on GET, the form's on POST.
func TestDashTemplateHTMLPreview(t *testing.T) {
	d := newDash(t)
	b := d.signedIn()
	id := d.launch(nil, "text/plain", []byte("Le texte"))
	before := dbtest.Dump(t, d.db)
	res, body := b.get(d.seedURL(id, "/templates/email/fr/preview"))
	if res.StatusCode != http.StatusOK {
		t.Fatalf("GET: %d", res.StatusCode)
	}
	csp := res.Header.Get("Content-Security-Policy")
	if !strings.HasPrefix(csp, "sandbox;") || strings.Contains(csp, "script-src") || !strings.Contains(csp, "default-src 'none'") {
		t.Errorf("CSP %q: want a sandbox that runs no script", csp)
	}
	if ct := res.Header.Get("Content-Type"); ct != "text/html; charset=utf-8" {
		t.Errorf("Content-Type %q", ct)
	}
	mustContain(t, body, `<html lang="fr">`, "Bonjour Camille,", "Un clip en avant-première", "Seulement entre amis",
		`href="`+d.srv.URL+`/s/EXAMPLE0personal0link0"`, `href="`+d.srv.URL+`/u/example0unsubscribe0token0.EXAMPLE0unsubscribe00"`)

	form := url.Values{"subject": {"Hi"}, "text": {"{{.Link}}"}, "html": {`<p>Draft for {{.Name}}: <a href="{{.Link}}">open</a></p>`}}
	res, body = b.do("POST", d.seedURL(id, "/templates/email/fr/preview"), form, nil)
	if res.StatusCode != http.StatusOK || body != `<p>Draft for Camille: <a href="`+d.srv.URL+`/s/EXAMPLE0personal0link0">open</a></p>` {
		t.Errorf("POST: %d %q", res.StatusCode, body)
	}
	form.Set("html", "<p>no link</p>")
	res, body = b.do("POST", d.seedURL(id, "/templates/email/fr/preview"), form, nil)
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "HTML part: must contain the personal link") {
		t.Errorf("POST without a link: %d, want 422 and why", res.StatusCode)
	}
	d.unchanged(t, before)
}
