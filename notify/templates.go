package notify

import (
	"context"
	"embed"
	"encoding/json"
	"errors"
	htmltemplate "html/template"
	"io/fs"
	"path"
	"regexp"
	"slices"
	"strings"
	texttemplate "text/template"
	"text/template/parse"
	"unicode/utf8"

	"github.com/sillage/sillage/campaign"
	"github.com/sillage/sillage/campaign/i18n"
)

// The default wordings are skeletons, one per channel and part, shared by
// the languages: their sentences come from campaign/i18n's catalogs
// ("message.*"), set in where a skeleton asks for them by key, so that
// every sentence of the product is in one catalog per language. What they
// build is the template the marketer sees in the editor and the one sent,
// byte for byte, as when each language had files of its own. A sentence
// is one key, except where the channel's form differs: the plain-text
// email wraps its lines by hand and ends a sentence with a colon before
// the link, so it has keys of its own ("message.email.text.*"); the SMS
// is one key, one line whose words and actions cannot be told apart.
//
//go:embed templates/*.tmpl
var skeletons embed.FS

// defaults holds the built default wordings, by "channel.lang.part".
var defaults = buildDefaults()

// buildDefaults sets the catalogs' sentences in every skeleton, in every
// language.
func buildDefaults() map[string]string {
	names, err := fs.Glob(skeletons, "templates/*.tmpl")
	if err != nil {
		panic(err)
	}
	out := make(map[string]string, len(names)*len(Languages))
	for _, name := range names {
		src, err := skeletons.ReadFile(name)
		if err != nil {
			panic(err)
		}
		// A sentence holds {{...}} of the message's own template: the
		// skeleton's actions are written [[...]].
		sk, err := texttemplate.New(name).Delims("[[", "]]").Option("missingkey=error").Parse(string(src))
		if err != nil {
			panic(err) // an embedded file of ours: the tests build them all
		}
		channel, part, _ := strings.Cut(strings.TrimSuffix(path.Base(name), ".tmpl"), ".")
		for _, lang := range Languages {
			var b strings.Builder
			if err := sk.Execute(&b, i18n.Get(lang)); err != nil {
				panic(err)
			}
			out[channel+"."+lang+"."+part] = b.String()
		}
	}
	return out
}

// Template is the wording of the messages of one channel in one language.
// Subject and HTML are for email; ContentSID and ContentVariables name an
// approved WhatsApp template, the only kind of message WhatsApp lets a
// business start a conversation with. Text is the email's plain part, the
// SMS, or the WhatsApp text (also kept in the outbox when a ContentSID is
// sent).
type Template struct {
	Channel          Channel           `json:"channel"`
	Language         string            `json:"language"`
	Subject          string            `json:"subject,omitempty"`
	Text             string            `json:"text"`
	HTML             string            `json:"html,omitempty"`
	ContentSID       string            `json:"content_sid,omitempty"`
	ContentVariables map[string]string `json:"content_variables,omitempty"` // variable -> template, such as "1": "{{.Name}}"
	Default          bool              `json:"default"`                     // the embedded default, not the campaign's own
}

// TemplateData is what a template may use.
type TemplateData struct {
	Name        string // the contact's name; may be empty
	Link        string // the personal link
	Campaign    string // the campaign's title
	Teaser      string // the teaser's title, public
	TeaserText  string // the teaser's description, public
	Unsubscribe string // the unsubscribe link (email)
}

// Rendered is a message's content, ready to queue.
type Rendered struct {
	Subject          string
	Text             string
	HTML             string
	ContentSID       string
	ContentVariables string // JSON object, as Twilio takes it
}

// defaultContentVariables fill an approved WhatsApp template when the
// marketer names a ContentSID without saying what goes in it.
var defaultContentVariables = map[string]string{"1": "{{.Name}}", "2": "{{.Link}}"}

// DefaultTemplate returns the embedded wording of channel in lang (fr or
// en), or a *campaign.ValidationError.
func DefaultTemplate(ch Channel, lang string) (Template, error) {
	if _, err := ParseChannel(string(ch)); err != nil {
		return Template{}, err
	}
	if !slices.Contains(Languages, lang) {
		return Template{}, campaign.Invalid("language", "must be fr or en")
	}
	read := func(part string) string { return defaults[string(ch)+"."+lang+"."+part] }
	t := Template{Channel: ch, Language: lang, Text: read("txt"), Default: true}
	if ch == Email {
		t.Subject, t.HTML = read("subject"), read("html")
	}
	return t, nil
}

