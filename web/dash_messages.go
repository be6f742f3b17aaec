package web

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/go-chi/chi/v5"

	"github.com/sillage/sillage/campaign"
	"github.com/sillage/sillage/campaign/app"
	"github.com/sillage/sillage/campaign/i18n"
	"github.com/sillage/sillage/gating/publicurl"
	"github.com/sillage/sillage/notify"
	"github.com/sillage/sillage/web/internal/httpx"
)

// dashMessagesRoutes adds the routes of a campaign's message templates
// and contacts pages (web/dash_messages_contacts.go), both reached from
// its seeding page.
func (s *Server) dashMessagesRoutes(r chi.Router) {
	r.Get("/campaigns/{id}/templates", s.handleDashTemplates)
	r.Get("/campaigns/{id}/templates/{channel}/{language}", s.handleDashTemplate)
	r.Post("/campaigns/{id}/templates/{channel}/{language}", s.handleDashTemplateSave)
	r.Get("/campaigns/{id}/templates/{channel}/{language}/preview", s.handleDashTemplateHTML)
	r.Post("/campaigns/{id}/templates/{channel}/{language}/preview", s.handleDashTemplateHTML)
	r.Get("/campaigns/{id}/templates/{channel}/{language}/reset", s.handleDashTemplateResetConfirm)
	r.Post("/campaigns/{id}/templates/{channel}/{language}/reset", s.handleDashTemplateReset)
	r.Get("/campaigns/{id}/contacts", s.handleDashContacts)
	r.Get("/campaigns/{id}/contacts/{contact}/export", s.handleDashContactExport)
	r.Get("/campaigns/{id}/contacts/{contact}/erase", s.handleDashContactEraseConfirm)
	r.Post("/campaigns/{id}/contacts/{contact}/erase", s.handleDashContactErase)
}

