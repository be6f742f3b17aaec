package web

import (
	"net/http"

	"github.com/sillage/sillage/gating"
)

// recordPreview records that the app agent fetched link's teaser, once per
// link, app and hour (gating.PreviewBucket), and within the network's
// preview limit: past it the teaser is still served, and nothing written.
func (s *Server) recordPreview(r *http.Request, link *gating.Link, agent string) {
	t, ok := s.limits.PreviewWrite(r)
	if !ok {
		return
	}
	added, err := s.gate.RecordPreview(r.Context(), link, agent)
	if err != nil {
		s.log.Error("record preview", "err", err)
	}
	if !added {
		s.limits.Unwritten(t)
	}
}
