package dashboard

import (
	"io/fs"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/sillage/sillage/campaign/cascade"
	"github.com/sillage/sillage/campaign/i18n"
	"github.com/sillage/sillage/web/internal/httpx"
)

// Every counted phrase, in both languages, with 0, 1, 2 and a number
// large enough to be grouped: French takes the singular for 0 and 1.
func TestCountForms(t *testing.T) {
	nb := "\u202f" // French digit grouping
	for _, c := range []struct {
		key  countKey
		lang string
		want [4]string // 0, 1, 2, 1234
	}{
		{nViews, "en", [4]string{"0 views", "1 view", "2 views", "1,234 views"}},
		{nViews, "fr", [4]string{"0 vue", "1 vue", "2 vues", "1" + nb + "234 vues"}},
		{nLinks, "en", [4]string{"0 links", "1 link", "2 links", "1,234 links"}},
		{nLinks, "fr", [4]string{"0 lien", "1 lien", "2 liens", "1" + nb + "234 liens"}},
		{nMoreLinks, "en", [4]string{"0 more links", "1 more link", "2 more links", "1,234 more links"}},
		{nMoreLinks, "fr", [4]string{"0 lien de plus", "1 lien de plus", "2 liens de plus", "1" + nb + "234 liens de plus"}},
		{nGenerations, "en", [4]string{"0 generations", "1 generation", "2 generations", "1,234 generations"}},
		{nGenerations, "fr", [4]string{"0 génération", "1 génération", "2 générations", "1" + nb + "234 générations"}},
		{nHours, "en", [4]string{"0 hours", "1 hour", "2 hours", "1,234 hours"}},
		{nHours, "fr", [4]string{"0 heure", "1 heure", "2 heures", "1" + nb + "234 heures"}},
		{nDays, "en", [4]string{"0 days", "1 day", "2 days", "1,234 days"}},
		{nDays, "fr", [4]string{"0 jour", "1 jour", "2 jours", "1" + nb + "234 jours"}},
		{nCharacters, "en", [4]string{"0 characters", "1 character", "2 characters", "1,234 characters"}},
		{nCharacters, "fr", [4]string{"0 caractère", "1 caractère", "2 caractères", "1" + nb + "234 caractères"}},
		{nUnknownLinks, "en", [4]string{"0 unknown links", "1 unknown link", "2 unknown links", "1,234 unknown links"}},
		{nUnknownLinks, "fr", [4]string{"0 lien inconnu", "1 lien inconnu", "2 liens inconnus", "1" + nb + "234 liens inconnus"}},
	} {
		l := i18n.Get(c.lang)
		for i, n := range []int{0, 1, 2, 1234} {
			if got := count(l, c.key, n); got != c.want[i] {
				t.Errorf("%s %q of %d = %q, want %q", c.lang, c.key, n, got, c.want[i])
			}
		}
	}
	countForms := catalogEntries(t, "count.", func(e i18n.Entry) bool { return e.Plural != nil })
	if len(countForms) != 9 {
		t.Errorf("%d phrases in the catalog: test them all", len(countForms))
	}
	for key, langs := range countForms {
		if len(langs) != len(i18n.Codes) {
			t.Errorf("%q is said in %d languages, want %d", key, len(langs), len(i18n.Codes))
		}
	}
}