// Errors of the message templates and contacts pages.
var (
	errNoTemplate      = errors.New("no such message template")
	errNoContact       = errors.New("no such contact in this campaign")
	errTemplateTooLong = errors.New("template form too large")
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

// emailPreviewPolicy lets the preview of an email show the inline styles
// emails are written with, and nothing else: the sandbox runs no script
// and gives the page an origin of its own, away from the dashboard's.
const emailPreviewPolicy = "sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; " +
	"form-action 'none'; frame-ancestors 'none'; base-uri 'none'"

// templatesPage lists a campaign's message templates.
type templatesPage struct {
	dashPage
	ID   campaign.ID
	Rows []templateRow
}

// templateRow is one channel in one language in the list.
type templateRow struct {
	Href     string
	Channel  string
	Language string
	Default  bool
	Summary  string // the subject, or the text's first line, as written
}

// templatePage is the editor of one message template.
type templatePage struct {
	dashPage
	ID        campaign.ID
	Base      string // the template's address, /campaigns/{id}/templates/{channel}/{language}
	Channel   string
	TextLabel string
	Default   bool // the stored wording is the default one
	Form      templateForm
	Field     string // the field the error is about, or empty
	Error     string // nothing was saved: why
	Notice    string // what was just done
	Preview   *templatePreview
	Draft     bool // the preview shows the form's wording, not the stored one
}

// ErrorFor returns the error when it is about field, else "".
func (p templatePage) ErrorFor(field string) string {
	if p.Field == field {
		return p.Error
	}
	return ""
}

// templatePreview is a template rendered on sample data by notify, as a
// message would be.
type templatePreview struct {
	Subject   string
	Text      string
	HTML      bool // an HTML part, opened in its own tab
	Variables string
	Segments  string // an SMS's length and segments
}

// templateForm is the editor's form as typed. Variables holds a WhatsApp
// template's variables, one "name = value" a line.
type templateForm struct {
	Subject    string
	Text       string
	HTML       string
	ContentSID string
	Variables  string
}

// resetPage asks before a template goes back to the default.
type resetPage struct {
	dashPage
	ID       campaign.ID
	Base     string
	Question string
	Error    string
}

// handleDashTemplates answers GET /campaigns/{id}/templates: every channel
// in every language, default or the campaign's own.
func (s *Server) handleDashTemplates(w http.ResponseWriter, r *http.Request) {
	c, ok := s.dashCampaign(w, r)
	if !ok {
		return
	}
	t := dashLang(r)
	p := templatesPage{dashPage: s.campaignPage(r, t, t.T("dashboard.messages.templates_title"), c.ID, "seeding"), ID: c.ID}
	for _, ch := range notify.Channels {
		for _, lang := range notify.Languages {
			tpl, err := s.notify.Template(r.Context(), int64(c.ID), ch, lang)
			if err != nil {
				s.dashError(w, r, err)
				return
			}
			summary := strings.TrimSpace(tpl.Subject)
			if ch != notify.Email {
				summary, _, _ = strings.Cut(strings.TrimSpace(tpl.Text), "\n")
			}
			if utf8.RuneCountInString(summary) > 80 {
				summary = string([]rune(summary)[:79]) + "…"
			}
			p.Rows = append(p.Rows, templateRow{Href: templateBase(c.ID, ch, lang),
				Channel: word(t, "dashboard.seed.channels."+string(ch)), Language: langName(t, lang), Default: tpl.Default, Summary: summary})
		}
	}
	s.pages.Render(w, http.StatusOK, "dash_messages.html", p)
}

// handleDashTemplate answers GET /campaigns/{id}/templates/{channel}/{language}:
// the editor, with a preview of the stored wording.
func (s *Server) handleDashTemplate(w http.ResponseWriter, r *http.Request) {
	p, c, stored, ok := s.templateEditor(w, r)
	if !ok {
		return
	}
	t := p.L
	switch q := r.URL.Query(); {
	case q.Get("saved") != "":
		p.Notice = t.T("dashboard.messages.saved")
	case q.Get("reset") != "":
		p.Notice = t.T("dashboard.messages.reset_done")
	}
	var err error
	if p.Preview, err = s.renderPreview(r.Context(), t, c, stored); err != nil {
		// A wording stored before a newer notify's rules: shown with
		// why it no longer renders, beside its field.
		if _, ok := showRefusal(&p, err); !ok {
			s.dashError(w, r, err)
			return
		}
	}
	s.pages.Render(w, http.StatusOK, "dash_messages_template.html", p)
}

// handleDashTemplateSave answers POST /campaigns/{id}/templates/{channel}/{language}:
// the API's PUT of the wording (action=save), or a preview of the form's
// wording that saves nothing (action=preview). notify's refusals are shown
// beside their field, with nothing saved.
func (s *Server) handleDashTemplateSave(w http.ResponseWriter, r *http.Request) {
	p, c, stored, ok := s.templateEditor(w, r)
	if !ok {
		return
	}
	t := p.L
	tpl, err := s.templateForm(w, r, t, stored.Channel, stored.Language, &p.Form)
	if err != nil {
		s.templateError(w, r, p, err)
		return
	}
	if r.PostForm.Get("action") == "preview" {
		if p.Preview, err = s.renderPreview(r.Context(), t, c, tpl); err != nil {
			s.templateError(w, r, p, err)
			return
		}
		p.Draft = true
		s.pages.Render(w, http.StatusOK, "dash_messages_template.html", p)
		return
	}
	if err := s.notify.SetTemplate(r.Context(), int64(c.ID), tpl); err != nil {
		s.templateError(w, r, p, err)
		return
	}
	http.Redirect(w, r, p.Base+"?saved=1", http.StatusSeeOther)
}

// handleDashTemplateHTML answers GET .../preview of an email template,
// its HTML part rendered on sample data, and POST .../preview, the HTML
// part of the form's wording, unsaved: alone in a tab, since a dashboard
// page cannot hold an email's inline styles. The page is sandboxed.
func (s *Server) handleDashTemplateHTML(w http.ResponseWriter, r *http.Request) {
	c, ch, lang, ok := s.dashTemplateRoute(w, r)
	if !ok {
		return
	}
	if ch != notify.Email {
		s.dashError(w, r, errNoTemplate)
		return
	}
	t := dashLang(r)
	var tpl notify.Template
	var err error
	if r.Method == http.MethodPost {
		tpl, err = s.templateForm(w, r, t, ch, lang, &templateForm{})
	} else {
		tpl, err = s.notify.Template(r.Context(), int64(c.ID), ch, lang)
	}
	var out notify.Rendered
	if err == nil {
		out, err = tpl.Render(r.Context(), s.sampleData(t, c, ch))
	}
	if err != nil {
		s.dashError(w, r, err)
		return
	}
	h := w.Header()
	h.Set("Content-Security-Policy", emailPreviewPolicy)
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "private, no-store")
	w.Write([]byte(out.HTML))
}

