package web

import (
	"net/http"

	"github.com/go-chi/chi/v5"
)

// Routes lists every method and route pattern the server answers, so that
// tests can check that none was left unguarded.
func Routes(s *Server) ([][2]string, error) {
	var out [][2]string
	err := chi.Walk(s.routes().(chi.Routes), func(method, route string, _ http.Handler, _ ...func(http.Handler) http.Handler) error {
		out = append(out, [2]string{method, route})
		return nil
	})
	return out, err
}

// InvalidFR and FieldNames let tests check that every validation message
// and field the code can produce has its French and its label.
var (
	InvalidFR  = invalidFR
	FieldNames = fieldNames
)
