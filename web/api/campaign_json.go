package api

import (
	"encoding/json"
	"errors"
	"strings"
	"time"

	"github.com/sillage/sillage/campaign"
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

func (h *Handler) campaignJSON(c *campaign.Campaign) campaignJSON {
	kind := string(c.Content.Kind)
	if kind == "" {
		kind = "none"
	}
	r := c.Rules
	return campaignJSON{
		ID: c.ID, Title: c.Title, Language: c.Language,
		Status: string(c.Status), State: string(c.State(h.cfg.Now())),
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
