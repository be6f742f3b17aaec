package dashboard

import (
	"errors"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/sillage/sillage/campaign"
	"github.com/sillage/sillage/campaign/i18n"
)

// campaignForm is the editor's form as typed, shown back as is when it is
// refused. Field names are those of campaign.ValidationError, so that an
// error lands beside its field.
type campaignForm struct {
	Title, Language                             string
	TeaserTitle, TeaserDescription, TeaserImage string
	SeatsPerLink, MaxSeats, ForwardsPerClaim    string
	MaxDepth, LinkLifetimeHours, ViewCap        string
	MaxClaimsPerNetwork, SendForMeCountries     string // absent from a form: unchanged
	hasCountries                                bool
	SendForMe, RevokeLeaks                      bool
	StartsAt, EndsAt                            string // datetime-local, UTC
	TeaserImageAlt, ContentAlt, Transcript      string
}

// maxEditorBody bounds the editor's form, which may carry a transcript of
// campaign.MaxTranscript characters, each up to 12 bytes once encoded.
const maxEditorBody = maxFormBody + 12*campaign.MaxTranscript

// dateTimeLocal is the layout of an <input type="datetime-local">.
const dateTimeLocal = "2006-01-02T15:04"

func formFromCampaign(c *campaign.Campaign) campaignForm {
	r := c.Rules
	f := campaignForm{
		Title: c.Title, Language: c.Language,
		TeaserTitle: c.Teaser.Title, TeaserDescription: c.Teaser.Description, TeaserImage: c.Teaser.ImageURL,
		SeatsPerLink: strconv.Itoa(r.SeatsPerLink), MaxSeats: strconv.Itoa(r.MaxSeats),
		ForwardsPerClaim: strconv.Itoa(r.ForwardsPerClaim), MaxDepth: strconv.Itoa(r.MaxDepth),
		LinkLifetimeHours:   strconv.FormatInt(int64(r.LinkLifetime/time.Hour), 10),
		ViewCap:             strconv.FormatInt(r.ViewCap, 10),
		MaxClaimsPerNetwork: strconv.Itoa(r.MaxClaimsPerNetwork),
		SendForMeCountries:  strings.Join(r.SendForMeCountries, ", "),
		SendForMe:           r.SendForMe, RevokeLeaks: r.RevokeLeaks,
		TeaserImageAlt: c.Teaser.ImageAlt, ContentAlt: c.Content.Alt, Transcript: c.Content.Transcript,
	}
	if c.StartsAt != nil {
		f.StartsAt = c.StartsAt.UTC().Format(dateTimeLocal)
	}
	if c.EndsAt != nil {
		f.EndsAt = c.EndsAt.UTC().Format(dateTimeLocal)
	}
	return f
}

func parseCampaignForm(w http.ResponseWriter, r *http.Request) campaignForm {
	r.Body = http.MaxBytesReader(w, r.Body, maxEditorBody)
	v := url.Values{} // as readForm: an unreadable form is an empty one
	if r.ParseForm() == nil {
		v = r.PostForm
	}
	return campaignForm{
		Title: v.Get("title"), Language: v.Get("language"),
		TeaserTitle: v.Get("teaser.title"), TeaserDescription: v.Get("teaser.description"),
		TeaserImage:  strings.TrimSpace(v.Get("teaser.image_url")),
		SeatsPerLink: v.Get("rules.seats_per_link"), MaxSeats: v.Get("rules.max_seats"),
		ForwardsPerClaim: v.Get("rules.forwards_per_claim"), MaxDepth: v.Get("rules.max_depth"),
		LinkLifetimeHours: v.Get("rules.link_lifetime_hours"), ViewCap: v.Get("rules.view_cap"),
		MaxClaimsPerNetwork: v.Get("rules.max_claims_per_network"), SendForMeCountries: v.Get("rules.send_for_me_countries"),
		hasCountries: v.Has("rules.send_for_me_countries"),
		SendForMe:    v.Get("rules.send_for_me") != "", RevokeLeaks: v.Get("rules.revoke_leaks") != "",
		StartsAt: v.Get("starts_at"), EndsAt: v.Get("ends_at"),
		TeaserImageAlt: v.Get("teaser.image_description"), ContentAlt: v.Get("content.image_description"),
		Transcript: v.Get("content.transcript"),
	}
}

