package web

import (
	"errors"
	"fmt"
	"io"
	"math"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/sillage/sillage/campaign"
	"github.com/sillage/sillage/campaign/i18n"
	"github.com/sillage/sillage/web/internal/httpx"
)

// handleDashCampaigns answers GET /campaigns: every campaign with its
// status and headline figures, which dash.js refreshes from
// /campaigns/figures.
func (s *Server) handleDashCampaigns(w http.ResponseWriter, r *http.Request) {
	t := dashLang(r)
	rows, err := s.campaignRows(r, t)
	if err != nil {
		s.dashError(w, r, err)
		return
	}
	p := campaignsPage{dashPage: s.dashPage(r, t, t.T("dashboard.campaigns")), Campaigns: rows}
	p.Nav = "campaigns"
	s.pages.Render(w, http.StatusOK, "dash_campaigns.html", p)
}

// handleDashFigures answers GET /campaigns/figures: the list's figures as
// JSON, polled by the list page.
func (s *Server) handleDashFigures(w http.ResponseWriter, r *http.Request) {
	rows, err := s.campaignRows(r, dashLang(r))
	if err != nil {
		s.errs.JSON(w, r, err)
		return
	}
	httpx.WriteJSON(w, http.StatusOK, map[string]any{"campaigns": rows})
}

// campaignRows reads every campaign's headline counters, kept at write
// time: one small read per campaign, whatever the size of its tree.
func (s *Server) campaignRows(r *http.Request, t *i18n.Lang) ([]campaignRow, error) {
	list, err := s.campaigns.List(r.Context())
	if err != nil {
		return nil, err
	}
	now := s.cfg.Now()
	rows := make([]campaignRow, len(list))
	for i, c := range list {
		counters, err := s.campaigns.Counters(r.Context(), c.ID)
		if err != nil {
			return nil, err
		}
		state := string(c.State(now))
		rows[i] = campaignRow{
			ID: c.ID, Title: c.Title, State: state, StateLabel: word(t, "dashboard.states."+state),
			// Reach counts the devices that saw the content: a view each,
			// and each new device that took a released seat over
			// (cascade.Figures.Reach).
			Views: counters[campaign.CountViews], Reach: counters[campaign.CountViews] + counters[campaign.CountTakeOvers],
			MaxDepth: counters[campaign.CountMaxDepth],
		}
	}
	return rows, nil
}

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
	v := url.Values{} // as dashForm: an unreadable form is an empty one
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

// handleDashCampaignNew answers GET /campaigns/new: the editor of a new
// campaign, with the default rules.
func (s *Server) handleDashCampaignNew(w http.ResponseWriter, r *http.Request) {
	t := dashLang(r)
	c := &campaign.Campaign{Language: t.Code(), Rules: campaign.DefaultRules()}
	s.renderEditor(w, r, http.StatusOK, s.editor(r, t, c, formFromCampaign(c)))
}

// handleDashCampaignCreate answers POST /campaigns/new.
func (s *Server) handleDashCampaignCreate(w http.ResponseWriter, r *http.Request) {
	t := dashLang(r)
	form := parseCampaignForm(w, r)
	c := &campaign.Campaign{Rules: campaign.DefaultRules()}
	err := form.apply(c)
	if err == nil {
		err = s.campaigns.Create(r.Context(), c)
	}
	if err != nil {
		s.editorError(w, r, s.editor(r, t, &campaign.Campaign{}, form), err)
		return
	}
	http.Redirect(w, r, fmt.Sprintf("/campaigns/%d?saved=1", c.ID), http.StatusSeeOther)
}

// handleDashCampaign answers GET /campaigns/{id}: the editor.
func (s *Server) handleDashCampaign(w http.ResponseWriter, r *http.Request) {
	c, ok := s.dashCampaign(w, r)
	if !ok {
		return
	}
	t := dashLang(r)
	p := s.editor(r, t, c, formFromCampaign(c))
	if r.URL.Query().Get("saved") != "" {
		p.Notice = t.T("dashboard.saved")
	}
	s.renderEditor(w, r, http.StatusOK, p)
}

// handleDashCampaignSave answers POST /campaigns/{id}: title, teaser,
// rules and schedule, validated and saved in one transaction.
func (s *Server) handleDashCampaignSave(w http.ResponseWriter, r *http.Request) {
	c, ok := s.dashCampaign(w, r)
	if !ok {
		return
	}
	t := dashLang(r)
	form := parseCampaignForm(w, r)
	if _, err := s.campaigns.Update(r.Context(), c.ID, form.apply); err != nil {
		s.editorError(w, r, s.editor(r, t, c, form), err)
		return
	}
	http.Redirect(w, r, fmt.Sprintf("/campaigns/%d?saved=1", c.ID), http.StatusSeeOther)
}

