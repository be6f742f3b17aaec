package dashboard

import (
	"fmt"
	"net/http"

	"github.com/sillage/sillage/campaign"
)

// handleStatusConfirm answers GET /campaigns/{id}/status?to=S: the
// confirmation step before a status change.
func (h *Handler) handleStatusConfirm(w http.ResponseWriter, r *http.Request) {
	c, ok := h.campaignOf(w, r)
	if !ok {
		return
	}
	t := langOf(r)
	to := r.URL.Query().Get("to")
	if word(t, "dashboard.actions."+to) == "" {
		http.Redirect(w, r, fmt.Sprintf("/campaigns/%d", c.ID), http.StatusSeeOther)
		return
	}
	p := confirmPage{frame: h.frame(r, t, c.Title), ID: c.ID, To: to, Question: word(t, "dashboard.confirms."+to), Button: word(t, "dashboard.actions."+to)}
	p.Nav = "campaigns"
	h.pages.Render(w, http.StatusOK, "dash_confirm.html", p)
}

// handleStatus answers POST /campaigns/{id}/status (status): the
// confirmed change.
func (h *Handler) handleStatus(w http.ResponseWriter, r *http.Request) {
	c, ok := h.campaignOf(w, r)
	if !ok {
		return
	}
	to := campaign.Status(readForm(w, r).Get("status"))
	var err error
	if to != campaign.Live && to != campaign.Paused && to != campaign.Ended {
		err = campaign.Invalid("status", `must be "live", "paused" or "ended"`)
	} else {
		_, err = h.campaigns.SetStatus(r.Context(), c.ID, to)
	}
	if err != nil {
		h.editorError(w, r, h.editor(r, langOf(r), c, formFromCampaign(c)), err)
		return
	}
	http.Redirect(w, r, fmt.Sprintf("/campaigns/%d?saved=1", c.ID), http.StatusSeeOther)
}
