package web

import (
	"net/http"
	"regexp"
	"strings"

	"github.com/go-chi/chi/v5"

	"github.com/sillage/sillage/campaign/i18n"
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
// and field the code can produce has its French and its label: they are
// the catalogs' (campaign/i18n) validation entries, keyed by English
// format with the French's verbs unnumbered, and the field names by
// language.
var InvalidFR, FieldNames = func() (map[string]string, map[string]map[string]string) {
	formats, names := map[string]string{}, map[string]map[string]string{}
	unnumbered := regexp.MustCompile(`%\[\d+\]`)
	for _, lang := range i18n.Codes {
		entries, err := i18n.Catalog(lang)
		if err != nil {
			panic(err)
		}
		names[lang] = map[string]string{}
		for key, e := range entries {
			if field, ok := strings.CutPrefix(key, "validation.field."); ok {
				names[lang][field] = e.Text
			} else if format, ok := strings.CutPrefix(key, "validation."); ok && lang == "fr" {
				fr := e.Text
				if e.Plural != nil {
					fr = e.Plural["other"]
				}
				formats[format] = unnumbered.ReplaceAllString(fr, "%")
			}
		}
	}
	return formats, names
}()