// handleDashContent answers POST /campaigns/{id}/content: a file in a
// multipart form (sent by dash.js with a progress bar, or by the plain
// form), or a text in an ordinary form. A script asking for JSON gets
// JSON back; the form is sent back to the editor.
func (s *Server) handleDashContent(w http.ResponseWriter, r *http.Request) {
	c, ok := s.dashCampaign(w, r)
	if !ok {
		return
	}
	mediaType, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	var err error
	if mediaType == "multipart/form-data" {
		_, err = s.putDashFile(w, r, c.ID)
	} else {
		r.Body = http.MaxBytesReader(w, r.Body, campaign.MaxTextContent+maxFormBody)
		if err = r.ParseForm(); err != nil {
			err = campaign.TooLarge(campaign.MaxTextContent)
		} else {
			_, err = s.campaigns.PutText(r.Context(), c.ID, r.PostForm.Get("type"), r.PostForm.Get("text"))
		}
	}
	err = httpx.OverLimit(err, s.cfg.MaxUpload)
	switch {
	case err != nil && httpx.WantsJSON(r):
		s.dashError(w, r, err)
	case err != nil:
		t := dashLang(r)
		s.editorError(w, r, s.editor(r, t, c, formFromCampaign(c)), err)
	case httpx.WantsJSON(r):
		httpx.WriteJSON(w, http.StatusOK, map[string]string{"location": fmt.Sprintf("/campaigns/%d?saved=1", c.ID)})
	default:
		http.Redirect(w, r, fmt.Sprintf("/campaigns/%d?saved=1", c.ID), http.StatusSeeOther)
	}
}

// putDashFile streams the "file" part of a multipart body to the content
// store, text files as text content.
func (s *Server) putDashFile(w http.ResponseWriter, r *http.Request, id campaign.ID) (*campaign.Campaign, error) {
	r.Body = http.MaxBytesReader(w, r.Body, s.cfg.MaxUpload+maxFormBody)
	mr, err := r.MultipartReader()
	if err != nil {
		return nil, campaign.Invalid("file", "malformed upload")
	}
	part, err := httpx.FilePart(mr, "file")
	if errors.Is(err, httpx.ErrNoFile) || err == nil && part.FileName() == "" {
		return nil, campaign.Invalid("file", "choose a file")
	}
	if err != nil {
		return nil, err
	}
	ct := part.Header.Get("Content-Type")
	if strings.HasPrefix(ct, "text/") {
		text, err := io.ReadAll(io.LimitReader(part, campaign.MaxTextContent+1))
		if err != nil {
			return nil, err
		}
		return s.campaigns.PutText(r.Context(), id, ct, string(text))
	}
	return s.campaigns.PutFile(r.Context(), id, ct, part.FileName(), part, s.cfg.MaxUpload)
}

// handleDashStatusConfirm answers GET /campaigns/{id}/status?to=S: the
// confirmation step before a status change.
func (s *Server) handleDashStatusConfirm(w http.ResponseWriter, r *http.Request) {
	c, ok := s.dashCampaign(w, r)
	if !ok {
		return
	}
	t := dashLang(r)
	to := r.URL.Query().Get("to")
	if word(t, "dashboard.actions."+to) == "" {
		http.Redirect(w, r, fmt.Sprintf("/campaigns/%d", c.ID), http.StatusSeeOther)
		return
	}
	p := confirmPage{dashPage: s.dashPage(r, t, c.Title), ID: c.ID, To: to, Question: word(t, "dashboard.confirms."+to), Button: word(t, "dashboard.actions."+to)}
	p.Nav = "campaigns"
	s.pages.Render(w, http.StatusOK, "dash_confirm.html", p)
}

// handleDashStatus answers POST /campaigns/{id}/status (status): the
// confirmed change.
func (s *Server) handleDashStatus(w http.ResponseWriter, r *http.Request) {
	c, ok := s.dashCampaign(w, r)
	if !ok {
		return
	}
	to := campaign.Status(dashForm(w, r).Get("status"))
	var err error
	if to != campaign.Live && to != campaign.Paused && to != campaign.Ended {
		err = campaign.Invalid("status", `must be "live", "paused" or "ended"`)
	} else {
		_, err = s.campaigns.SetStatus(r.Context(), c.ID, to)
	}
	if err != nil {
		s.editorError(w, r, s.editor(r, dashLang(r), c, formFromCampaign(c)), err)
		return
	}
	http.Redirect(w, r, fmt.Sprintf("/campaigns/%d?saved=1", c.ID), http.StatusSeeOther)
}

// dashCampaign loads the campaign of the route, or writes the error.
func (s *Server) dashCampaign(w http.ResponseWriter, r *http.Request) (*campaign.Campaign, bool) {
	id := pathID(chi.URLParam(r, "id"))
	if id == 0 {
		s.dashError(w, r, campaign.ErrNotFound)
		return nil, false
	}
	c, err := s.campaigns.Find(r.Context(), campaign.ID(id))
	if err != nil {
		s.dashError(w, r, err)
		return nil, false
	}
	return c, true
}

