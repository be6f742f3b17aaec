package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/sillage/sillage/migrations/dbtest"
)

// The wordings of issue 11 that burn CPU or memory, and their kin, as
// the editor's form and the API's body send them.
var bombs = []struct {
	name, template string
	form           url.Values
	field, says    string
	fr             string // what the French dashboard says
}{
	{"Range", "sms/en", url.Values{"text": {"{{range 50000000}}{{end}}{{.Link}}"}}, "text",
		"{{range}} is not allowed: a message has no list to repeat", "{{range}} n&#39;est pas permis"},
	{"NestedRange", "email/en", url.Values{"subject": {"Hi"}, "text": {"{{.Link}}"},
		"html": {"{{range 100000}}{{range 100000}}<p>{{$.TeaserText}}</p>{{end}}{{end}}{{.Link}}"}}, "html",
		"{{range}} is not allowed", "{{range}} n&#39;est pas permis"},
	// fmt takes widths up to a million: a megabyte per placeholder.
	{"PrintfWidth", "sms/en", url.Values{"text": {`{{printf "%0999999d" 1}}{{.Link}}`}}, "text",
		"printf is not allowed in a message", "printf n&#39;est pas permis dans un message"},
	{"RecursiveDefine", "email/en", url.Values{"subject": {"Hi"}, "html": {"{{.Link}}"},
		"text": {`{{define "x"}}{{template "x" .}}{{template "x" .}}{{end}}{{template "x" .}}{{.Link}}`}}, "text",
		"{{define}}, {{block}} and {{template}} are not allowed", "ne sont pas permis : écrivez le texte d&#39;un seul tenant"},
}

// Saved through the API, each is a 422 naming the construct, and nothing
// is stored.
func TestTemplateBombsRefusedByAPI(t *testing.T) {
	d := newDash(t)
	id := d.launch(nil, "text/plain", []byte("Le texte"))
	before := dbtest.Dump(t, d.db)
	for _, c := range bombs {
		t.Run(c.name, func(t *testing.T) {
			body := map[string]string{}
			for k, v := range c.form {
				body[k] = v[0]
			}
			var out struct{ Error string }
			if st := d.api("PUT", path(id, "/templates/"+c.template), body, &out); st != http.StatusUnprocessableEntity {
				t.Fatalf("PUT: %d, want 422", st)
			}
			if want := c.field + ": " + c.says; !strings.HasPrefix(out.Error, want) {
				t.Errorf("error %q, want %q", out.Error, want)
			}
			d.unchanged(t, before)
		})
	}
}

// Saved or previewed in the editor, each is a 422 with the refusal
// beside its field, in the marketer's language, and nothing is stored.
func TestTemplateBombsRefusedByDashboard(t *testing.T) {
	d := newDash(t)
	b := d.signedIn()
	id := d.launch(nil, "text/plain", []byte("Le texte"))
	before := dbtest.Dump(t, d.db)
	for _, c := range bombs {
		for _, lang := range []string{"en", "fr"} {
			for _, action := range []string{"save", "preview"} {
				t.Run(c.name+"/"+lang+"/"+action, func(t *testing.T) {
					form := url.Values{"action": {action}}
					for k, v := range c.form {
						form[k] = v
					}
					res, body := b.do("POST", d.seedURL(id, "/templates/"+c.template), form, http.Header{"Accept-Language": {lang}})
					if res.StatusCode != http.StatusUnprocessableEntity {
						t.Fatalf("%d, want 422", res.StatusCode)
					}
					want := c.says
					if lang == "fr" {
						want = c.fr
					}
					at := strings.Index(body, `<p class="field-error" id="`+c.field+`-error">`)
					if at < 0 || !strings.Contains(body[at:min(at+300, len(body))], want) {
						t.Errorf("the error beside %s does not say %q", c.field, want)
					}
					d.unchanged(t, before)
				})
			}
		}
	}
}

