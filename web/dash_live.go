package web

import "github.com/go-chi/chi/v5"

// liveText holds the sentences of the live view of a campaign.
type liveText struct{}

var liveTexts = map[string]liveText{"en": {}, "fr": {}}

// dashLiveRoutes adds the routes of the live view of a campaign.
func (s *Server) dashLiveRoutes(r chi.Router) {}
