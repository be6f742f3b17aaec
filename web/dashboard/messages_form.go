package dashboard

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/sillage/sillage/campaign"
	"github.com/sillage/sillage/campaign/i18n"
	"github.com/sillage/sillage/gating/publicurl"
	"github.com/sillage/sillage/notify"
	"github.com/sillage/sillage/web/internal/httpx"
)

// maxTemplateForm bounds the editor's form: notify takes an HTML part of
// up to 200,000 characters, which form encoding may triple.
const maxTemplateForm = 4 << 20

// Sample values of a preview, as long as real ones: a link token has 22
// characters, an unsubscribe token 49. They open nothing.
const (
	sampleToken       = "EXAMPLE0personal0link0"
	sampleUnsubscribe = "example0unsubscribe0token0.EXAMPLE0unsubscribe00"
)

// templateForm reads the editor's form into form and returns the wording
// as the API's PUT would store it: only the parts channel ch uses. Its
// errors are errTemplateTooLong and *campaign.ValidationError.
func (h *Handler) templateForm(w http.ResponseWriter, r *http.Request, t *i18n.Lang, ch notify.Channel, lang string, form *templateForm) (notify.Template, error) {
	r.Body = http.MaxBytesReader(w, r.Body, maxTemplateForm)
	if err := r.ParseForm(); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return notify.Template{}, errTemplateTooLong
		}
		return notify.Template{}, &campaign.ValidationError{Message: t.T("dashboard.messages.bad_form")}
	}
	// Browsers send a textarea's lines ended by CRLF: the wording keeps
	// the LF it was typed with, as the API would receive it.
	field := func(name string) string { return strings.ReplaceAll(r.PostForm.Get(name), "\r\n", "\n") }
	*form = templateForm{Text: field("text")}
	switch ch {
	case notify.Email:
		form.Subject, form.HTML = field("subject"), field("html")
	case notify.WhatsApp:
		form.ContentSID, form.Variables = strings.TrimSpace(field("content_sid")), field("content_variables")
	}
	in := httpx.TemplateInput{Subject: form.Subject, Text: form.Text, HTML: form.HTML, ContentSID: form.ContentSID}
	for _, line := range strings.Split(form.Variables, "\n") {
		if strings.TrimSpace(line) == "" {
			continue
		}
		k, v, ok := strings.Cut(line, "=")
		k = strings.TrimSpace(k)
		if _, dup := in.ContentVariables[k]; !ok || k == "" || dup {
			return notify.Template{}, &campaign.ValidationError{Field: "content_variables", Message: t.T("dashboard.messages.bad_variables")}
		}
		if in.ContentVariables == nil {
			in.ContentVariables = map[string]string{}
		}
		in.ContentVariables[k] = strings.TrimSpace(v)
	}
	return in.Template(ch, lang), nil
}

// templateError shows why the form's wording was refused, beside its
// field when it has one; nothing was saved.
func (h *Handler) templateError(w http.ResponseWriter, r *http.Request, p templatePage, err error) {
	status, ok := showRefusal(&p, err)
	if !ok {
		h.fail(w, r, err)
		return
	}
	h.pages.Render(w, status, "dash_messages_template.html", p)
}

// showRefusal puts on p why notify refused its wording, in p's language
// and beside its field when it has one, and returns the status; false
// for an error the editor cannot show.
func showRefusal(p *templatePage, err error) (int, bool) {
	status, msg := errorStatus(err, p.L)
	var invalid *campaign.ValidationError
	switch {
	case errors.As(err, &invalid):
		p.Field, msg = formField(invalid), p.L.SayInvalid("", invalid.Message, invalid.Format, invalid.Args)
		// The commonest mistake, said in the marketer's language rather
		// than text/template's.
		if _, rest, ok := strings.Cut(msg, "can't evaluate field "); ok {
			name, _, _ := strings.Cut(rest, " ")
			msg = p.L.T("dashboard.messages.not_placeholder", "{{."+name+"}}")
		}
	case !errors.Is(err, errTemplateTooLong):
		return status, false
	}
	p.Error, p.Preview = msg, nil
	return status, true
}

// formField returns the form field a notify refusal is about, "" for the
// wording as a whole. A placeholder that does not exist fails when notify
// runs the wording on sample data: it is reported for the "template",
// naming the part that ran (`executing "text"`).
func formField(e *campaign.ValidationError) string {
	f := e.Field
	if f == "template" {
		if _, rest, ok := strings.Cut(e.Message, `executing "`); ok {
			f, _, _ = strings.Cut(rest, `"`)
		}
	}
	if strings.HasPrefix(f, "content_variables") {
		return "content_variables"
	}
	switch f {
	case "subject", "text", "html", "content_sid":
		return f
	}
	return ""
}

// sampleData is what previews fill a template with: the campaign's
// teaser, a sample name, and links shaped like real ones.
func (h *Handler) sampleData(t *i18n.Lang, c *campaign.Campaign, ch notify.Channel) notify.TemplateData {
	d := notify.TemplateData{Name: t.T("dashboard.messages.sample_name"), Link: h.app.LinkURL(sampleToken), Campaign: c.Title,
		Teaser: c.Teaser.Title, TeaserText: c.Teaser.Description}
	if ch == notify.Email { // as in a send: only emails carry one
		d.Unsubscribe = publicurl.Unsubscribe(h.base, sampleUnsubscribe)
	}
	return d
}

// renderPreview renders tpl on sample data with notify's own rendering,
// under ctx (the request's). A wording that does not compile, or outgrows
// an output cap, is a *campaign.ValidationError.
func (h *Handler) renderPreview(ctx context.Context, t *i18n.Lang, c *campaign.Campaign, tpl notify.Template) (*templatePreview, error) {
	out, err := tpl.Render(ctx, h.sampleData(t, c, tpl.Channel))
	if err != nil {
		return nil, err
	}
	p := &templatePreview{Subject: out.Subject, Text: out.Text, HTML: out.HTML != "", Variables: out.ContentVariables}
	if tpl.Channel == notify.SMS {
		p.Segments = t.T("dashboard.messages.segments", count(t, nCharacters, utf8.RuneCountInString(out.Text)), notify.SMSSegments(out.Text))
	}
	return p, nil
}
