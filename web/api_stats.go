package web

import (
	"net/http"

	"github.com/sillage/sillage/campaign"
	"github.com/sillage/sillage/campaign/app"
	"github.com/sillage/sillage/campaign/cascade"
	"github.com/sillage/sillage/web/internal/httpx"
)

// figures computes the figures of campaign id over the request's window,
// writing the error answer itself when it cannot.
func (s *Server) figures(w http.ResponseWriter, r *http.Request) (campaign.ID, *httpx.Stats, bool) {
	id, ok := campaignID(w, r)
	if !ok {
		return 0, nil, false
	}
	win, out, err := httpx.ParseWindow(r, s.cfg.Now())
	if err != nil {
		httpx.Error(w, http.StatusBadRequest, err.Error())
		return 0, nil, false
	}
	f, err := s.app.Figures(r.Context(), id, win)
	if err != nil {
		s.errs.JSON(w, r, err)
		return 0, nil, false
	}
	st := httpx.NewStats(f)
	st.Window = out
	return id, st, true
}

func (s *Server) handleStats(w http.ResponseWriter, r *http.Request) {
	if _, st, ok := s.figures(w, r); ok {
		httpx.WriteJSON(w, http.StatusOK, st)
	}
}

func (s *Server) handleCascades(w http.ResponseWriter, r *http.Request) {
	if _, st, ok := s.figures(w, r); ok {
		httpx.WriteJSON(w, http.StatusOK, map[string]any{"cascades": st.Cascades, "window": st.Window})
	}
}

func (s *Server) handleAmbassadors(w http.ResponseWriter, r *http.Request) {
	if _, st, ok := s.figures(w, r); ok {
		httpx.WriteJSON(w, http.StatusOK, map[string]any{"ambassadors": st.Ambassadors, "window": st.Window})
	}
}

// handleExport answers the tree as CSV (nodes, or edges), JSON or
// GraphML, a file to download.
func (s *Server) handleExport(w http.ResponseWriter, r *http.Request) {
	id, ok := campaignID(w, r)
	if !ok {
		return
	}
	format, ok := cascade.FormatNamed(r.URL.Query().Get("format"))
	if !ok {
		httpx.Error(w, http.StatusBadRequest, `format: must be "csv", "edges", "json" or "graphml"`)
		return
	}
	c, err := s.campaigns.Find(r.Context(), id)
	if err != nil {
		s.errs.JSON(w, r, err)
		return
	}
	if err := s.exports.Write(w, r, c, format); err != nil {
		s.errs.JSON(w, r, err)
	}
}

// handleTree answers the tree as JSON, as the JSON export.
func (s *Server) handleTree(w http.ResponseWriter, r *http.Request) {
	id, ok := campaignID(w, r)
	if !ok {
		return
	}
	c, err := s.campaigns.Find(r.Context(), id)
	if err != nil {
		s.errs.JSON(w, r, err)
		return
	}
	format, _ := cascade.FormatNamed("json")
	f, size, err := s.app.Export(r.Context(), c, format)
	if err != nil {
		s.errs.JSON(w, r, err)
		return
	}
	defer f.Close()
	w.Header().Set("Content-Type", format.ContentType)
	if r.URL.Query().Get("download") != "" {
		w.Header().Set("Content-Disposition", `attachment; filename="`+app.ExportName(id, format)+`"`)
	}
	s.exports.WriteLarge(w, id, f, size)
}
