package api

import (
	"net/http"
	"strconv"

	"github.com/sillage/sillage/campaign"
	"github.com/sillage/sillage/web/internal/httpx"
)

func (h *Handler) handleCampaignCreate(w http.ResponseWriter, r *http.Request) {
	var in campaignInput
	if err := httpx.DecodeJSON(w, r, &in); err != nil {
		httpx.Error(w, http.StatusBadRequest, err.Error())
		return
	}
	c := &campaign.Campaign{Language: "en", Rules: campaign.DefaultRules()}
	if err := in.apply(c); err != nil {
		h.errs.JSON(w, r, err)
		return
	}
	if err := h.campaigns.Create(r.Context(), c); err != nil {
		h.errs.JSON(w, r, err)
		return
	}
	w.Header().Set("Location", "/api/v1/campaigns/"+strconv.FormatInt(int64(c.ID), 10))
	httpx.WriteJSON(w, http.StatusCreated, h.campaignJSON(c))
}

func (h *Handler) handleCampaignList(w http.ResponseWriter, r *http.Request) {
	list, err := h.campaigns.List(r.Context())
	if err != nil {
		h.errs.JSON(w, r, err)
		return
	}
	out := make([]campaignJSON, len(list))
	for i, c := range list {
		out[i] = h.campaignJSON(c)
	}
	httpx.WriteJSON(w, http.StatusOK, map[string]any{"campaigns": out})
}

func (h *Handler) handleCampaignGet(w http.ResponseWriter, r *http.Request) {
	id, ok := campaignID(w, r)
	if !ok {
		return
	}
	c, err := h.campaigns.Find(r.Context(), id)
	if err != nil {
		h.errs.JSON(w, r, err)
		return
	}
	httpx.WriteJSON(w, http.StatusOK, h.campaignJSON(c))
}

func (h *Handler) handleCampaignPatch(w http.ResponseWriter, r *http.Request) {
	id, ok := campaignID(w, r)
	if !ok {
		return
	}
	var in campaignInput
	if err := httpx.DecodeJSON(w, r, &in); err != nil {
		httpx.Error(w, http.StatusBadRequest, err.Error())
		return
	}
	c, err := h.campaigns.Update(r.Context(), id, in.apply)
	if err != nil {
		h.errs.JSON(w, r, err)
		return
	}
	httpx.WriteJSON(w, http.StatusOK, h.campaignJSON(c))
}

func (h *Handler) handleStatus(w http.ResponseWriter, r *http.Request) {
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
		h.errs.JSON(w, r, campaign.Invalid("status", `must be "live", "paused" or "ended"`))
		return
	}
	c, err := h.campaigns.SetStatus(r.Context(), id, to)
	if err != nil {
		h.errs.JSON(w, r, err)
		return
	}
	httpx.WriteJSON(w, http.StatusOK, h.campaignJSON(c))
}
