package dashboard

import "github.com/sillage/sillage/campaign/i18n"

// Every count a page writes beside a noun goes through the catalog's
// plural forms (campaign/i18n, "count." keys) with the languages' plural
// rules (CLDR, through golang.org/x/text): "1 view", "2 views"; in French
// the singular covers 0 and 1, "0 vue", "2 vues". No sentence spells a
// plural by hand; a test scans the catalogs for one that does.

// countKey names one counted noun phrase of the catalog.
type countKey string

// The counted phrases. Each is said by count.
const (
	nViews        countKey = "count.views"
	nLinks        countKey = "count.links"
	nMoreLinks    countKey = "count.more_links"
	nGenerations  countKey = "count.generations"
	nHours        countKey = "count.hours"
	nDays         countKey = "count.days"
	nCharacters   countKey = "count.characters"
	nUnknownLinks countKey = "count.unknown_links"
	nRecentBring  countKey = "count.recent_views_bring" // the forecast; %[2]s: the views they should bring
)

// count says n of the phrase key in the page's language: "1 view",
// "1 234 vues". more are the phrase's further arguments, from %[2]s on.
func count(l *i18n.Lang, key countKey, n int, more ...any) string {
	return l.T(string(key), append([]any{n}, more...)...)
}
