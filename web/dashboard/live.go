package dashboard

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/sillage/sillage/campaign"
	"github.com/sillage/sillage/campaign/cascade"
	"github.com/sillage/sillage/campaign/i18n"
	"github.com/sillage/sillage/web/internal/httpx"
)

// liveSections are the parts of the live view that dash_live.js swaps in
// from /live.json: each is the template "live-" + its name.
var liveSections = []string{"headline", "hourly", "generations", "channels", "shape", "ambassadors", "leaks"}

// livePage is the live view of a campaign. Figures is nil when the period
// asked for was refused.
type livePage struct {
	frame
	State      string
	StateLabel string
	From, To   string // the period as typed
	Field      string // "from" or "to": the field Error is about
	Error      string
	Poll       string // the address of the figures as JSON, with the period
	Exports    []exportButton
	Figures    *liveFigures
	stats      *httpx.Stats // what Figures shows, as the API answers it

	Notice  string      // what was just done (a link revoked, a seat freed)
	Release releaseForm // the form that frees a seat (trust.go)
}

// ErrorFor returns the error when it is about field, else "".
func (p livePage) ErrorFor(field string) string {
	if p.Field == field {
		return p.Error
	}
	return ""
}

type exportButton struct{ URL, Label string }

// liveJSON is /live.json: every key of the API's /stats, the same values,
// and the page's sections rendered, so that the page's script stays small
// and the figures are formatted in one place.
type liveJSON struct {
	*httpx.Stats
	Sections map[string]string `json:"sections"`
}

// handleLive answers GET /campaigns/{id}/live[?from=&to=]: the
// campaign's figures, which dash_live.js refreshes from /live.json.
func (h *Handler) handleLive(w http.ResponseWriter, r *http.Request) {
	p, ok := h.live(w, r, false)
	if !ok {
		return
	}
	status := http.StatusOK
	if p.Error != "" {
		status = http.StatusBadRequest
	}
	p.Notice = h.popNotice(r, p.CampaignID)
	h.pages.Render(w, status, "dash_live.html", p)
}

