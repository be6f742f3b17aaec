package web

import (
	"encoding/json"
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/sillage/sillage/campaign"
	"github.com/sillage/sillage/gating"
	"github.com/sillage/sillage/web/internal/httpx"
)

// campaignJSON is a campaign as the API shows it.
type campaignJSON struct {
	ID        campaign.ID `json:"id"`
	Title     string      `json:"title"`
	Language  string      `json:"language"`
	Status    string      `json:"status"`
	State     string      `json:"state"` // the status as the clock sees it: "scheduled" before starts_at
	Teaser    teaserJSON  `json:"teaser"`
	Content   contentJSON `json:"content"`
	Rules     rulesJSON   `json:"rules"`
	StartsAt  *time.Time  `json:"starts_at"`
	EndsAt    *time.Time  `json:"ends_at"`
	CreatedAt time.Time   `json:"created_at"`
	UpdatedAt time.Time   `json:"updated_at"`
}

// teaserJSON is the public face: Title is what recipients see, the
// campaign's own title only when it is empty.
type teaserJSON struct {
	Title            string `json:"title"`
	Description      string `json:"description"`
	ImageURL         string `json:"image_url"`
	HasImage         bool   `json:"has_uploaded_image"`
	ImageDescription string `json:"image_description"` // the uploaded image's text alternative
	ImageWidth       int    `json:"image_width"`       // pixels; 0: unknown or no image
	ImageHeight      int    `json:"image_height"`
}

type contentJSON struct {
	Kind             string `json:"kind"`
	Type             string `json:"type,omitempty"`
	Name             string `json:"name,omitempty"`
	Size             int64  `json:"size"`
	ImageDescription string `json:"image_description"` // an image content's text alternative
	Transcript       string `json:"transcript"`        // shown under audio and video
	HasCaptions      bool   `json:"has_captions"`      // a WebVTT file, PUT /captions
}

type rulesJSON struct {
	SeatsPerLink      int   `json:"seats_per_link"`
	MaxSeats          int   `json:"max_seats"`
	ForwardsPerClaim  int   `json:"forwards_per_claim"`
	MaxDepth          int   `json:"max_depth"`
	LinkLifetimeHours int   `json:"link_lifetime_hours"`
	ViewCap           int64 `json:"view_cap"`
	SendForMe         bool  `json:"send_for_me"`
	RevokeLeaks       bool  `json:"revoke_leaks"`
	// MaxClaimsPerNetwork caps the views one client network adds a day; 0: no cap.
	MaxClaimsPerNetwork int `json:"max_claims_per_network"`
	// SendForMeCountries are the countries "send it for me" texts; empty:
	// the server's default region.
	SendForMeCountries []string `json:"send_for_me_countries"`
}

func (s *Server) campaignJSON(c *campaign.Campaign) campaignJSON {
	kind := string(c.Content.Kind)
	if kind == "" {
		kind = "none"
	}
	r := c.Rules
	return campaignJSON{
		ID: c.ID, Title: c.Title, Language: c.Language,
		Status: string(c.Status), State: string(c.State(s.cfg.Now())),
		Teaser: teaserJSON{c.Teaser.Title, c.Teaser.Description, c.Teaser.ImageURL, c.Teaser.ImagePath != "",
			c.Teaser.ImageAlt, c.Teaser.ImageWidth, c.Teaser.ImageHeight},
		Content: contentJSON{Kind: kind, Type: c.Content.Type, Name: c.Content.Name, Size: c.Content.Size,
			ImageDescription: c.Content.Alt, Transcript: c.Content.Transcript, HasCaptions: c.Content.CaptionsPath != ""},
		Rules: rulesJSON{r.SeatsPerLink, r.MaxSeats, r.ForwardsPerClaim, r.MaxDepth,
			int(r.LinkLifetime / time.Hour), r.ViewCap, r.SendForMe, r.RevokeLeaks,
			r.MaxClaimsPerNetwork, append([]string{}, r.SendForMeCountries...)}, // [] rather than null
		StartsAt: c.StartsAt, EndsAt: c.EndsAt, CreatedAt: c.CreatedAt, UpdatedAt: c.UpdatedAt,
	}
}

// campaignInput is the body of a create or a patch: every field optional,
// so a patch changes only what it names.
type campaignInput struct {
	Title    *string       `json:"title"`
	Language *string       `json:"language"`
	Teaser   *teaserInput  `json:"teaser"`
	Content  *contentInput `json:"content"`
	Rules    *rulesInput   `json:"rules"`
	StartsAt optionalTime  `json:"starts_at"`
	EndsAt   optionalTime  `json:"ends_at"`
}

