package web

import "github.com/go-chi/chi/v5"

// treeText holds the sentences of the forward tree of a campaign.
type treeText struct{}

var treeTexts = map[string]treeText{"en": {}, "fr": {}}

// dashTreeRoutes adds the routes of the forward tree of a campaign.
func (s *Server) dashTreeRoutes(r chi.Router) {}
