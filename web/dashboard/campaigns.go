package dashboard

import (
	"net/http"

	"github.com/go-chi/chi/v5"

	"github.com/sillage/sillage/campaign"
	"github.com/sillage/sillage/campaign/i18n"
	"github.com/sillage/sillage/web/internal/httpx"
)

// handleCampaigns answers GET /campaigns: every campaign with its
// status and headline figures, which dash.js refreshes from
// /campaigns/figures.
func (h *Handler) handleCampaigns(w http.ResponseWriter, r *http.Request) {
	t := langOf(r)
	rows, err := h.campaignRows(r, t)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	p := campaignsPage{frame: h.frame(r, t, t.T("dashboard.campaigns")), Campaigns: rows}
	p.Nav = "campaigns"
	h.pages.Render(w, http.StatusOK, "dash_campaigns.html", p)
}

// handleFigures answers GET /campaigns/figures: the list's figures as
// JSON, polled by the list page.
func (h *Handler) handleFigures(w http.ResponseWriter, r *http.Request) {
	rows, err := h.campaignRows(r, langOf(r))
	if err != nil {
		h.errs.JSON(w, r, err)
		return
	}
	httpx.WriteJSON(w, http.StatusOK, map[string]any{"campaigns": rows})
}

// campaignRows reads every campaign's headline counters, kept at write
// time: one small read per campaign, whatever the size of its tree.
func (h *Handler) campaignRows(r *http.Request, t *i18n.Lang) ([]campaignRow, error) {
	list, err := h.campaigns.List(r.Context())
	if err != nil {
		return nil, err
	}
	now := h.cfg.Now()
	rows := make([]campaignRow, len(list))
	for i, c := range list {
		counters, err := h.campaigns.Counters(r.Context(), c.ID)
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

// campaignOf loads the campaign of the route, or writes the error.
func (h *Handler) campaignOf(w http.ResponseWriter, r *http.Request) (*campaign.Campaign, bool) {
	id := pathID(chi.URLParam(r, "id"))
	if id == 0 {
		h.fail(w, r, campaign.ErrNotFound)
		return nil, false
	}
	c, err := h.campaigns.Find(r.Context(), campaign.ID(id))
	if err != nil {
		h.fail(w, r, err)
		return nil, false
	}
	return c, true
}
