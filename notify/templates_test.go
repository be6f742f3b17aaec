package notify_test

import (
	"context"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sillage/sillage/campaign"
	"github.com/sillage/sillage/notify"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

var sampleData = notify.TemplateData{
	Name:        "Alice",
	Link:        "https://share.example.com/s/3q2-kX9vT0bLmN4pQr7sWw",
	Campaign:    "Clip launch",
	Teaser:      "Something is coming",
	TeaserText:  "Only between friends, for four days.",
	Unsubscribe: "https://share.example.com/u/abc.def",
}

// TestDefaultTemplatesGolden renders every default and compares it with
// testdata/CHANNEL.LANG.golden; go test -run Golden -update rewrites them.
func TestDefaultTemplatesGolden(t *testing.T) {
	for _, ch := range notify.Channels {
		for _, lang := range notify.Languages {
			name := string(ch) + "." + lang
			t.Run(name, func(t *testing.T) {
				tpl, err := notify.DefaultTemplate(ch, lang)
				if err != nil {
					t.Fatal(err)
				}
				r, err := tpl.Render(context.Background(), sampleData)
				if err != nil {
					t.Fatal(err)
				}
				var b strings.Builder
				if r.Subject != "" {
					b.WriteString("Subject: " + r.Subject + "\n\n")
				}
				b.WriteString(r.Text + "\n")
				if r.HTML != "" {
					b.WriteString("\n---- HTML ----\n" + r.HTML)
				}
				got := b.String()
				path := filepath.Join("testdata", name+".golden")
				if *update {
					if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
						t.Fatal(err)
					}
				}
				want, err := os.ReadFile(path)
				if err != nil {
					t.Fatalf("%v (run go test -update to create it)", err)
				}
				if got != string(want) {
					t.Errorf("rendered %s differs from %s:\n%s", name, path, got)
				}
				if ch == notify.SMS {
					if n := notify.SMSSegments(r.Text); n != 1 {
						t.Errorf("default SMS takes %d segments, want 1: %q", n, r.Text)
					}
				}
			})
		}
	}
}

func TestTemplateEscapesHTML(t *testing.T) {
	tpl, _ := notify.DefaultTemplate(notify.Email, "en")
	d := sampleData
	d.Name = `<script>alert("x")</script>`
	d.TeaserText = `Tom & Jerry's "<b>bold</b>"`
	d.Link = `javascript:alert(1)`
	r, err := tpl.Render(context.Background(), d)
	if err != nil {
		t.Fatal(err)
	}
	for _, bad := range []string{"<script>", "<b>bold", `href="javascript:`} {
		if strings.Contains(r.HTML, bad) {
			t.Errorf("HTML part contains %q unescaped", bad)
		}
	}
	for _, want := range []string{"&lt;script&gt;", "Tom &amp; Jerry", "#ZgotmplZ"} {
		if !strings.Contains(r.HTML, want) {
			t.Errorf("HTML part lacks %q", want)
		}
	}
	if !strings.Contains(r.Text, `<script>alert("x")</script>`) {
		t.Errorf("the text part must stay plain text, got %q", r.Text)
	}
}

func TestSMSFitsSegments(t *testing.T) {
	tpl, _ := notify.DefaultTemplate(notify.SMS, "fr")
	long := strings.Repeat("Un teaser bien trop long pour un SMS ", 10)
	for name, tc := range map[string]struct {
		data     func(d *notify.TemplateData)
		segments int
		keep     string // must stay whole
	}{
		"LongTeaserShortened": {func(d *notify.TemplateData) { d.Teaser = long }, 1, "..."},
		"LongNameShortened":   {func(d *notify.TemplateData) { d.Name, d.Teaser = long, "" }, 1, ""},
		"LongLinkTwoSegments": {func(d *notify.TemplateData) { d.Link = "https://share.example.com/s/" + strings.Repeat("x", 130) }, 2, ""},
		"EmojiUCS2":           {func(d *notify.TemplateData) { d.Teaser = "Ça arrive 🎬 " + long }, 1, "..."},
	} {
		t.Run(name, func(t *testing.T) {
			d := sampleData
			tc.data(&d)
			r, err := tpl.Render(context.Background(), d)
			if err != nil {
				t.Fatal(err)
			}
			if n := notify.SMSSegments(r.Text); n != tc.segments {
				t.Errorf("%d segments, want %d: %q", n, tc.segments, r.Text)
			}
			if !strings.Contains(r.Text, d.Link) {
				t.Errorf("the link was cut: %q", r.Text)
			}
			if !strings.Contains(r.Text, tc.keep) {
				t.Errorf("%q lacks %q", r.Text, tc.keep)
			}
		})
	}
}