// handleDashTemplateResetConfirm answers GET .../reset: the question
// before the campaign's own wording is deleted.
func (s *Server) handleDashTemplateResetConfirm(w http.ResponseWriter, r *http.Request) {
	c, ch, lang, ok := s.dashTemplateRoute(w, r)
	if !ok {
		return
	}
	s.pages.Render(w, http.StatusOK, "dash_messages_reset.html", s.resetPage(r, c, ch, lang))
}

// handleDashTemplateReset answers POST .../reset (confirm=1): the API's
// DELETE of the template; the default wording applies again.
func (s *Server) handleDashTemplateReset(w http.ResponseWriter, r *http.Request) {
	c, ch, lang, ok := s.dashTemplateRoute(w, r)
	if !ok {
		return
	}
	p := s.resetPage(r, c, ch, lang)
	if dashForm(w, r).Get("confirm") != "1" {
		p.Error = p.L.T("dashboard.messages.reset_needs")
		s.pages.Render(w, http.StatusUnprocessableEntity, "dash_messages_reset.html", p)
		return
	}
	if err := s.notify.ResetTemplate(r.Context(), int64(c.ID), ch, lang); err != nil {
		s.dashError(w, r, err)
		return
	}
	http.Redirect(w, r, p.Base+"?reset=1", http.StatusSeeOther)
}

// dashTemplateRoute loads the campaign and the channel and language of
// the route, or writes the error.
func (s *Server) dashTemplateRoute(w http.ResponseWriter, r *http.Request) (*campaign.Campaign, notify.Channel, string, bool) {
	c, ok := s.dashCampaign(w, r)
	if !ok {
		return nil, "", "", false
	}
	ch, lang, ok := app.TemplateKey(chi.URLParam(r, "channel"), chi.URLParam(r, "language"))
	if !ok {
		s.dashError(w, r, errNoTemplate)
		return nil, "", "", false
	}
	return c, ch, lang, true
}

func templateBase(id campaign.ID, ch notify.Channel, lang string) string {
	return fmt.Sprintf("/campaigns/%d/templates/%s/%s", id, ch, lang)
}

// templateTitle is "Email in French".
func templateTitle(t *i18n.Lang, ch notify.Channel, lang string) string {
	return t.T("dashboard.messages.template_title", word(t, "dashboard.seed.channels."+string(ch)), word(t, "dashboard.messages.languages."+lang))
}

func langName(t *i18n.Lang, lang string) string {
	if lang == "fr" {
		return t.T("dashboard.lang_fr")
	}
	return t.T("dashboard.lang_en")
}

// templatePage is the editor of c's template stored, its form filled with
// the stored wording.
// templateEditor finds the campaign and the stored template of the route,
// and the editor's page for them, or answers the request itself.
func (s *Server) templateEditor(w http.ResponseWriter, r *http.Request) (templatePage, *campaign.Campaign, notify.Template, bool) {
	c, ch, lang, ok := s.dashTemplateRoute(w, r)
	if !ok {
		return templatePage{}, nil, notify.Template{}, false
	}
	stored, err := s.notify.Template(r.Context(), int64(c.ID), ch, lang)
	if err != nil {
		s.dashError(w, r, err)
		return templatePage{}, nil, notify.Template{}, false
	}
	return s.templatePage(r, dashLang(r), c, stored), c, stored, true
}

