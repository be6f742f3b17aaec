package dashboard

import (
	"net/http"
	"time"

	"github.com/sillage/sillage/campaign/i18n"
)

// langOf returns the language of the browser's Accept-Language.
func langOf(r *http.Request) *i18n.Lang {
	return i18n.Match(r.Header.Get("Accept-Language"))
}

// word returns the sentence key, or "" when the catalog has none: the
// name of a state, channel or status the dashboard does not know.
func word(l *i18n.Lang, key string) string {
	if !i18n.Has(key) {
		return ""
	}
	return l.T(key)
}

func formatTime(t *i18n.Lang, when time.Time) string { return t.Date(when.UTC(), "dashboard") }