type teaserInput struct {
	Title            *string `json:"title"`
	Description      *string `json:"description"`
	ImageURL         *string `json:"image_url"`
	ImageDescription *string `json:"image_description"`
}

// contentInput is what a create or a patch may set of the content; the
// content itself is PUT /content.
type contentInput struct {
	ImageDescription *string `json:"image_description"`
	Transcript       *string `json:"transcript"`
}

type rulesInput struct {
	SeatsPerLink      *int   `json:"seats_per_link"`
	MaxSeats          *int   `json:"max_seats"`
	ForwardsPerClaim  *int   `json:"forwards_per_claim"`
	MaxDepth          *int   `json:"max_depth"`
	LinkLifetimeHours *int   `json:"link_lifetime_hours"`
	ViewCap           *int64 `json:"view_cap"`
	SendForMe         *bool  `json:"send_for_me"`
	RevokeLeaks       *bool  `json:"revoke_leaks"`

	MaxClaimsPerNetwork *int      `json:"max_claims_per_network"`
	SendForMeCountries  *[]string `json:"send_for_me_countries"`
}

// optionalTime tells a missing field (keep) from null (clear).
type optionalTime struct {
	Set   bool
	Value *time.Time
}

func (o *optionalTime) UnmarshalJSON(b []byte) error {
	o.Set = true
	if string(b) == "null" {
		o.Value = nil
		return nil
	}
	var t time.Time
	if err := json.Unmarshal(b, &t); err != nil {
		return errors.New("must be an RFC 3339 time such as 2026-12-01T20:00:00Z, or null")
	}
	t = t.UTC()
	o.Value = &t
	return nil
}

// apply copies the given fields onto c.
func (in *campaignInput) apply(c *campaign.Campaign) error {
	set(&c.Title, in.Title)
	set(&c.Language, in.Language)
	if t := in.Teaser; t != nil {
		set(&c.Teaser.Title, t.Title)
		set(&c.Teaser.Description, t.Description)
		set(&c.Teaser.ImageURL, t.ImageURL)
		set(&c.Teaser.ImageAlt, t.ImageDescription)
	}
	if ct := in.Content; ct != nil {
		set(&c.Content.Alt, ct.ImageDescription)
		set(&c.Content.Transcript, ct.Transcript)
	}
	if r := in.Rules; r != nil {
		set(&c.Rules.SeatsPerLink, r.SeatsPerLink)
		set(&c.Rules.MaxSeats, r.MaxSeats)
		set(&c.Rules.ForwardsPerClaim, r.ForwardsPerClaim)
		set(&c.Rules.MaxDepth, r.MaxDepth)
		set(&c.Rules.ViewCap, r.ViewCap)
		set(&c.Rules.SendForMe, r.SendForMe)
		set(&c.Rules.RevokeLeaks, r.RevokeLeaks)
		set(&c.Rules.MaxClaimsPerNetwork, r.MaxClaimsPerNetwork)
		if cs := r.SendForMeCountries; cs != nil {
			// Codes as written ("fr" too); Validate refuses what is not one.
			c.Rules.SendForMeCountries = campaign.ParseCountries(strings.Join(*cs, ","))
		}
		if h := r.LinkLifetimeHours; h != nil {
			if *h < 0 || *h > 366*24 { // checked here: the multiplication below could overflow
				return campaign.Invalid("rules.link_lifetime_hours", "must be between 0 (no expiry) and %d", 366*24)
			}
			c.Rules.LinkLifetime = time.Duration(*h) * time.Hour
		}
	}
	if in.StartsAt.Set {
		c.StartsAt = in.StartsAt.Value
	}
	if in.EndsAt.Set {
		c.EndsAt = in.EndsAt.Value
	}
	return nil
}

func set[T any](dst *T, src *T) {
	if src != nil {
		*dst = *src
	}
}

func (s *Server) handleCampaignCreate(w http.ResponseWriter, r *http.Request) {
	var in campaignInput
	if err := httpx.DecodeJSON(w, r, &in); err != nil {
		httpx.Error(w, http.StatusBadRequest, err.Error())
		return
	}
	c := &campaign.Campaign{Language: "en", Rules: campaign.DefaultRules()}
	if err := in.apply(c); err != nil {
		s.errs.JSON(w, r, err)
		return
	}
	if err := s.campaigns.Create(r.Context(), c); err != nil {
		s.errs.JSON(w, r, err)
		return
	}
	w.Header().Set("Location", "/api/v1/campaigns/"+strconv.FormatInt(int64(c.ID), 10))
	httpx.WriteJSON(w, http.StatusCreated, s.campaignJSON(c))
}