// The live view's sentences with 1 and 2 of each count, in both
// languages: what the marketer reads.
func TestLiveCountWords(t *testing.T) {
	at := time.Date(2026, 11, 23, 20, 0, 0, 0, time.UTC)
	figures := func(lang string, n int) *liveFigures {
		gens := make([]int, n)
		for i := range gens {
			gens[i] = 1
		}
		st := &httpx.Stats{Figures: cascade.Figures{Views: n, Generations: gens,
			Branching: make([]float64, n), Depth: cascade.Depths{Distribution: make([]float64, n)},
			ViewsPerHour: cascade.Series{Start: at, Counts: []int{n}},
			TimeToOpen:   cascade.Timing{Count: n, Median: 60, P90: 60},
			CycleTime:    cascade.Timing{Count: n, Median: 60, P90: 3600},
			Milestones:   cascade.Milestones{Views: []cascade.Milestone{{Value: n, At: at, After: 60}}},
			Leaks:        make([]cascade.Leak, maxLeakRows+n),
		}}
		return liveFiguresOf(i18n.Get(lang), st, at, nil)
	}
	for _, c := range []struct {
		lang string
		n    int
		want []string
	}{
		{"en", 1, []string{"1 view from", "Nov 23, 2026 20:00 UTC: 1 view", "1 view over 1 generation;", "Generation 1: 1 view",
			"(1 link)", "(1 view)", "1 view: Nov 23", "And 1 more link:"}},
		{"en", 2, []string{"2 views from", "Nov 23, 2026 20:00 UTC: 2 views", "2 views over 2 generations;", "Generation 1: 1 view",
			"(2 links)", "(2 views)", "2 views: Nov 23", "And 2 more links:"}},
		{"fr", 1, []string{"1 vue du", "23/11/2026 20:00 UTC : 1 vue", "1 vue sur 1 génération ;", "Génération 1 : 1 vue",
			"(1 lien)", "(1 vue)", "1 vue : 23/11", "Et 1 lien de plus :"}},
		{"fr", 2, []string{"2 vues du", "23/11/2026 20:00 UTC : 2 vues", "2 vues sur 2 générations ;", "Génération 1 : 1 vue",
			"(2 liens)", "(2 vues)", "2 vues : 23/11", "Et 2 liens de plus :"}},
	} {
		f := figures(c.lang, c.n)
		var said []string
		said = append(said, f.Hourly.Summary, f.Generations.Summary, f.MoreLeaks)
		for _, b := range append(f.Hourly.Bars, f.Generations.Bars...) {
			said = append(said, b.Title)
		}
		for _, s := range f.Shape {
			said = append(said, s.Hint)
		}
		said = append(said, f.Milestones...)
		all := strings.Join(said, "\n")
		for _, w := range c.want {
			if !strings.Contains(all, w) {
				t.Errorf("%s, %d: the live view lacks %q in\n%s", c.lang, c.n, w, all)
			}
		}
		if bad := regexp.MustCompile(`\b1 (views|links|generations|vues|liens|générations)\b`).FindString(all); bad != "" {
			t.Errorf("%s, %d: %q", c.lang, c.n, bad)
		}
	}
}

// The forecast in words a marketer reads: what it expects, on what it
// rests, and why there is none.
func TestForecastWords(t *testing.T) {
	stats := func(views int, cycleCount int, fc cascade.Forecast) *httpx.Stats {
		return &httpx.Stats{Figures: cascade.Figures{Views: views, Forecast: fc,
			CycleTime: cascade.Timing{Count: cycleCount, Median: 3600, P90: 3 * 3600}}}
	}
	for _, c := range []struct {
		name, lang string
		st         *httpx.Stats
		reach, why string
	}{
		{"Possible", "en", stats(850, 40, cascade.Forecast{Possible: true, FinalReach: 1200, R: .8, Mature: 760, Active: 90}),
			"About 1,200 views in the end; 850 so far.",
			"So far each viewer has brought 0.80 new viewers on average (counting the views older than 3\u00a0h: by then, 9 in 10 of the friends a viewer brings have come). Below 1, the spread slows down and stops by itself: the 90 recent views should bring about 350 more. Seats, caps, expiry dates and the campaign's end are left out: they can only lower this figure."},
		{"Possible", "fr", stats(850, 40, cascade.Forecast{Possible: true, FinalReach: 1200, R: .8, Mature: 760, Active: 90}),
			"Environ 1\u202f200 vues au final ; 850 jusqu'ici.",
			"Jusqu'ici, chaque personne qui a vu le contenu en a amené d'autres : 0,80 en moyenne (en comptant les vues de plus de 3\u00a0h : passé ce délai, 9 sur 10 des amis qu'une personne amène sont déjà venus). En dessous de 1, la propagation ralentit et s'arrête d'elle-même : les 90 vues récentes devraient en amener environ 350 de plus. Les places, plafonds, expirations et la fin de la campagne ne sont pas pris en compte : ils ne peuvent que baisser ce chiffre."},
		{"OneRecent", "en", stats(40, 40, cascade.Forecast{Possible: true, FinalReach: 41, R: .5, Mature: 39, Active: 1}),
			"About 41 views in the end; 40 so far.", "the 1 recent view should bring about 1 more."},
		{"OneRecent", "fr", stats(40, 40, cascade.Forecast{Possible: true, FinalReach: 41, R: .5, Mature: 39, Active: 1}),
			"Environ 41 vues au final ; 40 jusqu'ici.", "la vue récente devrait en amener environ 1 de plus."},
		{"Settled", "en", stats(40, 40, cascade.Forecast{Possible: true, FinalReach: 40, R: .5, Mature: 40}),
			"About 40 views in the end; 40 so far.", "the spread has stopped, and the figure is final unless someone forwards again."},
		{"NoForward", "en", stats(3, 0, cascade.Forecast{}),
			"", "No forecast yet: nobody has opened a forwarded link, so there is no pace of spread to go by."},
		{"TooFew", "fr", stats(3, 2, cascade.Forecast{Mature: 2, Active: 1}),
			"", "Pas encore de prévision : elle s'appuie sur les vues assez anciennes pour avoir amené leurs amis (plus de 3\u00a0h), et il y en a 2 sur les 30 nécessaires."},
		{"Rising", "en", stats(300, 40, cascade.Forecast{R: 1.25, Mature: 200, Active: 100}),
			"", "No forecast: so far each viewer has brought 1.25 new viewers on average, 1 or more, so the campaign keeps growing while that lasts and no end figure can be estimated."},
	} {
		t.Run(c.name+"/"+c.lang, func(t *testing.T) {
			reach, why := forecast(i18n.Get(c.lang), c.st)
			if reach != c.reach {
				t.Errorf("estimate %q, want %q", reach, c.reach)
			}
			if !strings.Contains(why, c.why) {
				t.Errorf("explanation\n%q\nlacks\n%q", why, c.why)
			}
			for _, jargon := range []string{"R =", "p90", "R/(1"} {
				if strings.Contains(reach+why, jargon) {
					t.Errorf("jargon %q in %q", jargon, reach+why)
				}
			}
		})
	}
}