// apply copies the form onto c. It only turns text into numbers and times;
// the ranges are campaign.Validate's to check, in the store.
func (f campaignForm) apply(c *campaign.Campaign) error {
	c.Title, c.Language = f.Title, f.Language
	c.Teaser.Title, c.Teaser.Description, c.Teaser.ImageURL = f.TeaserTitle, f.TeaserDescription, f.TeaserImage
	c.Teaser.ImageAlt, c.Content.Alt, c.Content.Transcript = f.TeaserImageAlt, f.ContentAlt, f.Transcript
	r := &c.Rules
	for _, n := range []struct {
		field, value string
		dst          *int
	}{
		{"rules.seats_per_link", f.SeatsPerLink, &r.SeatsPerLink},
		{"rules.max_seats", f.MaxSeats, &r.MaxSeats},
		{"rules.forwards_per_claim", f.ForwardsPerClaim, &r.ForwardsPerClaim},
		{"rules.max_depth", f.MaxDepth, &r.MaxDepth},
	} {
		v, err := wholeNumber(n.field, n.value)
		if err != nil {
			return err
		}
		*n.dst = int(max(min(v, math.MaxInt32), math.MinInt32))
	}
	hours, err := wholeNumber("rules.link_lifetime_hours", f.LinkLifetimeHours)
	if err != nil {
		return err
	}
	// Saturate rather than overflow: Validate refuses what is out of range.
	r.LinkLifetime = time.Duration(max(min(hours, math.MaxInt64/int64(time.Hour)), math.MinInt64/int64(time.Hour))) * time.Hour
	if r.ViewCap, err = wholeNumber("rules.view_cap", f.ViewCap); err != nil {
		return err
	}
	r.SendForMe, r.RevokeLeaks = f.SendForMe, f.RevokeLeaks
	if f.MaxClaimsPerNetwork != "" { // a form from before the rule keeps it
		n, err := wholeNumber("rules.max_claims_per_network", f.MaxClaimsPerNetwork)
		if err != nil {
			return err
		}
		r.MaxClaimsPerNetwork = int(max(min(n, math.MaxInt32), math.MinInt32))
	}
	if f.hasCountries {
		r.SendForMeCountries = campaign.ParseCountries(f.SendForMeCountries)
	}
	if c.StartsAt, err = formTime("starts_at", f.StartsAt); err != nil {
		return err
	}
	if c.EndsAt, err = formTime("ends_at", f.EndsAt); err != nil {
		return err
	}
	return nil
}

func wholeNumber(field, s string) (int64, error) {
	n, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
	if err != nil {
		return 0, campaign.Invalid(field, "must be a whole number")
	}
	return n, nil
}

func formTime(field, s string) (*time.Time, error) {
	if strings.TrimSpace(s) == "" {
		return nil, nil
	}
	t, err := time.ParseInLocation(dateTimeLocal, strings.TrimSpace(s), time.UTC)
	if err != nil {
		return nil, campaign.Invalid(field, "must be a date and time such as 2026-12-01T20:00")
	}
	return &t, nil
}

// handleCampaignNew answers GET /campaigns/new: the editor of a new
// campaign, with the default rules.
func (h *Handler) handleCampaignNew(w http.ResponseWriter, r *http.Request) {
	t := langOf(r)
	c := &campaign.Campaign{Language: t.Code(), Rules: campaign.DefaultRules()}
	h.renderEditor(w, r, http.StatusOK, h.editor(r, t, c, formFromCampaign(c)))
}

// handleCampaignCreate answers POST /campaigns/new.
func (h *Handler) handleCampaignCreate(w http.ResponseWriter, r *http.Request) {
	t := langOf(r)
	form := parseCampaignForm(w, r)
	c := &campaign.Campaign{Rules: campaign.DefaultRules()}
	err := form.apply(c)
	if err == nil {
		err = h.campaigns.Create(r.Context(), c)
	}
	if err != nil {
		h.editorError(w, r, h.editor(r, t, &campaign.Campaign{}, form), err)
		return
	}
	http.Redirect(w, r, fmt.Sprintf("/campaigns/%d?saved=1", c.ID), http.StatusSeeOther)
}