func (s *Server) handleCampaignList(w http.ResponseWriter, r *http.Request) {
	list, err := s.campaigns.List(r.Context())
	if err != nil {
		s.errs.JSON(w, r, err)
		return
	}
	out := make([]campaignJSON, len(list))
	for i, c := range list {
		out[i] = s.campaignJSON(c)
	}
	httpx.WriteJSON(w, http.StatusOK, map[string]any{"campaigns": out})
}

func (s *Server) handleCampaignGet(w http.ResponseWriter, r *http.Request) {
	id, ok := campaignID(w, r)
	if !ok {
		return
	}
	c, err := s.campaigns.Find(r.Context(), id)
	if err != nil {
		s.errs.JSON(w, r, err)
		return
	}
	httpx.WriteJSON(w, http.StatusOK, s.campaignJSON(c))
}

func (s *Server) handleCampaignPatch(w http.ResponseWriter, r *http.Request) {
	id, ok := campaignID(w, r)
	if !ok {
		return
	}
	var in campaignInput
	if err := httpx.DecodeJSON(w, r, &in); err != nil {
		httpx.Error(w, http.StatusBadRequest, err.Error())
		return
	}
	c, err := s.campaigns.Update(r.Context(), id, in.apply)
	if err != nil {
		s.errs.JSON(w, r, err)
		return
	}
	httpx.WriteJSON(w, http.StatusOK, s.campaignJSON(c))
}

// handleContentPut stores the content: text/plain or text/markdown bodies
// make a text content; video, audio, image and PDF bodies a file; a
// multipart form carries the file in its "file" field.
func (s *Server) handleContentPut(w http.ResponseWriter, r *http.Request) {
	id, ok := campaignID(w, r)
	if !ok {
		return
	}
	mediaType, params, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil {
		httpx.Error(w, http.StatusUnsupportedMediaType, "Content-Type is missing or malformed")
		return
	}
	body := http.MaxBytesReader(w, r.Body, s.cfg.MaxUpload+1)
	var c *campaign.Campaign
	switch {
	case mediaType == "text/plain" || mediaType == "text/markdown":
		var text []byte
		text, err = io.ReadAll(io.LimitReader(body, campaign.MaxTextContent+1))
		switch {
		case err != nil:
			// The body's limit, when it is the smaller.
			err = httpx.OverLimit(err, min(s.cfg.MaxUpload, campaign.MaxTextContent))
		case len(text) > campaign.MaxTextContent:
			err = campaign.TooLarge(campaign.MaxTextContent)
		default:
			c, err = s.campaigns.PutText(r.Context(), id, mediaType, string(text))
		}
	case mediaType == "multipart/form-data":
		c, err = s.putMultipart(r, id, body, params["boundary"])
	default:
		c, err = s.campaigns.PutFile(r.Context(), id, mediaType, uploadName(r), body, s.cfg.MaxUpload)
	}
	if err != nil {
		s.errs.JSON(w, r, httpx.OverLimit(err, s.cfg.MaxUpload))
		return
	}
	httpx.WriteJSON(w, http.StatusOK, s.campaignJSON(c))
}

// uploadName is the file name of a raw upload: ?name=, else the filename
// of a Content-Disposition header (as curl -T or a browser's fetch may
// send), else empty.
func uploadName(r *http.Request) string {
	if name := r.URL.Query().Get("name"); name != "" {
		return name
	}
	_, params, err := mime.ParseMediaType(r.Header.Get("Content-Disposition"))
	if err != nil {
		return ""
	}
	return params["filename"]
}

func (s *Server) putMultipart(r *http.Request, id campaign.ID, body io.Reader, boundary string) (*campaign.Campaign, error) {
	if boundary == "" {
		return nil, campaign.Invalid("content", "multipart body without a boundary")
	}
	part, err := httpx.FilePart(multipart.NewReader(body, boundary), "file")
	if errors.Is(err, httpx.ErrNoFile) {
		return nil, campaign.Invalid("file", `multipart body has no "file" field`)
	}
	if err != nil {
		return nil, campaign.Invalid("content", "malformed multipart body")
	}
	ct := part.Header.Get("Content-Type")
	if strings.HasPrefix(ct, "text/") {
		text, err := io.ReadAll(io.LimitReader(part, campaign.MaxTextContent+1))
		if err != nil {
			return nil, err
		}
		if len(text) > campaign.MaxTextContent {
			return nil, campaign.TooLarge(campaign.MaxTextContent)
		}
		return s.campaigns.PutText(r.Context(), id, ct, string(text))
	}
	return s.campaigns.PutFile(r.Context(), id, ct, part.FileName(), part, s.cfg.MaxUpload)
}