func TestSMSSegments(t *testing.T) {
	for _, tc := range []struct {
		text string
		want int
	}{
		{strings.Repeat("a", 160), 1},
		{strings.Repeat("a", 161), 2},
		{strings.Repeat("é", 160), 1},      // é is GSM-7
		{strings.Repeat("€", 80), 1},       // extension: two septets each
		{strings.Repeat("€", 81), 2},       //
		{strings.Repeat("a", 70) + "ê", 2}, // ê is not: UCS-2, 70 per segment
		{strings.Repeat("a", 69) + "ê", 1}, //
		{strings.Repeat("a", 305) + "", 2}, // 2 × 153
		{strings.Repeat("a", 307), 3},      //
		{"🎬" + strings.Repeat("a", 68), 1}, // a surrogate pair counts two
		{"🎬" + strings.Repeat("a", 69), 2}, //
		{"", 1},                            //
		{"Ça coûte 5 €", 1},                //
	} {
		if got := notify.SMSSegments(tc.text); got != tc.want {
			t.Errorf("SMSSegments(%d runes %.12q…) = %d, want %d", len([]rune(tc.text)), tc.text, got, tc.want)
		}
	}
}

func TestSetTemplate(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	id := e.campaign(t, "fr")
	for name, tc := range map[string]struct {
		tpl   notify.Template
		field string
	}{
		"NoLink":        {notify.Template{Channel: notify.SMS, Language: "fr", Text: "Bonjour {{.Name}}"}, "text"},
		"UnknownField":  {notify.Template{Channel: notify.SMS, Language: "fr", Text: "{{.Nom}} {{.Link}}"}, "template"},
		"BadSyntax":     {notify.Template{Channel: notify.SMS, Language: "fr", Text: "{{.Link"}, "text"},
		"EmailNoHTML":   {notify.Template{Channel: notify.Email, Language: "en", Subject: "Hi", Text: "{{.Link}}"}, "template"},
		"HTMLNoLink":    {notify.Template{Channel: notify.Email, Language: "en", Subject: "Hi", Text: "{{.Link}}", HTML: "<p>hi</p>"}, "html"},
		"BadContentSID": {notify.Template{Channel: notify.WhatsApp, Language: "en", ContentSID: "HX123"}, "content_sid"},
		"BadLanguage":   {notify.Template{Channel: notify.SMS, Language: "de", Text: "{{.Link}}"}, "language"},
	} {
		t.Run(name, func(t *testing.T) {
			err := e.store.SetTemplate(ctx, id, tc.tpl)
			var v *campaign.ValidationError
			if !errors.As(err, &v) || v.Field != tc.field {
				t.Fatalf("SetTemplate = %v, want a validation error on %s", err, tc.field)
			}
		})
	}
	t.Run("OverrideThenReset", func(t *testing.T) {
		own := notify.Template{Channel: notify.SMS, Language: "fr", Text: "{{.Name}}, voici : {{.Link}}"}
		if err := e.store.SetTemplate(ctx, id, own); err != nil {
			t.Fatal(err)
		}
		got, err := e.store.Template(ctx, id, notify.SMS, "fr")
		if err != nil || got.Default || got.Text != own.Text {
			t.Fatalf("Template = %+v, %v; want the campaign's own", got, err)
		}
		if err := e.store.ResetTemplate(ctx, id, notify.SMS, "fr"); err != nil {
			t.Fatal(err)
		}
		if got, _ := e.store.Template(ctx, id, notify.SMS, "fr"); !got.Default {
			t.Fatalf("after reset, Template = %+v, want the default", got)
		}
	})
	t.Run("WhatsAppContentVariables", func(t *testing.T) {
		own := notify.Template{Channel: notify.WhatsApp, Language: "en", ContentSID: "HX" + strings.Repeat("ab", 16),
			ContentVariables: map[string]string{"1": "{{.Name}}", "2": "{{.Link}}", "3": "{{.Teaser}}"}}
		if err := e.store.SetTemplate(ctx, id, own); err != nil {
			t.Fatal(err)
		}
		got, _ := e.store.Template(ctx, id, notify.WhatsApp, "en")
		r, err := got.Render(ctx, sampleData)
		if err != nil {
			t.Fatal(err)
		}
		want := `{"1":"Alice","2":"` + sampleData.Link + `","3":"Something is coming"}`
		if r.ContentSID != own.ContentSID || r.ContentVariables != want {
			t.Fatalf("rendered %q %q, want %q", r.ContentSID, r.ContentVariables, want)
		}
	})
}