// compiled is a Template parsed once, for many messages.
type compiled struct {
	t       Template
	subject *texttemplate.Template
	text    *texttemplate.Template
	html    *htmltemplate.Template
	vars    map[string]*texttemplate.Template
	textCap int // the output cap of the text part, which depends on the channel
}

var contentSID = regexp.MustCompile(`^HX[0-9a-fA-F]{32}$`)

// compile checks and parses t, then runs it once on sample data under
// ctx. Its errors are *campaign.ValidationError, or ctx's error.
func compile(ctx context.Context, t Template) (*compiled, error) {
	if _, err := ParseChannel(string(t.Channel)); err != nil {
		return nil, err
	}
	if !slices.Contains(Languages, t.Language) {
		return nil, campaign.Invalid("language", "must be fr or en")
	}
	c := &compiled{t: t}
	var err error
	switch t.Channel {
	case Email:
		err = c.parseEmail()
	case SMS:
		if strings.TrimSpace(t.Text) == "" {
			return nil, campaign.Invalid("text", "an SMS needs a text")
		}
		c.text, err = parseText("text", t.Text, 1600)
		c.textCap = capSMS
	case WhatsApp:
		err = c.parseWhatsApp()
	}
	if err != nil {
		return nil, err
	}
	if err := c.trySample(ctx); err != nil {
		return nil, err
	}
	return c, nil
}

// parseEmail parses an email's subject, text and HTML parts.
func (c *compiled) parseEmail() error {
	t := c.t
	if strings.TrimSpace(t.Subject) == "" || strings.TrimSpace(t.Text) == "" || strings.TrimSpace(t.HTML) == "" {
		return campaign.Invalid("template", "an email needs a subject, a text part and an HTML part")
	}
	var err error
	if c.subject, err = parseText("subject", t.Subject, 300); err != nil {
		return err
	}
	if c.text, err = parseText("text", t.Text, 50_000); err != nil {
		return err
	}
	c.textCap = capText
	if utf8.RuneCountInString(t.HTML) > 200_000 {
		return campaign.Invalid("html", "is longer than %d characters", 200000)
	}
	if c.html, err = htmltemplate.New("html").Parse(t.HTML); err != nil {
		return campaign.Invalid("html", "%v", err)
	}
	var trees []*parse.Tree
	for _, d := range c.html.Templates() {
		trees = append(trees, d.Tree)
	}
	return checkTrees("html", trees)
}

// parseWhatsApp parses a WhatsApp text and the variables of its approved
// template, if it names one. A variable's name or count is refused before
// the text's error is told.
func (c *compiled) parseWhatsApp() error {
	t := c.t
	if t.ContentSID == "" && strings.TrimSpace(t.Text) == "" {
		return campaign.Invalid("text", "a WhatsApp message needs a text or an approved template (content_sid)")
	}
	if t.ContentSID != "" && !contentSID.MatchString(t.ContentSID) {
		return campaign.Invalid("content_sid", "must be a Twilio Content SID: HX and 32 hexadecimal digits")
	}
	var textErr error
	c.text, textErr = parseText("text", t.Text, 4096)
	c.textCap = capWhatsApp
	if t.ContentSID == "" {
		return textErr
	}
	vars := t.ContentVariables
	if len(vars) == 0 {
		vars = defaultContentVariables
	}
	if len(vars) > 100 {
		return campaign.Invalid("content_variables", "must be at most %d", 100)
	}
	for k := range vars {
		if k == "" || len(k) > 40 {
			return campaign.Invalid("content_variables", "variable names must have 1 to 40 characters")
		}
	}
	if textErr != nil {
		return textErr
	}
	c.vars = make(map[string]*texttemplate.Template, len(vars))
	for k, v := range vars {
		var err error
		if c.vars[k], err = parseText("content_variables."+k, v, 1024); err != nil {
			return err
		}
	}
	return nil
}