func (s *Server) handleTeaserImagePut(w http.ResponseWriter, r *http.Request) {
	id, ok := campaignID(w, r)
	if !ok {
		return
	}
	c, err := s.campaigns.PutTeaserImage(r.Context(), id, r.Header.Get("Content-Type"), http.MaxBytesReader(w, r.Body, httpx.MaxTeaserImage+1), httpx.MaxTeaserImage)
	if err != nil {
		s.errs.JSON(w, r, httpx.OverLimit(err, httpx.MaxTeaserImage))
		return
	}
	httpx.WriteJSON(w, http.StatusOK, s.campaignJSON(c))
}

// handleCaptionsPut answers PUT /campaigns/{id}/captions: a WebVTT file
// (text/vtt, UTF-8, at most campaign.MaxCaptions bytes) for the video.
func (s *Server) handleCaptionsPut(w http.ResponseWriter, r *http.Request) {
	id, ok := campaignID(w, r)
	if !ok {
		return
	}
	if t, _, err := mime.ParseMediaType(r.Header.Get("Content-Type")); err != nil || t != campaign.CaptionsType {
		httpx.Error(w, http.StatusUnsupportedMediaType, "captions must be sent as text/vtt (WebVTT)")
		return
	}
	c, err := s.campaigns.PutCaptions(r.Context(), id, r.Header.Get("Content-Type"), http.MaxBytesReader(w, r.Body, campaign.MaxCaptions+1))
	if err != nil {
		s.errs.JSON(w, r, httpx.OverLimit(err, campaign.MaxCaptions))
		return
	}
	httpx.WriteJSON(w, http.StatusOK, s.campaignJSON(c))
}

// handleCaptionsDelete answers DELETE /campaigns/{id}/captions.
func (s *Server) handleCaptionsDelete(w http.ResponseWriter, r *http.Request) {
	id, ok := campaignID(w, r)
	if !ok {
		return
	}
	c, err := s.campaigns.RemoveCaptions(r.Context(), id)
	if err != nil {
		s.errs.JSON(w, r, err)
		return
	}
	httpx.WriteJSON(w, http.StatusOK, s.campaignJSON(c))
}

func (s *Server) handleStatus(w http.ResponseWriter, r *http.Request) {
	id, ok := campaignID(w, r)
	if !ok {
		return
	}
	var in struct {
		Status string `json:"status"`
	}
	if err := httpx.DecodeJSON(w, r, &in); err != nil {
		httpx.Error(w, http.StatusBadRequest, err.Error())
		return
	}
	to := campaign.Status(in.Status)
	if to != campaign.Live && to != campaign.Paused && to != campaign.Ended {
		s.errs.JSON(w, r, campaign.Invalid("status", `must be "live", "paused" or "ended"`))
		return
	}
	c, err := s.campaigns.SetStatus(r.Context(), id, to)
	if err != nil {
		s.errs.JSON(w, r, err)
		return
	}
	httpx.WriteJSON(w, http.StatusOK, s.campaignJSON(c))
}

// linkJSON is a freshly minted link: its URL is shown this once.
type linkJSON struct {
	ID  int64  `json:"id"`
	URL string `json:"url"`
}

func (s *Server) handleLinksMint(w http.ResponseWriter, r *http.Request) {
	id, ok := campaignID(w, r)
	if !ok {
		return
	}
	in := struct {
		Count     int        `json:"count"`
		Channel   string     `json:"channel"`
		Seats     int        `json:"seats"`
		Label     string     `json:"label"`
		ExpiresAt *time.Time `json:"expires_at"`
	}{Count: 1, Channel: string(gating.Plain)}
	if err := httpx.DecodeJSON(w, r, &in); err != nil {
		httpx.Error(w, http.StatusBadRequest, err.Error())
		return
	}
	minted, err := s.app.MintLinks(r.Context(), id, gating.SeedSpec{
		Count: in.Count, Channel: gating.Channel(in.Channel), Seats: in.Seats, Label: in.Label, ExpiresAt: in.ExpiresAt,
	})
	if err != nil {
		s.errs.JSON(w, r, err)
		return
	}
	out := make([]linkJSON, len(minted))
	for i, l := range minted {
		out[i] = linkJSON{ID: l.ID, URL: l.URL}
	}
	httpx.WriteJSON(w, http.StatusCreated, map[string]any{"links": out})
}

func (s *Server) handleLinkRevoke(w http.ResponseWriter, r *http.Request) {
	id, ok := campaignID(w, r)
	if !ok {
		return
	}
	link, err := strconv.ParseInt(chi.URLParam(r, "link"), 10, 64)
	if err != nil || link <= 0 {
		httpx.Error(w, http.StatusNotFound, "link not found")
		return
	}
	if err := s.app.Revoke(r.Context(), id, link); err != nil {
		s.errs.JSON(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
