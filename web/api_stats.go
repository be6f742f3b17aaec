package web

import (
	"net/http"
	"time"

	"github.com/sillage/sillage/campaign"
	"github.com/sillage/sillage/gating"
)

// headline is the part of the figures kept at write time: O(1) to read.
type headline struct {
	Views     int64            `json:"views"`
	Reach     int64            `json:"reach"`
	Reviews   int64            `json:"reviews"`
	Exposures int64            `json:"exposures"`
	Links     int64            `json:"links"`
	MaxDepth  int64            `json:"max_depth"`
	Forwards  map[string]int64 `json:"forwards"`
	Previews  int64            `json:"previews"`
	Refusals  int64            `json:"refusals"`
}

// headlineOf reads the write-time counters. Reach counts distinct devices;
// a device being one node per campaign, it equals views.
func headlineOf(counters map[string]int64) headline {
	h := headline{
		Views:     counters[campaign.CountViews],
		Reach:     counters[campaign.CountViews],
		Reviews:   counters[campaign.CountReviews],
		Exposures: counters[campaign.CountExposures],
		Links:     counters[campaign.CountLinks],
		MaxDepth:  counters[campaign.CountMaxDepth],
		Previews:  counters[campaign.CountPreviews],
		Refusals:  counters[campaign.CountRefusals],
		Forwards:  make(map[string]int64, len(gating.Channels)),
	}
	for _, ch := range gating.Channels {
		h.Forwards[string(ch)] = counters[campaign.CountForwards+string(ch)]
	}
	return h
}

func (s *Server) handleStats(w http.ResponseWriter, r *http.Request) {
	id, ok := campaignID(w, r)
	if !ok {
		return
	}
	if _, err := s.campaigns.Find(r.Context(), id); err != nil {
		s.apiError(w, r, err)
		return
	}
	counters, err := s.campaigns.Counters(r.Context(), id)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, headlineOf(counters))
}

// nodeJSON is one claim of the tree as the API shows it.
type nodeJSON struct {
	ID        int64     `json:"id"`
	Parent    *int64    `json:"parent"` // null under a seed link
	Depth     int       `json:"depth"`
	Channel   string    `json:"channel"`
	Link      int64     `json:"link"`
	ClaimedAt time.Time `json:"claimed_at"`
}

func (s *Server) handleTree(w http.ResponseWriter, r *http.Request) {
	id, ok := campaignID(w, r)
	if !ok {
		return
	}
	tree, err := s.gate.Tree(r.Context(), id)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	nodes := make([]nodeJSON, len(tree.Nodes))
	for i, n := range tree.Nodes {
		nodes[i] = nodeJSON{ID: n.ID, Depth: n.Depth, Channel: n.Channel, Link: n.Link, ClaimedAt: n.ClaimedAt}
		if n.Parent != 0 {
			p := n.Parent
			nodes[i].Parent = &p
		}
	}
	if r.URL.Query().Get("download") != "" {
		w.Header().Set("Content-Disposition", `attachment; filename="tree.json"`)
	}
	writeJSON(w, http.StatusOK, map[string]any{"nodes": nodes})
}
