package dashboard

import (
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
	"github.com/sillage/sillage/notify"
)

// Errors of the message templates and contacts pages.
var (
	errNoTemplate      = errors.New("no such message template")
	errNoContact       = errors.New("no such contact in this campaign")
	errTemplateTooLong = errors.New("template form too large")
)

// emailPreviewPolicy lets the preview of an email show the inline styles
// emails are written with, and nothing else: the sandbox runs no script
// and gives the page an origin of its own, away from the dashboard's.
const emailPreviewPolicy = "sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; " +
	"form-action 'none'; frame-ancestors 'none'; base-uri 'none'"

// templatesPage lists a campaign's message templates.
type templatesPage struct {
	frame
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
	frame
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
	frame
	ID       campaign.ID
	Base     string
	Question string
	Error    string
}

// handleTemplates answers GET /campaigns/{id}/templates: every channel
// in every language, default or the campaign's own.
func (h *Handler) handleTemplates(w http.ResponseWriter, r *http.Request) {
	c, ok := h.campaignOf(w, r)
	if !ok {
		return
	}
	t := langOf(r)
	p := templatesPage{frame: h.campaignPage(r, t, t.T("dashboard.messages.templates_title"), c.ID, "seeding"), ID: c.ID}
	for _, ch := range notify.Channels {
		for _, lang := range notify.Languages {
			tpl, err := h.notify.Template(r.Context(), int64(c.ID), ch, lang)
			if err != nil {
				h.fail(w, r, err)
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
	h.pages.Render(w, http.StatusOK, "dash_messages.html", p)
}

// handleTemplate answers GET /campaigns/{id}/templates/{channel}/{language}:
// the editor, with a preview of the stored wording.
func (h *Handler) handleTemplate(w http.ResponseWriter, r *http.Request) {
	p, c, stored, ok := h.templateEditor(w, r)
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
	if p.Preview, err = h.renderPreview(r.Context(), t, c, stored); err != nil {
		// A wording stored before a newer notify's rules: shown with
		// why it no longer renders, beside its field.
		if _, ok := showRefusal(&p, err); !ok {
			h.fail(w, r, err)
			return
		}
	}
	h.pages.Render(w, http.StatusOK, "dash_messages_template.html", p)
}

// handleTemplateSave answers POST /campaigns/{id}/templates/{channel}/{language}:
// the API's PUT of the wording (action=save), or a preview of the form's
// wording that saves nothing (action=preview). notify's refusals are shown
// beside their field, with nothing saved.
func (h *Handler) handleTemplateSave(w http.ResponseWriter, r *http.Request) {
	p, c, stored, ok := h.templateEditor(w, r)
	if !ok {
		return
	}
	t := p.L
	tpl, err := h.templateForm(w, r, t, stored.Channel, stored.Language, &p.Form)
	if err != nil {
		h.templateError(w, r, p, err)
		return
	}
	if r.PostForm.Get("action") == "preview" {
		if p.Preview, err = h.renderPreview(r.Context(), t, c, tpl); err != nil {
			h.templateError(w, r, p, err)
			return
		}
		p.Draft = true
		h.pages.Render(w, http.StatusOK, "dash_messages_template.html", p)
		return
	}
	if err := h.notify.SetTemplate(r.Context(), int64(c.ID), tpl); err != nil {
		h.templateError(w, r, p, err)
		return
	}
	http.Redirect(w, r, p.Base+"?saved=1", http.StatusSeeOther)
}

// handleTemplateHTML answers GET .../preview of an email template,
// its HTML part rendered on sample data, and POST .../preview, the HTML
// part of the form's wording, unsaved: alone in a tab, since a dashboard
// page cannot hold an email's inline styles. The page is sandboxed.
func (h *Handler) handleTemplateHTML(w http.ResponseWriter, r *http.Request) {
	c, ch, lang, ok := h.templateRoute(w, r)
	if !ok {
		return
	}
	if ch != notify.Email {
		h.fail(w, r, errNoTemplate)
		return
	}
	t := langOf(r)
	var tpl notify.Template
	var err error
	if r.Method == http.MethodPost {
		tpl, err = h.templateForm(w, r, t, ch, lang, &templateForm{})
	} else {
		tpl, err = h.notify.Template(r.Context(), int64(c.ID), ch, lang)
	}
	var out notify.Rendered
	if err == nil {
		out, err = tpl.Render(r.Context(), h.sampleData(t, c, ch))
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	hdr := w.Header()
	hdr.Set("Content-Security-Policy", emailPreviewPolicy)
	hdr.Set("Content-Type", "text/html; charset=utf-8")
	hdr.Set("Cache-Control", "private, no-store")
	w.Write([]byte(out.HTML))
}

// handleTemplateResetConfirm answers GET .../reset: the question
// before the campaign's own wording is deleted.
func (h *Handler) handleTemplateResetConfirm(w http.ResponseWriter, r *http.Request) {
	c, ch, lang, ok := h.templateRoute(w, r)
	if !ok {
		return
	}
	h.pages.Render(w, http.StatusOK, "dash_messages_reset.html", h.resetPage(r, c, ch, lang))
}

// handleTemplateReset answers POST .../reset (confirm=1): the API's
// DELETE of the template; the default wording applies again.
func (h *Handler) handleTemplateReset(w http.ResponseWriter, r *http.Request) {
	c, ch, lang, ok := h.templateRoute(w, r)
	if !ok {
		return
	}
	p := h.resetPage(r, c, ch, lang)
	if readForm(w, r).Get("confirm") != "1" {
		p.Error = p.L.T("dashboard.messages.reset_needs")
		h.pages.Render(w, http.StatusUnprocessableEntity, "dash_messages_reset.html", p)
		return
	}
	if err := h.notify.ResetTemplate(r.Context(), int64(c.ID), ch, lang); err != nil {
		h.fail(w, r, err)
		return
	}
	http.Redirect(w, r, p.Base+"?reset=1", http.StatusSeeOther)
}

// templateRoute loads the campaign and the channel and language of
// the route, or writes the error.
func (h *Handler) templateRoute(w http.ResponseWriter, r *http.Request) (*campaign.Campaign, notify.Channel, string, bool) {
	c, ok := h.campaignOf(w, r)
	if !ok {
		return nil, "", "", false
	}
	ch, lang, ok := app.TemplateKey(chi.URLParam(r, "channel"), chi.URLParam(r, "language"))
	if !ok {
		h.fail(w, r, errNoTemplate)
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

// templateEditor finds the campaign and the stored template of the route,
// and the editor's page for them, or answers the request itself.
func (h *Handler) templateEditor(w http.ResponseWriter, r *http.Request) (templatePage, *campaign.Campaign, notify.Template, bool) {
	c, ch, lang, ok := h.templateRoute(w, r)
	if !ok {
		return templatePage{}, nil, notify.Template{}, false
	}
	stored, err := h.notify.Template(r.Context(), int64(c.ID), ch, lang)
	if err != nil {
		h.fail(w, r, err)
		return templatePage{}, nil, notify.Template{}, false
	}
	return h.templatePage(r, langOf(r), c, stored), c, stored, true
}

// templatePage is the editor of c's template stored, its form filled with
// the stored wording.
func (h *Handler) templatePage(r *http.Request, t *i18n.Lang, c *campaign.Campaign, stored notify.Template) templatePage {
	p := templatePage{
		frame: h.campaignPage(r, t, templateTitle(t, stored.Channel, stored.Language), c.ID, "seeding"), ID: c.ID,
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

func (h *Handler) resetPage(r *http.Request, c *campaign.Campaign, ch notify.Channel, lang string) resetPage {
	t := langOf(r)
	p := resetPage{frame: h.campaignPage(r, t, t.T("dashboard.messages.reset_title"), c.ID, "seeding"), ID: c.ID, Base: templateBase(c.ID, ch, lang),
		Question: t.T("dashboard.messages.reset_question", templateTitle(t, ch, lang))}
	return p
}
