package web

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/sillage/sillage/campaign"
	"github.com/sillage/sillage/campaign/app"
	"github.com/sillage/sillage/gating"
	"github.com/sillage/sillage/notify"
	"github.com/sillage/sillage/web/internal/httpx"
)

// opensAt is campaign.ErrNotOpen with the date it opens, for the page.
type opensAt struct{ when time.Time }

func (e opensAt) Error() string { return campaign.ErrNotOpen.Error() }
func (e opensAt) Unwrap() error { return campaign.ErrNotOpen }

// lifecycleError adds the opening date to a "not open yet" refusal.
func (s *Server) lifecycleError(err error, c *campaign.Campaign) error {
	if errors.Is(err, campaign.ErrNotOpen) && c.StartsAt != nil && s.cfg.Now().Before(*c.StartsAt) {
		return opensAt{*c.StartsAt}
	}
	return err
}

// recipientStatus maps a domain error to the status and sentence a
// recipient sees. This is the one place where recipient errors get their
// status codes.
func recipientStatus(err error, t *text) (int, string) {
	var (
		invalid *campaign.ValidationError
		country *notify.CountryError
	)
	switch {
	case errors.Is(err, gating.ErrNotFound), errors.Is(err, campaign.ErrNotFound), errors.Is(err, notify.ErrNotFound):
		return http.StatusNotFound, t.NotFound
	case errors.Is(err, gating.ErrSeatTaken):
		return http.StatusConflict, t.SeatTaken
	case errors.Is(err, campaign.ErrEnded):
		return http.StatusGone, t.Ended
	case errors.Is(err, campaign.ErrPaused):
		return http.StatusForbidden, t.Paused
	case errors.Is(err, campaign.ErrNotOpen):
		return http.StatusForbidden, t.NotOpen
	case errors.Is(err, gating.ErrExpired):
		return http.StatusGone, t.Expired
	case errors.Is(err, gating.ErrTooDeep):
		return http.StatusForbidden, t.TooDeep
	case errors.Is(err, gating.ErrFull):
		return http.StatusGone, t.Full
	case errors.Is(err, gating.ErrNetworkCap):
		return http.StatusTooManyRequests, t.NetworkCap
	case errors.Is(err, gating.ErrForwardLimit):
		return http.StatusForbidden, t.ForwardLimit
	case errors.Is(err, gating.ErrNoClaim):
		return http.StatusForbidden, t.NoClaim
	case errors.Is(err, errNotAPerson):
		return http.StatusForbidden, t.NotAPerson
	case errors.Is(err, errTooMany):
		return http.StatusTooManyRequests, t.TooMany
	case errors.Is(err, app.ErrSendForMeOff):
		return http.StatusForbidden, t.SendForMeOff
	case errors.Is(err, notify.ErrOptedOut):
		return http.StatusForbidden, t.SendForMeOptOut
	case errors.Is(err, notify.ErrAlreadySent):
		return http.StatusConflict, t.SendForMeAlready
	case errors.Is(err, notify.ErrSendLimit):
		return http.StatusForbidden, t.SendForMeLimit
	case errors.Is(err, notify.ErrCampaignBusy):
		return http.StatusTooManyRequests, t.SendForMeBusy
	case errors.Is(err, notify.ErrNetworkBusy):
		return http.StatusTooManyRequests, t.SendForMeNetwork
	case errors.Is(err, notify.ErrNotMobile):
		return http.StatusBadRequest, t.SendForMeMobile
	case errors.As(err, &country):
		return http.StatusBadRequest, fmt.Sprintf(t.SendForMeCountry, strings.Join(country.Allowed, ", "))
	case notify.AddressRefused(err):
		return http.StatusBadRequest, t.SendForMeAddress
	case errors.As(err, &invalid):
		return http.StatusBadRequest, sayInvalid(t.Lang, invalid.Field, invalid.Message, invalid.Format, invalid.Args)
	case httpx.Unavailable(err):
		return http.StatusServiceUnavailable, t.CannotSave
	}
	return http.StatusInternalServerError, t.Oops
}

// recipientError writes a refusal as a human page in the campaign's
// language (lang, or the browser's when lang is empty).
func (s *Server) recipientError(w http.ResponseWriter, r *http.Request, lang string, err error) {
	t := textFor(r, lang)
	status, msg := recipientStatus(err, t)
	switch status {
	case http.StatusInternalServerError:
		s.log.Error("recipient request", "route", httpx.RouteOf(r), "request_id", httpx.RequestID(r.Context()), "err", err)
	case http.StatusServiceUnavailable:
		httpx.LogUnavailable(s.log, r, err)
	}
	p := messagePage{page: page{T: t, Title: t.NotFoundTitle}, Message: msg}
	if status != http.StatusNotFound {
		p.Title = "Sillage"
	}
	var at opensAt
	if errors.As(err, &at) {
		p.Detail = t.OpensOn + " " + t.formatDate(at.when)
	}
	s.pages.Render(w, status, "message.html", p)
}

// campaignError writes a refusal of link token of campaign c as a page
// headed by the campaign's teaser. Without a campaign, and for "not
// found" (a revoked link must look like one that never was), the page is
// recipientError's neutral one.
func (s *Server) campaignError(w http.ResponseWriter, r *http.Request, c *campaign.Campaign, token string, err error) {
	if c == nil {
		s.recipientError(w, r, "", err)
		return
	}
	t := textFor(r, c.Language)
	status, msg := recipientStatus(err, t)
	if status == http.StatusNotFound || status >= http.StatusInternalServerError {
		s.recipientError(w, r, c.Language, err)
		return
	}
	p := messagePage{page: page{T: t, Title: publicTitle(c)}, Message: msg, Teaser: true,
		Description: c.Teaser.Description, Image: teaserImage(c, token)}
	var at opensAt
	if errors.As(err, &at) {
		p.Detail = t.OpensOn + " " + t.formatDate(at.when)
	}
	s.pages.Render(w, status, "message.html", p)
}

func (s *Server) handleNotFound(w http.ResponseWriter, r *http.Request) {
	s.recipientError(w, r, "", gating.ErrNotFound)
}
