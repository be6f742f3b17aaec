package notify_test

import (
	"context"
	"errors"
	"runtime"
	"strings"
	"testing"

	"github.com/sillage/sillage/campaign"
	"github.com/sillage/sillage/notify"
)

// The wordings of issue 11 and their kin: each would make a render take
// seconds, gigabytes, or for ever. They are refused beside their field,
// naming the construct, before any of it runs.
var unboundedWordings = []struct {
	name  string
	tpl   notify.Template
	field string
	says  string
}{
	{"Range", sms("{{range 50000000}}{{end}}{{.Link}}"), "text", "{{range}} is not allowed"},
	{"NestedRangeHTML", email("{{.Link}}", "{{range 2000}}{{range 2000}}{{$.TeaserText}}{{end}}{{end}}{{.Link}}"), "html", "{{range}} is not allowed"},
	{"RangeInSubject", notify.Template{Channel: notify.Email, Language: "en", Subject: "{{range 9}}x{{end}}", Text: "{{.Link}}", HTML: "{{.Link}}"}, "subject", "{{range}}"},
	// fmt takes widths up to a million: a megabyte per placeholder.
	{"PrintfWidth", sms(`{{printf "%0999999d" 1}}{{.Link}}`), "text", "printf is not allowed"},
	{"Print", sms(`{{print .Link .Link}}`), "text", "print is not allowed"},
	{"RecursiveDefine", email(`{{define "x"}}{{template "x" .}}{{template "x" .}}{{end}}{{template "x" .}}{{.Link}}`, "{{.Link}}"), "text", "{{define}}, {{block}} and {{template}} are not allowed"},
	{"DefineInHTML", email("{{.Link}}", `{{define "x"}}{{.Link}}{{end}}{{.Link}}`), "html", "{{define}}"},
	{"Block", sms(`{{block "b" .}}{{.Link}}{{end}}`), "text", "{{define}}"},
	{"EscaperNested", sms(`{{.Link}}{{js (js (js .Name))}}`), "text", "js may only end a placeholder"},
	{"EscaperChained", sms(`{{.Link}}{{.Name | js | js}}`), "text", "js may only end a placeholder"},
	{"EscaperInWith", sms(`{{.Link}}{{with js .Name}}{{js .}}{{end}}`), "text", "js may only end a placeholder"},
	{"EscaperManyValues", sms(`{{.Link}}{{urlquery .Name .Name .Name}}`), "text", "urlquery may only end"},
	{"Variable", sms(`{{$x := .Name}}{{.Link}}`), "text", "{{$x := …}} is not allowed"},
	{"Call", sms(`{{call .Link}}{{.Link}}`), "text", "call is not allowed"},
	{"Index", sms(`{{index .Link 1}}{{.Link}}`), "text", "index is not allowed"},
	{"Slice", sms(`{{slice .Link 1}}{{.Link}}`), "text", "slice is not allowed"},
	{"RangeInVariable", notify.Template{Channel: notify.WhatsApp, Language: "en", ContentSID: "HX" + strings.Repeat("ab", 16),
		ContentVariables: map[string]string{"1": "{{range 50000000}}{{end}}"}}, "content_variables.1", "{{range}}"},
}

func sms(text string) notify.Template {
	return notify.Template{Channel: notify.SMS, Language: "en", Text: text}
}

func email(text, html string) notify.Template {
	return notify.Template{Channel: notify.Email, Language: "en", Subject: "Hello", Text: text, HTML: html}
}

func TestTemplateRefusesUnboundedWork(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	id := e.campaign(t, "en")
	for _, tc := range unboundedWordings {
		t.Run(tc.name, func(t *testing.T) {
			err := e.store.SetTemplate(ctx, id, tc.tpl)
			v, ok := errors.AsType[*campaign.ValidationError](err)
			if !ok || v.Field != tc.field || !strings.Contains(v.Message, tc.says) {
				t.Fatalf("SetTemplate = %v, want a validation error on %s saying %q", err, tc.field, tc.says)
			}
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			_, err = tc.tpl.Render(ctx, sampleData)
			runtime.ReadMemStats(&after)
			if !errors.As(err, &v) {
				t.Errorf("Render = %v, want the same refusal", err)
			}
			if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 1<<20 {
				t.Errorf("the refused render allocated %d bytes, want under 1 MiB", alloc)
			}
		})
	}
	if n := e.count(t, `SELECT COUNT(*) FROM campaign_templates`); n != 0 {
		t.Errorf("%d templates stored, want none", n)
	}
}

