package dashboard

import (
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/sillage/sillage/campaign"
	"github.com/sillage/sillage/campaign/cascade"
	"github.com/sillage/sillage/campaign/i18n"
	"github.com/sillage/sillage/gating"
	"github.com/sillage/sillage/web/internal/httpx"
)

// revokePage asks before revoking a link, and says what revoking does.
type revokePage struct {
	frame
	Link  int64
	Ref   string // "#5"
	Facts []fact
	Error string // the form came back unconfirmed
}

// fact is one line of a description list.
type fact struct{ Label, Value string }

// releaseForm is the live view's form that frees a seat, as typed.
type releaseForm struct {
	Claim   string
	Confirm bool
	Field   string // "claim" or "confirm": the field Error is about
	Error   string
}

// ErrorFor returns the error when it is about field, else "".
func (f releaseForm) ErrorFor(field string) string {
	if f.Field == field {
		return f.Error
	}
	return ""
}

// alertsPage shows the security counters and the leaked links of every
// campaign.
type alertsPage struct {
	frame
	Since    string
	Quiet    bool // both limits are on, nothing was counted, and no link leaked
	Counters []liveFigure
	Leaks    []campaignLeaks
}

// campaignLeaks is one campaign with leaked links.
type campaignLeaks struct {
	ID         campaign.ID
	Title      string
	Leaked     string
	NotRevoked string
}

// handleRevokeConfirm answers GET /campaigns/{id}/links/{link}/revoke:
// what the link is, what revoking it does, and the button.
func (h *Handler) handleRevokeConfirm(w http.ResponseWriter, r *http.Request) {
	c, l, ok := h.linkOf(w, r)
	if !ok {
		return
	}
	t := langOf(r)
	revoked, err := h.app.RevokedLeaks(r.Context(), c.ID)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if revoked[l.ID] {
		h.trustMessage(w, r, c, http.StatusConflict, t.T("dashboard.trust.already_revoked", t.T("dashboard.live.ref", l.ID)))
		return
	}
	h.pages.Render(w, http.StatusOK, "dash_trust_revoke.html", h.revokePage(r, t, c, l))
}

