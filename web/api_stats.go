package web

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"strconv"
	"time"

	"github.com/sillage/sillage/campaign"
	"github.com/sillage/sillage/campaign/cascade"
	"github.com/sillage/sillage/migrations/storage"
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
	st, err := s.campaignFigures(r.Context(), id, win)
	if err != nil {
		s.errs.JSON(w, r, err)
		return 0, nil, false
	}
	st.Window = out
	return id, st, true
}

// campaignFigures computes every figure of campaign id over win: the
// tree's and the counters kept at write time. The API's /stats and the
// dashboard's live view both answer with it. Window is left for the
// caller, which parsed it. Errors: campaign.ErrNotFound.
func (s *Server) campaignFigures(ctx context.Context, id campaign.ID, win cascade.Window) (*statsJSON, error) {
	st := &statsJSON{}
	err := s.gate.WithTree(ctx, id, func(t *cascade.Tree) error {
		st.Figures = cascade.Compute(*t, win)
		return nil
	})
	if err != nil {
		return nil, err
	}
	st.MaxDepth = st.Depth.Max
	counters, err := s.campaigns.Counters(ctx, id)
	if err != nil {
		return nil, err
	}
	st.Refusals = counters[campaign.CountRefusals]
	return st, nil
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

// exporters write a tree in each export format.
var exporters = map[string]struct {
	contentType, ext string
	write            func(w io.Writer, t *cascade.Tree, title string) error
}{
	"csv":     {"text/csv; charset=utf-8", "csv", func(w io.Writer, t *cascade.Tree, _ string) error { return cascade.WriteCSV(w, t) }},
	"edges":   {"text/csv; charset=utf-8", "edges.csv", func(w io.Writer, t *cascade.Tree, _ string) error { return cascade.WriteEdgesCSV(w, t) }},
	"json":    {"application/json", "json", func(w io.Writer, t *cascade.Tree, _ string) error { return cascade.WriteJSON(w, t) }},
	"graphml": {"application/graphml+xml", "graphml", cascade.WriteGraphML},
}

// handleExport answers the tree as CSV (nodes, or edges), JSON or
// GraphML, a file to download.
func (s *Server) handleExport(w http.ResponseWriter, r *http.Request) {
	id, ok := campaignID(w, r)
	if !ok {
		return
	}
	format := r.URL.Query().Get("format")
	if _, ok := exporters[format]; !ok {
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

// writeExport sends campaign c's tree as a file to download in format,
// a key of exporters; the API and the dashboard's buttons both call it.
// It returns the error of reading or encoding the tree, when nothing was
// written.
func (s *Server) writeExport(w http.ResponseWriter, r *http.Request, c *campaign.Campaign, format string) error {
	ex := exporters[format]
	f, size, err := s.encodeTree(r.Context(), c.ID, func(out io.Writer, t *cascade.Tree) error { return ex.write(out, t, c.Title) })
	if err != nil {
		return err
	}
	defer f.Close()
	w.Header().Set("Content-Type", ex.contentType)
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="campaign-%d.%s"`, c.ID, ex.ext))
	s.writeLarge(w, c.ID, f, size)
	return nil
}

// handleTree answers the tree as JSON, as the JSON export.
func (s *Server) handleTree(w http.ResponseWriter, r *http.Request) {
	id, ok := campaignID(w, r)
	if !ok {
		return
	}
	if _, err := s.campaigns.Find(r.Context(), id); err != nil {
		s.errs.JSON(w, r, err)
		return
	}
	f, size, err := s.encodeTree(r.Context(), id, cascade.WriteJSON)
	if err != nil {
		s.errs.JSON(w, r, err)
		return
	}
	defer f.Close()
	w.Header().Set("Content-Type", "application/json")
	if r.URL.Query().Get("download") != "" {
		w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="campaign-%d.json"`, id))
	}
	s.writeLarge(w, id, f, size)
}

// encodeTree encodes campaign id's tree with encode into a temporary file
// (in TMPDIR), holding the campaign's tree only for the encoding: a
// client that reads the answer slowly must not keep every figure of the
// campaign waiting. The file is unlinked at once and goes with its last
// close, even after a crash. Not memory: at a million claims an export
// takes 20 MB (edges) to 180 MB (GraphML), as much as the tree itself.
// When the file cannot be written (a full disk, where TMPDIR usually
// is), the tree is encoded in memory instead: reads keep being served
// while writes cannot be. It returns the answer, to read from its start
// and close, and its size.
func (s *Server) encodeTree(ctx context.Context, id campaign.ID, encode func(io.Writer, *cascade.Tree) error) (io.ReadCloser, int64, error) {
	f, size, err := s.encodeTreeFile(ctx, id, encode)
	if err == nil || !storage.Unwritable(err) {
		return f, size, err
	}
	s.log.Warn("export file cannot be written: encoded in memory", "campaign", id, "err", err)
	var b bytes.Buffer
	if err := s.gate.WithTree(ctx, id, func(t *cascade.Tree) error { return encode(&b, t) }); err != nil {
		return nil, 0, err
	}
	return io.NopCloser(&b), int64(b.Len()), nil
}

// encodeTreeFile is encodeTree into a temporary file.
func (s *Server) encodeTreeFile(ctx context.Context, id campaign.ID, encode func(io.Writer, *cascade.Tree) error) (*os.File, int64, error) {
	f, err := os.CreateTemp("", "sillage-export-*")
	if err != nil {
		return nil, 0, fmt.Errorf("export file: %w", err)
	}
	if err := os.Remove(f.Name()); err != nil {
		s.log.Warn("export file left in TMPDIR", "path", f.Name(), "err", err)
	}
	err = s.gate.WithTree(ctx, id, func(t *cascade.Tree) error { return encode(f, t) }) // the writers buffer
	var size int64
	if err == nil {
		size, err = f.Seek(0, io.SeekCurrent)
	}
	if err == nil {
		_, err = f.Seek(0, io.SeekStart)
	}
	if err != nil {
		f.Close()
		return nil, 0, err
	}
	return f, size, nil
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