// parseText parses src, the part field of a message, of at most max
// characters, and checks what it uses.
func parseText(field, src string, max int) (*texttemplate.Template, error) {
	if utf8.RuneCountInString(src) > max {
		return nil, campaign.Invalid(field, "is longer than %d characters", max)
	}
	p, err := texttemplate.New(field).Option("missingkey=error").Parse(src)
	if err != nil {
		return nil, campaign.Invalid(field, "%v", err)
	}
	var trees []*parse.Tree
	for _, d := range p.Templates() {
		trees = append(trees, d.Tree)
	}
	return p, checkTrees(field, trees)
}

// trySample runs c once on sample data: a typo in a field name, or a
// wording that forgets the link, shows now and not at send time.
func (c *compiled) trySample(ctx context.Context) error {
	t := c.t
	sample := TemplateData{Name: "Alice", Link: "https://example.com/s/SAMPLE-LINK", Campaign: "Campaign",
		Teaser: "Teaser", TeaserText: "Teaser text", Unsubscribe: "https://example.com/u/SAMPLE"}
	r, err := c.render(ctx, sample)
	if _, ok := errors.AsType[*campaign.ValidationError](err); ok || ctx.Err() != nil {
		return err
	}
	if err != nil {
		return campaign.Invalid("template", "%v", err)
	}
	if t.ContentSID == "" && !strings.Contains(r.Text, sample.Link) {
		return campaign.Invalid("text", "must contain the personal link: {{.Link}}")
	}
	if t.Channel == Email && !strings.Contains(r.HTML, sample.Link) {
		return campaign.Invalid("html", "must contain the personal link: {{.Link}}")
	}
	// The subject outlives the send (bodies are blanked, it is not): it
	// must not carry the link.
	if strings.Contains(r.Subject, sample.Link) {
		return campaign.Invalid("subject", "must not contain the personal link: the subject is kept after sending, the link is not")
	}
	return nil
}

// render fills the template with d, within renderTimeout and under ctx.
// A part that outgrows its output cap or the deadline is a
// *campaign.ValidationError; ctx's end is its error.
func (c *compiled) render(ctx context.Context, d TemplateData) (Rendered, error) {
	ctx, cancel := context.WithTimeoutCause(ctx, renderTimeout, errRenderSlow)
	defer cancel()
	r := Rendered{ContentSID: c.t.ContentSID}
	var err error
	if c.subject != nil {
		if r.Subject, err = execText(ctx, c.subject, capSubject, d); err != nil {
			return r, err
		}
		r.Subject = strings.Join(strings.Fields(r.Subject), " ") // one line: it is a header
	}
	if c.t.Channel == SMS {
		r.Text, err = fitSMS(func(d TemplateData) (string, error) { return execText(ctx, c.text, c.textCap, d) }, d)
	} else if c.text != nil {
		r.Text, err = execText(ctx, c.text, c.textCap, d)
	}
	if err != nil {
		return r, err
	}
	if c.html != nil {
		out := &output{ctx: ctx, max: capHTML}
		if err := c.html.Execute(out, d); err != nil {
			return r, renderError(ctx, "html", capHTML, err)
		}
		r.HTML = out.b.String()
	}
	if c.vars != nil {
		vals := make(map[string]string, len(c.vars))
		for k, t := range c.vars {
			if vals[k], err = execText(ctx, t, capVariable, d); err != nil {
				return r, err
			}
		}
		b, _ := json.Marshal(vals)
		r.ContentVariables = string(b)
	}
	return r, nil
}

// Render fills t with d, as a message would be: a preview for the editor.
// It stops when ctx ends (with ctx's error). A template that does not
// compile, or whose rendering outgrows its output cap or deadline, is a
// *campaign.ValidationError.
func (t Template) Render(ctx context.Context, d TemplateData) (Rendered, error) {
	c, err := compile(ctx, t)
	if err != nil {
		return Rendered{}, err
	}
	return c.render(ctx, d)
}

// execText renders t (named for its field) into at most max bytes.
func execText(ctx context.Context, t *texttemplate.Template, max int, d TemplateData) (string, error) {
	out := &output{ctx: ctx, max: max}
	if err := t.Execute(out, d); err != nil {
		return "", renderError(ctx, t.Name(), max, err)
	}
	return strings.TrimSpace(out.b.String()), nil
}