// handleLiveJSON answers GET /campaigns/{id}/live.json[?from=&to=],
// or 304 when If-None-Match names the figures as they are.
func (h *Handler) handleLiveJSON(w http.ResponseWriter, r *http.Request) {
	p, ok := h.live(w, r, true)
	if !ok {
		return
	}
	if p.Error != "" {
		httpx.Error(w, http.StatusBadRequest, p.Error)
		return
	}
	body := liveJSON{Stats: p.stats, Sections: make(map[string]string, len(liveSections))}
	for _, name := range liveSections {
		var buf bytes.Buffer
		if err := h.pages.Section(&buf, "dash_live.html", "live-"+name, p); err != nil {
			h.fail(w, r, fmt.Errorf("render live section %s: %w", name, err))
			return
		}
		body.Sections[name] = buf.String()
	}
	data, err := json.Marshal(body)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	// Most polls of a quiet campaign find nothing new: the page's script
	// sends the last ETag back, and a phone is spared the same figures.
	sum := sha256.Sum256(data)
	tag := `"` + hex.EncodeToString(sum[:16]) + `"`
	w.Header().Set("ETag", tag)
	w.Header().Set("Cache-Control", "no-store")
	if r.Header.Get("If-None-Match") == tag {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Write(append(data, '\n'))
}

// live computes the live view of the route's campaign with the API's
// figures, or writes the error. A period it cannot read leaves the page
// with Error set and no figures. A poll (live.json) shares the figures
// other polls computed less than liveEvery ago (live_memo.go); the page
// itself, opened after a revocation or a release, computes its own.
func (h *Handler) live(w http.ResponseWriter, r *http.Request, poll bool) (livePage, bool) {
	c, ok := h.campaignOf(w, r)
	if !ok {
		return livePage{}, false
	}
	t, now := langOf(r), h.cfg.Now()
	p := livePage{frame: h.campaignPage(r, t, c.Title, c.ID, "live")}
	p.State = string(c.State(now))
	p.StateLabel = word(t, "dashboard.states."+p.State)
	q := r.URL.Query()
	p.From, p.To = q.Get("from"), q.Get("to")
	p.Poll = fmt.Sprintf("/campaigns/%d/live.json", c.ID)
	period := url.Values{}
	if p.From != "" {
		period.Set("from", p.From)
	}
	if p.To != "" {
		period.Set("to", p.To)
	}
	if len(period) > 0 {
		p.Poll += "?" + period.Encode()
	}
	for _, e := range []struct{ format, label string }{
		{"csv", t.T("dashboard.live.export_csv")}, {"edges", t.T("dashboard.live.export_edges")}, {"json", t.T("dashboard.live.export_json")}, {"graphml", t.T("dashboard.live.export_graph_ml")},
	} {
		p.Exports = append(p.Exports, exportButton{fmt.Sprintf("/campaigns/%d/export?format=%s", c.ID, e.format), e.label})
	}
	win, out, field, err := liveWindow(q, t, now)
	if err != nil {
		p.Field, p.Error = field, err.Error()
		return p, true
	}
	var s *liveShared
	if poll {
		s, err = h.livePolls.get(r.Context(), c.ID, win)
	} else {
		s, err = h.liveFigures(r.Context(), c.ID, win)
	}
	if err != nil {
		h.fail(w, r, err)
		return livePage{}, false
	}
	p.stats = httpx.NewStats(s.figures)
	p.stats.Window = out
	p.Figures = liveFiguresOf(t, p.stats, now, s.people)
	if len(p.Figures.Leaks) > 0 {
		// The figures do not say which leaks were revoked; the API's
		// /leaks does.
		revoked, err := h.app.RevokedLeaks(r.Context(), c.ID)
		if err != nil {
			h.fail(w, r, err)
			return livePage{}, false
		}
		for i, k := range p.Figures.Leaks {
			p.Figures.Leaks[i].Revoked = revoked[k.ID]
		}
	}
	return p, true
}

// liveFigures computes the figures of campaign id over win and the
// person numbers of the claims they name.
func (h *Handler) liveFigures(ctx context.Context, id campaign.ID, win cascade.Window) (*liveShared, error) {
	f, err := h.app.Figures(ctx, id, win)
	if err != nil {
		return nil, err
	}
	var named []int64 // the claims the page names: numbered per campaign
	for _, a := range append(f.Ambassadors.BySubtree, f.Ambassadors.ByForwards...) {
		named = append(named, a.Claim)
	}
	for _, k := range f.Leaks {
		named = append(named, k.Sender)
	}
	people, err := h.people(ctx, id, named)
	if err != nil {
		return nil, err
	}
	return &liveShared{figures: f, people: people}, nil
}

// handleExport answers GET /campaigns/{id}/export?format=: the API's
// export, for the download buttons.
func (h *Handler) handleExport(w http.ResponseWriter, r *http.Request) {
	c, ok := h.campaignOf(w, r)
	if !ok {
		return
	}
	format, ok := cascade.FormatNamed(r.URL.Query().Get("format"))
	if !ok {
		t := langOf(r)
		p := messagePage{frame: h.campaignPage(r, t, c.Title, c.ID, "live"), Message: t.T("dashboard.live.bad_format")}
		h.pages.Render(w, http.StatusBadRequest, "dash_message.html", p)
		return
	}
	if err := h.exports.Write(w, r, c, format); err != nil {
		h.fail(w, r, err)
	}
}

// liveWindow reads the optional period of the live view: from and to as
// the form's datetime-local fields send them (UTC), or in RFC 3339 as the
// API takes them. On error it names the field, with a message to show.
func liveWindow(q url.Values, l *i18n.Lang, now time.Time) (cascade.Window, httpx.Window, string, error) {
	w := cascade.Window{Now: now}
	var out httpx.Window
	for _, p := range []struct {
		name string
		dst  *time.Time
		out  **time.Time
	}{{"from", &w.From, &out.From}, {"to", &w.To, &out.To}} {
		v := strings.TrimSpace(q.Get(p.name))
		if v == "" {
			continue
		}
		t, err := time.ParseInLocation(dateTimeLocal, v, time.UTC)
		if err != nil {
			if t, err = time.Parse(time.RFC3339, v); err != nil {
				return w, out, p.name, errors.New(l.T("dashboard.live.bad_time"))
			}
		}
		t = t.UTC()
		*p.dst, *p.out = t, &t
	}
	if out.From != nil && out.To != nil && !w.To.After(w.From) {
		return w, out, "to", errors.New(l.T("dashboard.live.bad_order"))
	}
	return w, out, "", nil
}