// Seed links opened: a count, like the columns beside it, with its share.
func TestSeedLinksOpenedWords(t *testing.T) {
	st := &httpx.Stats{Figures: cascade.Figures{
		SeedLinks:      cascade.PerChannel[int]{All: 40, Link: 40},
		SeedConversion: cascade.PerChannel[float64]{All: 12.0 / 40, Link: 12.0 / 40},
	}}
	for lang, want := range map[string][2]string{"en": {"12 (30%)", "0"}, "fr": {"12 (30\u00a0%)", "0"}} {
		f := liveFiguresOf(i18n.Get(lang), st, time.Now(), nil)
		for _, r := range f.Channels {
			switch r.Name {
			case channelName(i18n.Get(lang), "link"), channelName(i18n.Get(lang), ""):
				if r.SeedLinks != "40" || r.SeedOpened != want[0] {
					t.Errorf("%s %s: %s seed links, %s opened; want 40 and %s", lang, r.Name, r.SeedLinks, r.SeedOpened, want[0])
				}
			default:
				if r.SeedOpened != want[1] {
					t.Errorf("%s %s: %s opened of no seed link, want %s", lang, r.Name, r.SeedOpened, want[1])
				}
			}
		}
	}
}

// handPlural finds a count written straight before a noun, where the
// noun's form cannot follow the count: a verb ("%s views"), a script's
// placeholder ("{views} views"), or a hand-written "1 views" or "(s)".
var handPlural = regexp.MustCompile(`(?i)(%(\[\d+\])?[-+# 0-9.]*[dsv]|\{\w+\}|\b[01])[ \x{a0}\x{202f}]+(?:(?:more|unknown|recent|new|other|nouvelles?|autres?)[ \x{a0}\x{202f}]+)?(views?|vues?|links?|liens?|generations?|générations?|characters?|caractères?|hours?|heures?|days?|jours?|people|personnes?|messages?|contacts?|seats?|places?|branches?|forwards?|partages?|rows?|lignes?|bytes|octets|segments?|phones?|téléphones?|countries|pays|minutes?|seconds?|secondes?)\b|\(s\)|\(x\)|\(e\)s`)