// What a marketer may write still works: conditions, defaults, one
// escaper ending a placeholder, the root's fields inside a {{with}}.
func TestTemplateAllowsBoundedWording(t *testing.T) {
	ctx := context.Background()
	for text, want := range map[string]string{
		`{{or .Name "friend"}}: {{.Link}}`:                                     "Alice: " + sampleData.Link,
		`{{if eq .Name ""}}Hi{{else}}Hi {{.Name}}{{end}} {{.Link}}`:            "Hi Alice " + sampleData.Link,
		`{{with .Name}}{{.}} {{$.Link}}{{end}}`:                                "Alice " + sampleData.Link,
		`{{.Link}}?t={{.Teaser | urlquery}}`:                                   sampleData.Link + "?t=Something+is+coming",
		`{{.Link}} {{urlquery .Name}} {{len .Name}}{{/* a note */}}`:           sampleData.Link + " Alice 5",
		`{{if and (gt (len .Name) 2) (not (eq .Name "Bob"))}}{{.Link}}{{end}}`: sampleData.Link,
	} {
		r, err := sms(text).Render(ctx, sampleData)
		if err != nil || r.Text != want {
			t.Errorf("Render(%q) = %q, %v; want %q", text, r.Text, err, want)
		}
	}
}

// A wording within the rules can still ask for more than a message
// carries, with long campaign texts: its rendering stops at the output
// cap with a refusal, having held little memory (18 MB without the cap).
func TestTemplateOutputCap(t *testing.T) {
	ctx := context.Background()
	tpl := email("{{.Link}}"+strings.Repeat("{{.TeaserText}}", 3_300), "{{.Link}}") // 49,509 characters: within the limit
	if _, err := tpl.Render(ctx, sampleData); err != nil {
		t.Fatalf("with short texts: %v", err) // 119 kB: under the cap
	}
	d := sampleData
	d.TeaserText = strings.Repeat("Only between friends. ", 45) // 990 characters: 3.3 MB in all
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	_, err := tpl.Render(ctx, d)
	runtime.ReadMemStats(&after)
	v, ok := errors.AsType[*campaign.ValidationError](err)
	if !ok || v.Field != "text" || !strings.Contains(v.Message, "renders to more than 131072 bytes") {
		t.Fatalf("Render = %v, want the text part refused at its output cap", err)
	}
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 4<<20 {
		t.Errorf("the refused render allocated %d bytes, want under 4 MiB", alloc)
	}
}

// A rendering stops as soon as the request or job that asked for it ends.
func TestTemplateRenderStopsWithContext(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	tpl, _ := notify.DefaultTemplate(notify.Email, "en")
	if _, err := tpl.Render(ctx, sampleData); !errors.Is(err, context.Canceled) {
		t.Fatalf("Render after the context ended = %v, want context.Canceled", err)
	}
}

// A wording stored before the rules (planted here straight in the
// database) is refused when a send renders it: the send fails at once
// with the refusal, and nothing is queued or minted.
func TestPlantedTemplateRefusedAtSend(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	id := e.campaign(t, "en")
	e.importCSV(t, id, "name,phone,language\nAda,+33612345678,en\n")
	_, err := e.db.Write.Exec(`INSERT INTO campaign_templates
		(campaign_id, channel, language, subject, body_text, body_html, content_sid, content_variables, updated_at)
		VALUES ($1, 'sms', 'en', '', '{{range 50000000}}{{end}}{{.Link}}', '', '', '', 0)`, id)
	if err != nil {
		t.Fatal(err)
	}
	m := &minter{}
	res, err := e.store.Seed(ctx, id, m.mint)
	if v, ok := errors.AsType[*campaign.ValidationError](err); !ok || v.Field != "text" || !strings.Contains(v.Message, "{{range}}") {
		t.Fatalf("Seed = %+v, %v; want the stored wording refused", res, err)
	}
	if res.Queued != 0 || m.n.Load() != 0 || e.count(t, `SELECT COUNT(*) FROM messages`) != 0 {
		t.Errorf("queued %d, minted %d: want nothing", res.Queued, m.n.Load())
	}
}
