package web

import (
	"fmt"
	"io"
	"net/http"
	"strconv"
	"time"

	"github.com/sillage/sillage/campaign"
	"github.com/sillage/sillage/campaign/app"
	"github.com/sillage/sillage/campaign/cascade"
	"github.com/sillage/sillage/web/internal/httpx"
)

// statsJSON is every figure of a campaign: the forward tree's (package
// cascade) plus two kept at write time for the dashboard's O(1) headline.
type statsJSON struct {
	cascade.Figures
	MaxDepth int    `json:"max_depth"` // the same as depth.max, kept for the core loop's clients
	Refusals int64  `json:"refusals"`  // devices turned away by full links, campaign total
	Window   window `json:"window"`
}

type window struct {
	From *time.Time `json:"from"`
	To   *time.Time `json:"to"`
}

// parseWindow reads the optional from and to query parameters (RFC 3339).
func parseWindow(r *http.Request, now time.Time) (cascade.Window, window, error) {
	var (
		w   = cascade.Window{Now: now}
		out window
	)
	for _, p := range []struct {
		name string
		dst  *time.Time
		out  **time.Time
	}{{"from", &w.From, &out.From}, {"to", &w.To, &out.To}} {
		v := r.URL.Query().Get(p.name)
		if v == "" {
			continue
		}
		t, err := time.Parse(time.RFC3339, v)
		if err != nil {
			return w, out, fmt.Errorf("%s: must be an RFC 3339 time such as 2026-12-01T20:00:00Z", p.name)
		}
		t = t.UTC()
		*p.dst, *p.out = t, &t
	}
	if out.From != nil && out.To != nil && !w.To.After(w.From) {
		return w, out, fmt.Errorf("to: must be after from")
	}
	return w, out, nil
}

// figures computes the figures of campaign id over the request's window,
// writing the error answer itself when it cannot.
func (s *Server) figures(w http.ResponseWriter, r *http.Request) (campaign.ID, *statsJSON, bool) {
	id, ok := campaignID(w, r)
	if !ok {
		return 0, nil, false
	}
	win, out, err := parseWindow(r, s.cfg.Now())
	if err != nil {
		httpx.Error(w, http.StatusBadRequest, err.Error())
		return 0, nil, false
	}
	f, err := s.app.Figures(r.Context(), id, win)
	if err != nil {
		s.errs.JSON(w, r, err)
		return 0, nil, false
	}
	st := newStatsJSON(f)
	st.Window = out
	return id, st, true
}

// newStatsJSON is figures f as the API's /stats answers them; the
// dashboard's live view polls the same. Window is left for the caller,
// which parsed it.
func newStatsJSON(f app.Figures) *statsJSON {
	return &statsJSON{Figures: f.Figures, MaxDepth: f.Depth.Max, Refusals: f.Refusals}
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
	if err := s.writeExport(w, r, c, format); err != nil {
		s.errs.JSON(w, r, err)
	}
}

// writeExport sends campaign c's tree as a file to download in format;
// the API and the dashboard's buttons both call it. It returns the error
// of reading or encoding the tree, when nothing was written.
func (s *Server) writeExport(w http.ResponseWriter, r *http.Request, c *campaign.Campaign, format cascade.Format) error {
	f, size, err := s.app.Export(r.Context(), c, format)
	if err != nil {
		return err
	}
	defer f.Close()
	w.Header().Set("Content-Type", format.ContentType)
	w.Header().Set("Content-Disposition", `attachment; filename="`+app.ExportName(c.ID, format)+`"`)
	s.writeLarge(w, c.ID, f, size)
	return nil
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
	s.writeLarge(w, id, f, size)
}

// writeLarge sends the size bytes of body, a large answer of campaign id
// whose headers but Content-Length and Cache-Control are set, under the
// Stall deadline.
func (s *Server) writeLarge(w http.ResponseWriter, id campaign.ID, body io.Reader, size int64) {
	w.Header().Set("Content-Length", strconv.FormatInt(size, 10))
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusOK)
	if n, err := io.Copy(httpx.NewStallWriter(w, s.cfg.Deadlines.Stall), body); err != nil {
		s.log.Info("large answer cut", "campaign", id, "sent", n, "of", size, "err", err) // a client gone or too slow
	}
}