// handleCampaign answers GET /campaigns/{id}: the editor.
func (h *Handler) handleCampaign(w http.ResponseWriter, r *http.Request) {
	c, ok := h.campaignOf(w, r)
	if !ok {
		return
	}
	t := langOf(r)
	p := h.editor(r, t, c, formFromCampaign(c))
	if r.URL.Query().Get("saved") != "" {
		p.Notice = t.T("dashboard.saved")
	}
	h.renderEditor(w, r, http.StatusOK, p)
}

// handleCampaignSave answers POST /campaigns/{id}: title, teaser,
// rules and schedule, validated and saved in one transaction.
func (h *Handler) handleCampaignSave(w http.ResponseWriter, r *http.Request) {
	c, ok := h.campaignOf(w, r)
	if !ok {
		return
	}
	t := langOf(r)
	form := parseCampaignForm(w, r)
	if _, err := h.campaigns.Update(r.Context(), c.ID, form.apply); err != nil {
		h.editorError(w, r, h.editor(r, t, c, form), err)
		return
	}
	http.Redirect(w, r, fmt.Sprintf("/campaigns/%d?saved=1", c.ID), http.StatusSeeOther)
}

// editor is the editor's view of c with the form as given.
func (h *Handler) editor(r *http.Request, t *i18n.Lang, c *campaign.Campaign, form campaignForm) editorPage {
	title := t.T("dashboard.new_title")
	if c.ID != 0 {
		title = c.Title
	}
	p := editorPage{
		frame:     h.frame(r, t, title),
		ID:        c.ID,
		Form:      form,
		MaxUpload: fmt.Sprintf("%d MiB", h.cfg.MaxUpload>>20),
	}
	p.Nav = "campaigns"
	p.Preview = h.preview(c, form)
	if c.ID == 0 {
		return p
	}
	p.CampaignID, p.Tab = c.ID, "edit"
	p.State = string(c.State(h.cfg.Now()))
	p.StateLabel = word(t, "dashboard.states."+p.State)
	p.Content = contentSummary{Kind: string(c.Content.Kind), Name: c.Content.Name, Type: c.Content.Type,
		Size: humanSize(c.Content.Size), Captions: c.Content.CaptionsPath != ""}
	if c.Content.Kind == campaign.Text {
		p.Content.Text = c.Content.Text
	} else if c.Content.Path != "" {
		p.Content.Preview = fmt.Sprintf("/campaigns/%d/content/preview?v=%d", c.ID, c.UpdatedAt.UnixMilli())
	}
	for _, to := range []campaign.Status{campaign.Live, campaign.Paused, campaign.Ended} {
		if campaign.CanMove(c.Status, to) {
			p.Actions = append(p.Actions, statusAction{To: string(to), Label: word(t, "dashboard.actions."+string(to))})
		}
	}
	return p
}

// preview is the link preview of c with the teaser the form holds.
func (h *Handler) preview(c *campaign.Campaign, form campaignForm) linkPreview {
	p := linkPreview{Title: form.TeaserTitle, Host: h.cfg.BaseURL.Host, Link: h.app.LinkURL("…")}
	if p.Title == "" {
		p.Title = form.Title
	}
	switch {
	case c.Teaser.ImagePath != "":
		p.Image = fmt.Sprintf("/campaigns/%d/teaser/image?v=%d", c.ID, c.UpdatedAt.UnixMilli())
	case form.TeaserImage != "":
		// An outside image is not loaded: the dashboard's pages load
		// nothing from elsewhere.
		if u, err := url.Parse(form.TeaserImage); err == nil {
			p.RemoteHost = u.Host
		}
	}
	return p
}

// editorError shows the editor again with why nothing was saved.
func (h *Handler) editorError(w http.ResponseWriter, r *http.Request, p editorPage, err error) {
	status, msg := errorStatus(err, p.L)
	if status == http.StatusInternalServerError || status == http.StatusNotFound {
		h.fail(w, r, err)
		return
	}
	var invalid *campaign.ValidationError
	if errors.As(err, &invalid) {
		p.Field = invalid.Field
	}
	p.Error = msg
	p.Title = p.L.T("dashboard.error_title", p.Title)
	h.renderEditor(w, r, status, p)
}

func (h *Handler) renderEditor(w http.ResponseWriter, r *http.Request, status int, p editorPage) {
	h.pages.Render(w, status, "dash_campaign.html", p)
}
