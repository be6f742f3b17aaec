package web

import (
	"golang.org/x/text/feature/plural"
	"golang.org/x/text/language"
	"golang.org/x/text/message"
	"golang.org/x/text/message/catalog"
)

// Every count a page writes beside a noun goes through one catalog with
// the languages' plural rules (CLDR, through golang.org/x/text): "1 view",
// "2 views"; in French the singular covers 0 and 1, "0 vue", "2 vues".
// No sentence spells a plural by hand; a test scans the sentence tables
// for one that does.

// countKey names one counted noun phrase of the catalog.
type countKey string

// The counted phrases. Each is said by liveText.count.
const (
	nViews        countKey = "views"
	nLinks        countKey = "links"
	nMoreLinks    countKey = "more links"
	nGenerations  countKey = "generations"
	nHours        countKey = "hours"
	nDays         countKey = "days"
	nCharacters   countKey = "characters"
	nUnknownLinks countKey = "unknown links"
	nRecentBring  countKey = "recent views bring" // the forecast; %[3]s: the views they should bring
)

// countForms holds each phrase's singular and plural ("one" and "other"
// in CLDR's terms; French's "many", for millions, falls to "other") in
// each language. %[2]s is the count as the page writes numbers (1,234 or
// 1 234); the count itself, argument 1, picks the form.
var countForms = map[countKey]map[string][2]string{
	nViews:        {"en": {"%[2]s view", "%[2]s views"}, "fr": {"%[2]s vue", "%[2]s vues"}},
	nLinks:        {"en": {"%[2]s link", "%[2]s links"}, "fr": {"%[2]s lien", "%[2]s liens"}},
	nMoreLinks:    {"en": {"%[2]s more link", "%[2]s more links"}, "fr": {"%[2]s lien de plus", "%[2]s liens de plus"}},
	nGenerations:  {"en": {"%[2]s generation", "%[2]s generations"}, "fr": {"%[2]s génération", "%[2]s générations"}},
	nHours:        {"en": {"%[2]s hour", "%[2]s hours"}, "fr": {"%[2]s heure", "%[2]s heures"}},
	nDays:         {"en": {"%[2]s day", "%[2]s days"}, "fr": {"%[2]s jour", "%[2]s jours"}},
	nCharacters:   {"en": {"%[2]s character", "%[2]s characters"}, "fr": {"%[2]s caractère", "%[2]s caractères"}},
	nUnknownLinks: {"en": {"%[2]s unknown link", "%[2]s unknown links"}, "fr": {"%[2]s lien inconnu", "%[2]s liens inconnus"}},
	nRecentBring: {
		"en": {"the %[2]s recent view should bring about %[3]s more", "the %[2]s recent views should bring about %[3]s more"},
		"fr": {"la vue récente devrait en amener environ %[3]s de plus", "les %[2]s vues récentes devraient en amener environ %[3]s de plus"},
	},
}

// countPrinters print the catalog in each language of the dashboard.
var countPrinters = func() map[string]*message.Printer {
	tags := map[string]language.Tag{"en": language.English, "fr": language.French}
	b := catalog.NewBuilder(catalog.Fallback(language.English))
	for key, langs := range countForms {
		for lang, f := range langs {
			if err := b.Set(tags[lang], string(key), plural.Selectf(1, "", "one", f[0], "other", f[1])); err != nil {
				panic(err) // a wording of ours that the catalog refuses
			}
		}
	}
	printers := make(map[string]*message.Printer, len(tags))
	for lang, tag := range tags {
		printers[lang] = message.NewPrinter(tag, message.Catalog(b))
	}
	return printers
}()

// count says n of the phrase key in the page's language: "1 view",
// "1 234 vues". more are the phrase's further arguments, from %[3]s on.
func (l *liveText) count(key countKey, n int, more ...any) string {
	return countPrinters[l.lang].Sprintf(string(key), append([]any{n, l.integer(int64(n))}, more...)...)
}