// handleRevoke answers POST /campaigns/{id}/links/{link}/revoke
// (confirm=yes): the API's DELETE /links/{link}. Back on the live view, a
// notice says it was done.
func (h *Handler) handleRevoke(w http.ResponseWriter, r *http.Request) {
	c, l, ok := h.linkOf(w, r)
	if !ok {
		return
	}
	t := langOf(r)
	if readForm(w, r).Get("confirm") != "yes" {
		p := h.revokePage(r, t, c, l)
		p.Error = t.T("dashboard.trust.revoke_unconfirm")
		h.pages.Render(w, http.StatusUnprocessableEntity, "dash_trust_revoke.html", p)
		return
	}
	ref := t.T("dashboard.live.ref", l.ID)
	err := h.app.Revoke(r.Context(), c.ID, l.ID)
	if errors.Is(err, gating.ErrNotFound) {
		// linkOf found the link in this campaign: it was revoked before.
		h.trustMessage(w, r, c, http.StatusConflict, t.T("dashboard.trust.already_revoked", ref))
		return
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.flash(r, c.ID, t.T("dashboard.trust.revoked_notice", ref))
	http.Redirect(w, r, fmt.Sprintf("/campaigns/%d/live", c.ID), http.StatusSeeOther)
}

// handleReleaseForm answers GET /campaigns/{id}/claims/release: the
// form is on the live view.
func (h *Handler) handleReleaseForm(w http.ResponseWriter, r *http.Request) {
	c, ok := h.campaignOf(w, r)
	if !ok {
		return
	}
	http.Redirect(w, r, fmt.Sprintf("/campaigns/%d/live#release-title", c.ID), http.StatusSeeOther)
}

// handleRelease answers POST /campaigns/{id}/claims/release (claim,
// confirm): the API's POST /claims/{claim}/release, for a recipient who
// changed phone. A refused form comes back on the live view with why.
func (h *Handler) handleRelease(w http.ResponseWriter, r *http.Request) {
	c, ok := h.campaignOf(w, r)
	if !ok {
		return
	}
	t := langOf(r)
	v := readForm(w, r)
	form := releaseForm{Claim: v.Get("claim"), Confirm: v.Get("confirm") == "yes"}
	n, ok := parseRef(form.Claim)
	ref := person(t, int(n))
	status := http.StatusUnprocessableEntity
	var id int64 // the person's claim
	switch {
	case !ok:
		form.Field, form.Error = "claim", t.T("dashboard.trust.bad_claim")
	default:
		var found bool
		err := h.trees.WithTree(r.Context(), c.ID, func(tree *cascade.Tree) error {
			id, found = personClaim(tree, n)
			return nil
		})
		switch {
		case err != nil:
			h.fail(w, r, err)
			return
		case !found:
			status, form.Field, form.Error = http.StatusNotFound, "claim", t.T("dashboard.trust.no_such_claim", ref)
		case !form.Confirm:
			form.Field, form.Error = "confirm", t.T("dashboard.trust.release_unconfirm")
		}
	}
	if form.Error == "" {
		_, err := h.app.Release(r.Context(), c.ID, id)
		switch {
		case errors.Is(err, gating.ErrNotFound):
			status, form.Field, form.Error = http.StatusNotFound, "claim", t.T("dashboard.trust.no_such_claim", ref)
		case errors.Is(err, gating.ErrReleased):
			status, form.Field, form.Error = http.StatusConflict, "claim", t.T("dashboard.trust.already_released", ref)
		case err != nil:
			h.fail(w, r, err)
			return
		default:
			h.flash(r, c.ID, t.T("dashboard.trust.released_notice", ref))
			http.Redirect(w, r, fmt.Sprintf("/campaigns/%d/live", c.ID), http.StatusSeeOther)
			return
		}
	}
	p, ok := h.live(w, r, false)
	if !ok {
		return
	}
	form.Confirm = false // a refused form asks again
	p.Release = form
	h.pages.Render(w, status, "dash_live.html", p)
}

// handleAlerts answers GET /alerts: the API's security counters, and
// the campaigns with leaked links.
func (h *Handler) handleAlerts(w http.ResponseWriter, r *http.Request) {
	t := langOf(r)
	a, err := h.alerts.Counts(r.Context())
	if err != nil {
		h.fail(w, r, err)
		return
	}
	since, lim := "dashboard.trust.alerts_since", h.limits.Limits()
	if h.alerts.Shared() {
		since = "dashboard.trust.alerts_shared"
	}
	p := alertsPage{frame: h.frame(r, t, t.T("dashboard.trust.alerts_title")), Since: t.T(since, formatTime(t, a.Since))}
	p.Nav = "alerts"
	win := lim.Window
	if win <= 0 {
		win = time.Minute // newLimiter's default
	}
	window := duration(t, win.Seconds())
	guess, unlocks := t.T("dashboard.trust.guessing_off"), t.T("dashboard.trust.limited_off")
	if lim.FailedLookups > 0 {
		guess = t.T("dashboard.trust.guessing_hint", count(t, nUnknownLinks, lim.FailedLookups), window)
	}
	if lim.Unlocks > 0 {
		unlocks = t.T("dashboard.trust.limited_hint", t.Int(int64(lim.Unlocks)), window)
	}
	p.Counters = []liveFigure{
		{Field: "guessing_bursts", Label: t.T("dashboard.trust.guessing_bursts"), Hint: guess, Raw: a.GuessingBursts, Value: t.Int(a.GuessingBursts)},
		{Field: "limited_unlocks", Label: t.T("dashboard.trust.limited_unlocks"), Hint: unlocks, Raw: a.LimitedUnlocks, Value: t.Int(a.LimitedUnlocks)},
	}
	list, err := h.campaigns.List(r.Context())
	if err != nil {
		h.fail(w, r, err)
		return
	}
	for _, c := range list {
		leaks, err := h.app.Leaks(r.Context(), c.ID)
		if err != nil {
			h.fail(w, r, err)
			return
		}
		if len(leaks) == 0 {
			continue
		}
		open := 0
		for _, k := range leaks {
			if !k.Revoked {
				open++
			}
		}
		p.Leaks = append(p.Leaks, campaignLeaks{c.ID, c.Title, t.Int(int64(len(leaks))), t.Int(int64(open))})
	}
	// With a limit off, nothing is counted: silence would prove nothing.
	// A leaked link is something to report, revoked or not.
	p.Quiet = a.GuessingBursts == 0 && a.LimitedUnlocks == 0 && lim.FailedLookups > 0 && lim.Unlocks > 0 && len(p.Leaks) == 0
	h.pages.Render(w, http.StatusOK, "dash_trust_alerts.html", p)
}

// sentLink is a link, and the person number of its sender (0: a seed
// link).
type sentLink struct {
	cascade.Link
	SenderPerson int
}

// linkOf loads the route's campaign and its link {link}, or writes the
// error: a link of another campaign is as unknown as one that never was.
func (h *Handler) linkOf(w http.ResponseWriter, r *http.Request) (*campaign.Campaign, sentLink, bool) {
	c, ok := h.campaignOf(w, r)
	if !ok {
		return nil, sentLink{}, false
	}
	t := langOf(r)
	id := pathID(chi.URLParam(r, "link"))
	if id == 0 {
		h.trustMessage(w, r, c, http.StatusNotFound, t.T("dashboard.trust.no_link"))
		return nil, sentLink{}, false
	}
	var (
		l     sentLink
		found bool
	)
	err := h.trees.WithTree(r.Context(), c.ID, func(tree *cascade.Tree) error {
		i, ok := slices.BinarySearchFunc(tree.Links, id, func(l cascade.Link, id int64) int { return cmpInt(l.ID, id) })
		if ok {
			l, found = sentLink{tree.Links[i], personNumber(tree, tree.Links[i].Sender)}, true
		}
		return nil
	})
	if err != nil {
		h.fail(w, r, err)
		return nil, sentLink{}, false
	}
	if !found {
		h.trustMessage(w, r, c, http.StatusNotFound, t.T("dashboard.trust.no_such_link", t.T("dashboard.live.ref", id)))
		return nil, sentLink{}, false
	}
	return c, l, true
}

func cmpInt(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func (h *Handler) revokePage(r *http.Request, t *i18n.Lang, c *campaign.Campaign, l sentLink) revokePage {
	ref := t.T("dashboard.live.ref", l.ID)
	p := revokePage{frame: h.campaignPage(r, t, t.T("dashboard.trust.revoke_title", ref), c.ID, "live"), Link: l.ID, Ref: ref}
	by := t.T("dashboard.live.seed_link")
	if l.Sender != 0 {
		by = person(t, l.SenderPerson)
	}
	p.Facts = []fact{
		{t.T("dashboard.title"), c.Title},
		{t.T("dashboard.live.channel"), channel(t, l.Channel)},
		{t.T("dashboard.live.sent_by"), by},
		{t.T("dashboard.trust.minted"), formatTime(t, l.CreatedAt)},
		{t.T("dashboard.live.seats"), t.Int(int64(l.Seats))},
		{t.T("dashboard.live.opened"), t.Int(int64(l.Claims))},
		{t.T("dashboard.live.refused"), t.Int(int64(l.Refused))},
	}
	return p
}

// trustMessage writes msg as a page of the campaign's live tab.
func (h *Handler) trustMessage(w http.ResponseWriter, r *http.Request, c *campaign.Campaign, status int, msg string) {
	if httpx.WantsJSON(r) {
		httpx.Error(w, status, msg)
		return
	}
	p := messagePage{frame: h.campaignPage(r, langOf(r), c.Title, c.ID, "live"), Message: msg}
	h.pages.Render(w, status, "dash_message.html", p)
}

// flash keeps a notice for the next page of campaign id in the session:
// shown once, after the redirect.
func (h *Handler) flash(r *http.Request, id campaign.ID, notice string) {
	h.sessions.Put(r.Context(), noticeKey(id), notice)
}

// popNotice returns the notice kept for campaign id, and forgets it.
func (h *Handler) popNotice(r *http.Request, id campaign.ID) string {
	return h.sessions.PopString(r.Context(), noticeKey(id))
}

func noticeKey(id campaign.ID) string { return "notice." + strconv.FormatInt(int64(id), 10) }

// refPattern reads a person's number as the dashboard writes it: "12",
// "Person 12", "Personne 12", and as people may type it: "#12", "n° 12".
var refPattern = regexp.MustCompile(`(?i)^(?:person(?:ne)?)?\s*(?:#|n\s*[°º]|no\.?)?\s*([0-9]{1,18})$`)

// parseRef returns a person's number (people.go), false when s
// is not one.
func parseRef(s string) (int64, bool) {
	s = strings.Map(func(r rune) rune {
		if r == '\u00a0' || r == '\u202f' {
			return ' '
		}
		return r
	}, strings.TrimSpace(s))
	m := refPattern.FindStringSubmatch(s)
	if m == nil {
		return 0, false
	}
	n, err := strconv.ParseInt(m[1], 10, 64)
	return n, err == nil && n > 0
}
