package httpx

import (
	"fmt"
	"net/http"
	"time"

	"github.com/sillage/sillage/campaign/app"
	"github.com/sillage/sillage/campaign/cascade"
)

// Stats is every figure of a campaign as the API's /stats answers it and
// the dashboard's live view polls it: the forward tree's (package
// cascade) plus two kept at write time for the dashboard's O(1) headline.
type Stats struct {
	cascade.Figures
	MaxDepth int    `json:"max_depth"` // the same as depth.max, kept for the core loop's clients
	Refusals int64  `json:"refusals"`  // devices turned away by full links, campaign total
	Window   Window `json:"window"`
}

// Window is the period the figures cover, as the request gave it: nil
// ends are open.
type Window struct {
	From *time.Time `json:"from"`
	To   *time.Time `json:"to"`
}

// NewStats is figures f as Stats. Window is left for the caller, which
// parsed it.
func NewStats(f app.Figures) *Stats {
	return &Stats{Figures: f.Figures, MaxDepth: f.Depth.Max, Refusals: f.Refusals}
}

// ParseWindow reads the optional from and to query parameters (RFC 3339):
// the window to compute over at now, and the same to answer. Its errors
// are safe to show.
func ParseWindow(r *http.Request, now time.Time) (cascade.Window, Window, error) {
	var (
		w   = cascade.Window{Now: now}
		out Window
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
