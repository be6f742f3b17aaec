// Package campaign holds Sillage's campaigns: their teaser and exclusive
// content, the rules that bound their spread, their lifecycle and their
// headline figures. The forward tree's full figures live in campaign/cascade.
package campaign

import (
	"errors"
	"fmt"
	"time"
)

// ID identifies a campaign.
type ID int64

// Status is the lifecycle state a marketer sets.
type Status string

// The lifecycle: draft -> live <-> paused -> ended.
const (
	Draft  Status = "draft"
	Live   Status = "live"
	Paused Status = "paused"
	Ended  Status = "ended"
)

// Campaign is one exclusive piece of content and the rules of its spread.
type Campaign struct {
	ID       ID
	Title    string
	Language string // "fr" or "en": the language of recipient pages
	Status   Status
	Teaser   Teaser
	Content  Content
	Rules    Rules
	// Milestones raise milestone.reached events and alerts; a new
	// campaign gets DefaultMilestones.
	Milestones Milestones
	StartsAt   *time.Time // nil: opens as soon as it is live
	EndsAt     *time.Time // nil: runs until ended by hand
	CreatedAt  time.Time
	UpdatedAt  time.Time
}

// Teaser is the public face of a campaign: what link previews and locked
// visitors see.
type Teaser struct {
	Title       string // the public title; Campaign.Title is the marketer's own name
	Description string
	ImageURL    string // an outside image, shown only in link previews
	ImagePath   string // an uploaded image, served by Sillage itself
	ImageType   string
	ImageAlt    string // the image's description, its text alternative
	// The uploaded image's size in pixels, 0 when unknown (WebP, images
	// uploaded before sizes were kept): pages give it to the browser so
	// that nothing moves while the image loads.
	ImageWidth, ImageHeight int
}

// ContentKind says how the content is shown.
type ContentKind string

// The kinds of content.
const (
	NoContent ContentKind = ""
	Text      ContentKind = "text"
	Video     ContentKind = "video"
	Audio     ContentKind = "audio"
	Image     ContentKind = "image"
	PDF       ContentKind = "pdf"
)

// Content is the exclusive part, served only to a device holding a claim.
type Content struct {
	Kind ContentKind
	Type string // media type, e.g. "video/mp4" or "text/markdown"
	Text string // for Text
	Path string // for files: the file's path under the data directory
	Name string // the uploaded file's name
	Size int64
	// Width and Height are an image content's size in pixels, 0 when
	// unknown.
	Width, Height int

	// What makes the content perceivable without sight or hearing. They
	// belong to the campaign and stay when the content is replaced.
	Alt          string // an image content's description
	Transcript   string // plain text, shown under audio and video
	CaptionsPath string // a WebVTT file for a video, like Path; empty: none
}

// State is the status as the clock sees it: a live campaign before its
// start is scheduled, after its end it is over.
func (c *Campaign) State(now time.Time) Status {
	if c.Status != Live {
		return c.Status
	}
	if c.EndsAt != nil && !now.Before(*c.EndsAt) {
		return Ended
	}
	if c.StartsAt != nil && now.Before(*c.StartsAt) {
		return Scheduled
	}
	return Live
}

// Scheduled is the state of a live campaign whose start is still to come.
const Scheduled Status = "scheduled"

// Open reports an error when the campaign cannot be unlocked or forwarded
// now: ErrNotOpen (draft or scheduled), ErrPaused or ErrEnded.
func (c *Campaign) Open(now time.Time) error {
	switch c.State(now) {
	case Live:
		return nil
	case Paused:
		return ErrPaused
	case Ended:
		return ErrEnded
	default:
		return ErrNotOpen
	}
}

// transitions lists the legal status changes.
var transitions = map[Status][]Status{
	Draft:  {Live, Ended},
	Live:   {Paused, Ended},
	Paused: {Live, Ended},
}

// CanMove reports whether a campaign may go from status from to status to.
func CanMove(from, to Status) bool {
	for _, s := range transitions[from] {
		if s == to {
			return true
		}
	}
	return false
}

// Errors returned by this package.
var (
	ErrNotFound   = errors.New("campaign not found")
	ErrNotOpen    = errors.New("campaign not open yet")
	ErrPaused     = errors.New("campaign paused")
	ErrEnded      = errors.New("campaign ended")
	ErrTransition = errors.New("illegal status change")
	ErrNoContent  = errors.New("campaign has no content")
)

// ValidationError is bad input from a marketer (or an address a recipient
// typed); its message is safe to show. It is the one validation error of
// the domain: notify returns it too. Format and Args are the message
// before formatting, in English, so that the dashboard can say it in the
// marketer's language.
type ValidationError struct {
	Field   string
	Message string
	Format  string
	Args    []any
}

// Error returns "field: message", or the message alone.
func (e *ValidationError) Error() string {
	if e.Field == "" {
		return e.Message
	}
	return fmt.Sprintf("%s: %s", e.Field, e.Message)
}

// Invalid returns the ValidationError of field, its message formatted
// from format and args as fmt.Sprintf does.
func Invalid(field, format string, args ...any) *ValidationError {
	return &ValidationError{Field: field, Message: fmt.Sprintf(format, args...), Format: format, Args: args}
}
