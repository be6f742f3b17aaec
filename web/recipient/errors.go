package recipient

import (
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/sillage/sillage/campaign"
	"github.com/sillage/sillage/campaign/app"
	"github.com/sillage/sillage/campaign/i18n"
	"github.com/sillage/sillage/gating"
	"github.com/sillage/sillage/notify"
	"github.com/sillage/sillage/web/internal/httpx"
)

// Refusals that come from the web side rather than the domain.
var (
	errNotAPerson = errors.New("unlock by a robot")
	errTooMany    = errors.New("too many requests from this network")
)

// opensAt is campaign.ErrNotOpen with the date it opens, for the page.
type opensAt struct{ when time.Time }

func (e opensAt) Error() string { return campaign.ErrNotOpen.Error() }
func (e opensAt) Unwrap() error { return campaign.ErrNotOpen }

// lifecycleError adds the opening date to a "not open yet" refusal.
func (h *Handler) lifecycleError(err error, c *campaign.Campaign) error {
	if errors.Is(err, campaign.ErrNotOpen) && c.StartsAt != nil && h.cfg.Now().Before(*c.StartsAt) {
		return opensAt{*c.StartsAt}
	}
	return err
}

// statusKeys are the refusals said by one sentence of the catalog, with
// their status codes, in the order they are checked.
var statusKeys = []struct {
	err    error
	status int
	key    string
}{
	{gating.ErrNotFound, http.StatusNotFound, "recipient.not_found"},
	{campaign.ErrNotFound, http.StatusNotFound, "recipient.not_found"},
	{notify.ErrNotFound, http.StatusNotFound, "recipient.not_found"},
	{gating.ErrSeatTaken, http.StatusConflict, "recipient.seat_taken"},
	{campaign.ErrEnded, http.StatusGone, "recipient.ended"},
	{campaign.ErrPaused, http.StatusForbidden, "recipient.paused"},
	{campaign.ErrNotOpen, http.StatusForbidden, "recipient.not_open"},
	{gating.ErrExpired, http.StatusGone, "recipient.expired"},
	{gating.ErrTooDeep, http.StatusForbidden, "recipient.too_deep"},
	{gating.ErrFull, http.StatusGone, "recipient.full"},
	{gating.ErrNetworkCap, http.StatusTooManyRequests, "recipient.network_cap"},
	{gating.ErrForwardLimit, http.StatusForbidden, "recipient.forward_limit"},
	{gating.ErrNoClaim, http.StatusForbidden, "recipient.no_claim"},
	{errNotAPerson, http.StatusForbidden, "recipient.not_a_person"},
	{errTooMany, http.StatusTooManyRequests, "recipient.too_many"},
	{app.ErrSendForMeOff, http.StatusForbidden, "recipient.send_for_me_off"},
	{notify.ErrOptedOut, http.StatusForbidden, "recipient.send_for_me_opt_out"},
	{notify.ErrAlreadySent, http.StatusConflict, "recipient.send_for_me_already"},
	{notify.ErrSendLimit, http.StatusForbidden, "recipient.send_for_me_limit"},
	{notify.ErrCampaignBusy, http.StatusTooManyRequests, "recipient.send_for_me_busy"},
	{notify.ErrNetworkBusy, http.StatusTooManyRequests, "recipient.send_for_me_network"},
	{notify.ErrNotMobile, http.StatusBadRequest, "recipient.send_for_me_mobile"},
}

// recipientStatus maps a domain error to the status and sentence a
// recipient sees. This is the one place where recipient errors get their
// status codes.
func recipientStatus(err error, l *i18n.Lang) (int, string) {
	for _, s := range statusKeys {
		if errors.Is(err, s.err) {
			return s.status, l.T(s.key)
		}
	}
	var (
		invalid *campaign.ValidationError
		country *notify.CountryError
	)
	switch {
	case errors.As(err, &country):
		return http.StatusBadRequest, l.T("recipient.send_for_me_country", strings.Join(country.Allowed, ", "))
	case notify.AddressRefused(err):
		return http.StatusBadRequest, l.T("recipient.send_for_me_address")
	case errors.As(err, &invalid):
		return http.StatusBadRequest, l.SayInvalid(invalid.Field, invalid.Message, invalid.Format, invalid.Args)
	case httpx.Unavailable(err):
		return http.StatusServiceUnavailable, l.T("recipient.cannot_save")
	}
	return http.StatusInternalServerError, l.T("recipient.oops")
}

// recipientError writes a refusal as a human page in the campaign's
// language (lang, or the browser's when lang is empty).
func (h *Handler) recipientError(w http.ResponseWriter, r *http.Request, lang string, err error) {
	l := langFor(r, lang)
	status, msg := recipientStatus(err, l)
	switch status {
	case http.StatusInternalServerError:
		h.log.Error("recipient request", "route", httpx.RouteOf(r), "request_id", httpx.RequestID(r.Context()), "err", err)
	case http.StatusServiceUnavailable:
		httpx.LogUnavailable(h.log, r, err)
	}
	p := messagePage{page: page{L: l, Title: l.T("recipient.not_found_title")}, Message: msg}
	if status != http.StatusNotFound {
		p.Title = "Sillage"
	}
	p.Detail = opensOn(l, err)
	h.pages.Render(w, status, "message.html", p)
}

// campaignError writes a refusal of link token of campaign c as a page
// headed by the campaign's teaser. Without a campaign, and for "not
// found" (a revoked link must look like one that never was), the page is
// recipientError's neutral one.
func (h *Handler) campaignError(w http.ResponseWriter, r *http.Request, c *campaign.Campaign, token string, err error) {
	if c == nil {
		h.recipientError(w, r, "", err)
		return
	}
	l := langFor(r, c.Language)
	status, msg := recipientStatus(err, l)
	if status == http.StatusNotFound || status >= http.StatusInternalServerError {
		h.recipientError(w, r, c.Language, err)
		return
	}
	p := messagePage{page: page{L: l, Title: publicTitle(c)}, Message: msg, Teaser: true,
		Description: c.Teaser.Description, Image: teaserImage(c, token)}
	p.Detail = opensOn(l, err)
	h.pages.Render(w, status, "message.html", p)
}

// opensOn says when a campaign not open yet opens, or nothing.
func opensOn(l *i18n.Lang, err error) string {
	var at opensAt
	if !errors.As(err, &at) {
		return ""
	}
	return l.T("recipient.opens_on") + " " + l.Date(at.when, "recipient")
}