func (s *Server) templatePage(r *http.Request, t *i18n.Lang, c *campaign.Campaign, stored notify.Template) templatePage {
	p := templatePage{
		dashPage: s.campaignPage(r, t, templateTitle(t, stored.Channel, stored.Language), c.ID, "seeding"), ID: c.ID,
		Base: templateBase(c.ID, stored.Channel, stored.Language), Channel: string(stored.Channel),
		TextLabel: word(t, "dashboard.messages.text."+string(stored.Channel)), Default: stored.Default,
		// A subject is one line: a text input drops its newlines anyway.
		Form: templateForm{Subject: strings.TrimSpace(stored.Subject), Text: stored.Text, HTML: stored.HTML, ContentSID: stored.ContentSID},
	}
	names := make([]string, 0, len(stored.ContentVariables))
	for k := range stored.ContentVariables {
		names = append(names, k)
	}
	slices.SortFunc(names, func(a, b string) int { // 2 before 10
		if len(a) != len(b) {
			return len(a) - len(b)
		}
		return strings.Compare(a, b)
	})
	for _, k := range names {
		p.Form.Variables += k + " = " + stored.ContentVariables[k] + "\n"
	}
	return p
}

func (s *Server) resetPage(r *http.Request, c *campaign.Campaign, ch notify.Channel, lang string) resetPage {
	t := dashLang(r)
	p := resetPage{dashPage: s.campaignPage(r, t, t.T("dashboard.messages.reset_title"), c.ID, "seeding"), ID: c.ID, Base: templateBase(c.ID, ch, lang),
		Question: t.T("dashboard.messages.reset_question", templateTitle(t, ch, lang))}
	return p
}

// templateForm reads the editor's form into form and returns the wording
// as the API's PUT would store it: only the parts channel ch uses. Its
// errors are errTemplateTooLong and *campaign.ValidationError.
func (s *Server) templateForm(w http.ResponseWriter, r *http.Request, t *i18n.Lang, ch notify.Channel, lang string, form *templateForm) (notify.Template, error) {
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
func (s *Server) templateError(w http.ResponseWriter, r *http.Request, p templatePage, err error) {
	status, ok := showRefusal(&p, err)
	if !ok {
		s.dashError(w, r, err)
		return
	}
	s.pages.Render(w, status, "dash_messages_template.html", p)
}

// showRefusal puts on p why notify refused its wording, in p's language
// and beside its field when it has one, and returns the status; false
// for an error the editor cannot show.
func showRefusal(p *templatePage, err error) (int, bool) {
	status, msg := dashStatus(err, p.L)
	var invalid *campaign.ValidationError
	switch {
	case errors.As(err, &invalid):
		p.Field, msg = formField(invalid), sayInvalid(p.L.Code(), "", invalid.Message, invalid.Format, invalid.Args)
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
func (s *Server) sampleData(t *i18n.Lang, c *campaign.Campaign, ch notify.Channel) notify.TemplateData {
	d := notify.TemplateData{Name: t.T("dashboard.messages.sample_name"), Link: s.linkURL(sampleToken), Campaign: c.Title,
		Teaser: c.Teaser.Title, TeaserText: c.Teaser.Description}
	if ch == notify.Email { // as in a send: only emails carry one
		d.Unsubscribe = publicurl.Unsubscribe(s.base, sampleUnsubscribe)
	}
	return d
}

// renderPreview renders tpl on sample data with notify's own rendering,
// under ctx (the request's). A wording that does not compile, or outgrows
// an output cap, is a *campaign.ValidationError.
func (s *Server) renderPreview(ctx context.Context, t *i18n.Lang, c *campaign.Campaign, tpl notify.Template) (*templatePreview, error) {
	out, err := tpl.Render(ctx, s.sampleData(t, c, tpl.Channel))
	if err != nil {
		return nil, err
	}
	p := &templatePreview{Subject: out.Subject, Text: out.Text, HTML: out.HTML != "", Variables: out.ContentVariables}
	if tpl.Channel == notify.SMS {
		p.Segments = t.T("dashboard.messages.segments", count(t, nCharacters, utf8.RuneCountInString(out.Text)), notify.SMSSegments(out.Text))
	}
	return p, nil
}