// No sentence of the dashboard or of the recipient pages, and no
// template, writes a count beside a noun without the plural catalog.
func TestNoHandWrittenPlurals(t *testing.T) {
	check := func(where, s string) {
		if m := handPlural.FindString(s); m != "" {
			t.Errorf("%s: %q writes a plural by hand: %q (say it with count, web/dashboard/counts.go)", where, m, s)
		}
	}
	for _, lang := range i18n.Codes {
		for key, s := range catalogEntries(t, "dashboard.", func(i18n.Entry) bool { return true }) {
			check(lang+": dashboard."+key, s[lang])
		}
	}
	// The recipient's sentences are the catalog's "recipient." keys
	// (web/recipient asks for them there).
	recipientTexts := catalogEntries(t, "recipient.", func(i18n.Entry) bool { return true })
	if len(recipientTexts) == 0 {
		t.Fatal("no recipient. sentence in the catalogs")
	}
	for name, langs := range recipientTexts {
		for lang, s := range langs {
			check("recipient."+name+"["+lang+"]", s)
		}
	}
	// The dashboard's templates, and the recipient's, read from its folder.
	for _, dir := range []fs.FS{assets, os.DirFS("../recipient")} {
		pages, err := fs.Glob(dir, "templates/*.html")
		if err != nil || len(pages) == 0 {
			t.Fatalf("templates: %v", err)
		}
		for _, p := range pages {
			b, err := fs.ReadFile(dir, p)
			if err != nil {
				t.Fatal(err)
			}
			// A template's actions stand for what they print; its tags and
			// their attributes are no sentence.
			text := regexp.MustCompile(`\{\{[^}]*\}\}`).ReplaceAllString(string(b), "%v")
			check(p, regexp.MustCompile(`<[^>]*>`).ReplaceAllString(text, "\n"))
		}
	}

	// The scan finds what it is meant to find.
	for _, bad := range []string{"%s views", "%d liens", "{views} more views", "1 views", "(1 links)", "lien(s)", "%[2]d vues", "tried %s unknown links"} {
		if !handPlural.MatchString(bad) {
			t.Errorf("the scan misses %q", bad)
		}
	}
}

// catalogEntries returns the catalogs' entries whose key starts with
// prefix and that keep says to, by key without the prefix, then by
// language: the sentence, or its "other" form for one that counts.
func catalogEntries(t *testing.T, prefix string, keep func(i18n.Entry) bool) map[string]map[string]string {
	t.Helper()
	out := map[string]map[string]string{}
	for _, lang := range i18n.Codes {
		entries, err := i18n.Catalog(lang)
		if err != nil {
			t.Fatal(err)
		}
		for key, e := range entries {
			if name, ok := strings.CutPrefix(key, prefix); ok && keep(e) {
				if out[name] == nil {
					out[name] = map[string]string{}
				}
				out[name][lang] = e.Text
				if e.Plural != nil {
					out[name][lang] = e.Plural["other"]
				}
			}
		}
	}
	return out
}

// Validation messages that count a noun pick its form by the count, in
// both languages.
func TestInvalidPlurals(t *testing.T) {
	const format = "has %d fields where the header has %d (is %q the separator on every line?)"
	for _, c := range []struct {
		lang string
		n    int
		want string
	}{
		{"en", 1, "has 1 field where the header has 3 (is \";\" the separator on every line?)"},
		{"en", 2, "has 2 fields where the header has 3"},
		{"fr", 1, "a 1 champ là où la première ligne en a 3"},
		{"fr", 0, "a 0 champ là où"},
		{"fr", 2, "a 2 champs là où"},
		{"fr", 1500, "a 1\u202f500 champs là où"},
	} {
		got := i18n.Get(c.lang).SayInvalid("", "", format, []any{c.n, 3, ";"})
		if !strings.HasPrefix(got, c.want) {
			t.Errorf("%s, %d: %q, want %q…", c.lang, c.n, got, c.want)
		}
	}
	isFormat := func(e i18n.Entry) bool { return true }
	invalidFR := map[string]string{}
	for format, langs := range catalogEntries(t, "validation.", isFormat) {
		if !strings.HasPrefix(format, "field.") {
			invalidFR[format] = langs["fr"]
		}
	}
	invalidPlurals := catalogEntries(t, "validation.", func(e i18n.Entry) bool { return e.Plural != nil })
	for format, langs := range invalidPlurals {
		if _, ok := invalidFR[format]; !ok {
			t.Errorf("%q is not a validation message", format)
		}
		if len(langs) != len(i18n.Codes) {
			t.Errorf("%q has plurals in %d languages", format, len(langs))
		}
	}
	// Every format counting a noun has its plurals.
	for format, fr := range invalidFR {
		if _, ok := invalidPlurals[format]; !ok && (handPlural.MatchString(format) || handPlural.MatchString(fr)) {
			t.Errorf("%q counts a noun without its plural forms", format)
		}
	}
}
