package api

import (
	"net/http"

	"github.com/sillage/sillage/web/internal/httpx"
)

// handleAlerts answers GET /alerts: the security counters of every
// instance (httpx.AlertCounts).
func (h *Handler) handleAlerts(w http.ResponseWriter, r *http.Request) {
	a, err := h.alerts.Counts(r.Context())
	if err != nil {
		h.errs.JSON(w, r, err)
		return
	}
	httpx.WriteJSON(w, http.StatusOK, a)
}
