package web

import "github.com/go-chi/chi/v5"

// seedText holds the sentences of a campaign's seeding pages.
type seedText struct{}

var seedTexts = map[string]seedText{"en": {}, "fr": {}}

// dashSeedRoutes adds the routes of a campaign's seeding pages.
func (s *Server) dashSeedRoutes(r chi.Router) {}