// A wording stored before the rules (planted here straight in the
// database, as an old row would be) no longer runs: a send stops at once
// with the refusal and queues or mints nothing, the editor shows the stored
// wording with why, and its HTML preview says so.
func TestPlantedTemplateBomb(t *testing.T) {
	d := newDash(t)
	b := d.signedIn()
	id := d.launch(nil, "text/plain", []byte("Le texte"))
	if st, _ := d.importContacts(id, "text/csv", "", "name,phone,email,language\nLéa,0612345678,,en\nAda,,ada@example.com,en\n"); st != http.StatusCreated {
		t.Fatalf("import: %d", st)
	}
	plant := func(channel, text, html string) {
		t.Helper()
		_, err := d.db.Write.Exec(`INSERT INTO campaign_templates
			(campaign_id, channel, language, subject, body_text, body_html, content_sid, content_variables, updated_at)
			VALUES ($1, $2, 'en', 'Hi', $3, $4, '', '', 0)`, id, channel, text, html)
		if err != nil {
			t.Fatal(err)
		}
	}
	plant("sms", "{{range 50000000}}{{end}}{{.Link}}", "")
	plant("email", "{{.Link}}", "{{range 100000}}{{range 100000}}<p>{{$.TeaserText}}</p>{{end}}{{end}}{{.Link}}")

	t.Run("Send", func(t *testing.T) {
		var out struct{ Error string }
		if st := d.api("POST", path(id, "/sends"), nil, &out); st != http.StatusUnprocessableEntity {
			t.Fatalf("send: %d %q, want 422", st, out.Error)
		}
		if !strings.Contains(out.Error, "{{range}} is not allowed") {
			t.Errorf("send error %q does not name the construct", out.Error)
		}
		if n, l := d.count("messages"), d.count("links"); n != 0 || l != 0 {
			t.Errorf("%d messages queued, %d links minted: want none", n, l)
		}
	})
	t.Run("Editor", func(t *testing.T) {
		res, body := b.get(d.seedURL(id, "/templates/sms/en"))
		if res.StatusCode != http.StatusOK {
			t.Fatalf("GET editor: %d", res.StatusCode)
		}
		mustContain(t, body, inTextarea("{{range 50000000}}{{end}}{{.Link}}"),
			`<p class="field-error" id="text-error">{{range}} is not allowed: a message has no list to repeat</p>`,
			"No preview: correct the wording first.")
	})
	t.Run("HTMLPreview", func(t *testing.T) {
		res, body := b.get(d.seedURL(id, "/templates/email/en/preview"))
		if res.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("GET HTML preview: %d, want 422", res.StatusCode)
		}
		mustContain(t, body, "HTML part: {{range}} is not allowed")
	})
}

// "Send it for me" through a planted wording fails at once and writes
// nothing; the recipient is not told their address is wrong: the
// wording is the marketer's to fix.
func TestSendForMePlantedTemplateBomb(t *testing.T) {
	a := newApp(t, 1<<20)
	id := a.launch(map[string]any{"send_for_me": true}, "text/plain", []byte("le clip"))
	_, err := a.db.Write.Exec(`INSERT INTO campaign_templates
		(campaign_id, channel, language, subject, body_text, body_html, content_sid, content_variables, updated_at)
		VALUES ($1, 'email', 'fr', 'Salut', '{{.Link}}', '{{range 100000}}{{range 100000}}<p>{{$.TeaserText}}</p>{{end}}{{end}}{{.Link}}', '', '', 0)`, id)
	if err != nil {
		t.Fatal(err)
	}
	seed := a.seeds(id, 1, 1)[0]
	alice := newPhone(t, iPhoneSafari)
	alice.unlock(seed)
	links, messages := a.stats(id)["links"], a.messageCount()
	res, body := alice.sendForMe(seed, "friend@example.com")
	if res.StatusCode != http.StatusInternalServerError || strings.Contains(body, "adresse") {
		t.Errorf("%d, want 500 without blaming the address:\n%s", res.StatusCode, body)
	}
	if l, m := a.stats(id)["links"], a.messageCount(); l != links || m != messages {
		t.Errorf("links %v → %v, messages %d → %d: want nothing written", links, l, messages, m)
	}
}