// editor is the editor's view of c with the form as given.
func (s *Server) editor(r *http.Request, t *i18n.Lang, c *campaign.Campaign, form campaignForm) editorPage {
	title := t.T("dashboard.new_title")
	if c.ID != 0 {
		title = c.Title
	}
	p := editorPage{
		dashPage:  s.dashPage(r, t, title),
		ID:        c.ID,
		Form:      form,
		MaxUpload: fmt.Sprintf("%d MiB", s.cfg.MaxUpload>>20),
	}
	p.Nav = "campaigns"
	p.Preview = s.preview(c, form)
	if c.ID == 0 {
		return p
	}
	p.CampaignID, p.Tab = c.ID, "edit"
	p.State = string(c.State(s.cfg.Now()))
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
func (s *Server) preview(c *campaign.Campaign, form campaignForm) linkPreview {
	p := linkPreview{Title: form.TeaserTitle, Host: s.cfg.BaseURL.Host, Link: s.linkURL("…")}
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

// handleDashTeaserImage answers POST /campaigns/{id}/teaser/image: an
// image in the "image" part of a multipart form.
func (s *Server) handleDashTeaserImage(w http.ResponseWriter, r *http.Request) {
	c, ok := s.dashCampaign(w, r)
	if !ok {
		return
	}
	err := httpx.OverLimit(s.putDashTeaserImage(w, r, c.ID), httpx.MaxTeaserImage)
	var invalid *campaign.ValidationError
	if errors.As(err, &invalid) && invalid.Field == "content_type" {
		image := *invalid
		image.Field = "image"
		err = &image
	}
	if err != nil {
		s.editorError(w, r, s.editor(r, dashLang(r), c, formFromCampaign(c)), err)
		return
	}
	http.Redirect(w, r, fmt.Sprintf("/campaigns/%d?saved=1", c.ID), http.StatusSeeOther)
}

func (s *Server) putDashTeaserImage(w http.ResponseWriter, r *http.Request, id campaign.ID) error {
	r.Body = http.MaxBytesReader(w, r.Body, httpx.MaxTeaserImage+maxFormBody)
	mr, err := r.MultipartReader()
	if err != nil {
		return campaign.Invalid("image", "malformed upload")
	}
	part, err := httpx.FilePart(mr, "image")
	if errors.Is(err, httpx.ErrNoFile) || err == nil && part.FileName() == "" {
		return campaign.Invalid("image", "choose an image")
	}
	if err != nil {
		return err
	}
	_, err = s.campaigns.PutTeaserImage(r.Context(), id, part.Header.Get("Content-Type"), part, httpx.MaxTeaserImage)
	return err
}

// handleDashTeaserImageGet answers GET /campaigns/{id}/teaser/image: the
// uploaded teaser image, for the editor's preview.
func (s *Server) handleDashTeaserImageGet(w http.ResponseWriter, r *http.Request) {
	c, ok := s.dashCampaign(w, r)
	if !ok {
		return
	}
	f, err := s.campaigns.OpenFile(r.Context(), c.Teaser.ImagePath)
	if c.Teaser.ImagePath == "" || err != nil {
		s.dashError(w, r, campaign.ErrNotFound)
		return
	}
	defer f.Close()
	w.Header().Set("Content-Type", c.Teaser.ImageType)
	w.Header().Set("Cache-Control", "private, max-age=300")
	http.ServeContent(w, r, "", c.UpdatedAt, f)
}

// handleDashContentPreview answers GET /campaigns/{id}/content/preview:
// the content file, for the signed-in marketer to see or play in the
// editor, with byte ranges as the recipients' media.
func (s *Server) handleDashContentPreview(w http.ResponseWriter, r *http.Request) {
	c, ok := s.dashCampaign(w, r)
	if !ok {
		return
	}
	if c.Content.Path == "" {
		s.dashError(w, r, campaign.ErrNotFound)
		return
	}
	f, err := s.campaigns.OpenFile(r.Context(), c.Content.Path)
	if err != nil {
		s.dashError(w, r, err)
		return
	}
	defer f.Close()
	h := w.Header()
	h.Set("Content-Type", c.Content.Type)
	h.Set("Cache-Control", "private, no-store")
	h.Set("Content-Disposition", "inline")
	http.ServeContent(httpx.NewStallWriter(w, s.cfg.Deadlines.MediaStall), r, "", c.UpdatedAt, f)
}

// editorError shows the editor again with why nothing was saved.
func (s *Server) editorError(w http.ResponseWriter, r *http.Request, p editorPage, err error) {
	status, msg := dashStatus(err, p.L)
	if status == http.StatusInternalServerError || status == http.StatusNotFound {
		s.dashError(w, r, err)
		return
	}
	var invalid *campaign.ValidationError
	if errors.As(err, &invalid) {
		p.Field = invalid.Field
	}
	p.Error = msg
	p.Title = p.L.T("dashboard.error_title", p.Title)
	s.renderEditor(w, r, status, p)
}

func (s *Server) renderEditor(w http.ResponseWriter, r *http.Request, status int, p editorPage) {
	s.pages.Render(w, status, "dash_campaign.html", p)
}

func humanSize(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.1f GiB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.0f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}
