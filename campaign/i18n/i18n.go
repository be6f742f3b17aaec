// Package i18n speaks Sillage's two languages: it matches a browser's
// Accept-Language, holds every sentence of the product in one catalog per
// language (en.json, fr.json, which a marketer can read and correct
// without reading Go), and writes numbers, plurals and dates the way each
// language does.
//
// A catalog is a flat JSON object: a key names a sentence and the surface
// that shows it ("recipient.unlock", "dashboard.live.as_of"); its value is
// the sentence, or, for a sentence that counts, its CLDR plural forms
// ({"one": ..., "other": ...}) chosen by argument 1. Placeholders are
// golang.org/x/text's printf verbs with the argument's number, so that a
// translation may put them in another order: %[1]d is a count, written
// with the language's digit grouping (1,234 or 1 234); %[1]s is text,
// including numbers the caller has already written. Validation messages
// are keyed "validation." + the English format the domain packages give
// (campaign.ValidationError.Format), so the domain needs no table of keys.
package i18n

import (
	"embed"
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
	"time"

	"golang.org/x/text/feature/plural"
	"golang.org/x/text/language"
	"golang.org/x/text/message"
	"golang.org/x/text/message/catalog"
)

//go:embed en.json fr.json
var files embed.FS

// Lang is one language of the product: its sentences and how it writes
// numbers and dates. Its methods are safe for concurrent use.
type Lang struct {
	code    string
	tag     language.Tag
	p       *message.Printer
	numbers *strings.Replacer // x/text's number symbols to the catalog's
	// plain holds the sentences with no placeholder, which T returns as
	// they are: a page asks for dozens, on the recipient's hot path.
	plain map[string]string
}

// Codes are the languages Sillage speaks, English first: the one it falls
// back to.
var Codes = []string{"en", "fr"}

var (
	tags    = []language.Tag{language.English, language.French}
	matcher = language.NewMatcher(tags)
	langs   = load()
)

// Entry is a catalog's value: one sentence, or the plural forms of a
// sentence that counts.
type Entry struct {
	Text   string
	Plural map[string]string // CLDR form ("one", "other") to sentence
}

// UnmarshalJSON reads a sentence or an object of plural forms.
func (e *Entry) UnmarshalJSON(b []byte) error {
	if len(b) > 0 && b[0] == '{' {
		return json.Unmarshal(b, &e.Plural)
	}
	return json.Unmarshal(b, &e.Text)
}

// Catalog returns the entries of the catalog of language code, read from
// its file; it fails only on a file that is not a flat JSON object.
func Catalog(code string) (map[string]Entry, error) {
	b, err := files.ReadFile(code + ".json")
	if err != nil {
		return nil, err
	}
	var entries map[string]Entry
	if err := json.Unmarshal(b, &entries); err != nil {
		return nil, fmt.Errorf("%s.json: %w", code, err)
	}
	return entries, nil
}

func load() map[string]*Lang {
	b := catalog.NewBuilder(catalog.Fallback(language.English))
	out := make(map[string]*Lang, len(Codes))
	for i, code := range Codes {
		entries, err := Catalog(code)
		if err != nil {
			panic(err) // an embedded file of ours: the tests read it first
		}
		l := &Lang{code: code, tag: tags[i], plain: make(map[string]string, len(entries))}
		for key, e := range entries {
			if e.Plural == nil && !strings.Contains(e.Text, "%") {
				l.plain[key] = e.Text
			}
			if e.Plural == nil {
				err = b.SetString(tags[i], key, e.Text)
			} else {
				var cases []any
				for _, form := range []string{"zero", "one", "two", "few", "many", "other"} {
					if s, ok := e.Plural[form]; ok {
						cases = append(cases, form, s)
					}
				}
				err = b.Set(tags[i], key, plural.Selectf(1, "", cases...))
			}
			if err != nil {
				panic(fmt.Errorf("%s.json: %q: %w", code, key, err))
			}
		}
		l.p = message.NewPrinter(tags[i], message.Catalog(b))
		// x/text's CLDR data (v32) groups French digits with a no-break
		// space; CLDR 34 and French typography use the narrow one, which
		// the pages have always written: the catalog says which.
		xt := l.p.Sprintf("%.1f", 1000.5) // "1,000.5", "1 000,5"
		xdecimal := xt[len(xt)-2 : len(xt)-1]
		xgroup := strings.TrimSuffix(strings.TrimPrefix(xt, "1"), "000"+xdecimal+"5")
		l.numbers = strings.NewReplacer(xgroup, entries["number.group"].Text, xdecimal, entries["number.decimal"].Text)
		out[code] = l
	}
	return out
}

// Get returns language code ("en", "fr"), or English for any other.
func Get(code string) *Lang {
	if l, ok := langs[code]; ok {
		return l
	}
	return langs["en"]
}

// Match returns the language that best suits an Accept-Language header,
// English when none does.
func Match(acceptLanguage string) *Lang {
	tags, _, _ := language.ParseAcceptLanguage(acceptLanguage)
	_, i, _ := matcher.Match(tags...)
	return langs[Codes[i]]
}

// Code returns the language's code: "en" or "fr".
func (l *Lang) Code() string { return l.code }

// T returns the sentence key with args in its placeholders. An int or
// int64 argument counts: %d writes it with the language's grouping, %s
// as bare digits (an id, a generation), and it picks a plural form. A key missing from the catalog comes back as it is (the
// tests keep that from happening).
func (l *Lang) T(key string, args ...any) string {
	if s, ok := l.plain[key]; ok && len(args) == 0 {
		return s
	}
	args = append([]any(nil), args...) // the caller's slice stays as it was
	for i, a := range args {
		switch n := a.(type) {
		case int:
			args[i] = count{int64(n), l}
		case int64:
			args[i] = count{n, l}
		}
	}
	return l.p.Sprintf(key, args...)
}

// Has reports whether the catalogs have a sentence for key.
func Has(key string) bool { return keySet[key] }

var keySet = func() map[string]bool {
	entries, err := Catalog("en")
	if err != nil {
		panic(err)
	}
	set := make(map[string]bool, len(entries))
	for k := range entries {
		set[k] = true
	}
	return set
}()

// Keys returns every key of the catalogs, sorted.
func Keys() []string {
	out := make([]string, 0, len(keySet))
	for k := range keySet {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// Int writes n with the language's digit grouping: 12,345 or 12 345.
func (l *Lang) Int(n int64) string {
	return l.numbers.Replace(l.p.Sprintf("%d", n))
}

// Decimal writes x with places decimals: 1,234.57 or 1 234,57. It rounds
// as strconv does, the exact binary value, before x/text writes it: x/text
// rounds the shortest decimal form half to even, which would turn 0.165
// (0.16500000000000000777…) into 0.16.
func (l *Lang) Decimal(x float64, places int) string {
	s := strconv.FormatFloat(x, 'f', places, 64)
	rounded, _ := strconv.ParseFloat(s, 64)
	out := l.numbers.Replace(l.p.Sprintf("%."+strconv.Itoa(places)+"f", rounded))
	if strings.HasPrefix(s, "-") && !strings.HasPrefix(out, "-") {
		out = "-" + out // -0.004 is -0.00, as strconv writes it
	}
	return out
}

// Percent writes the share x (0.42) as a percentage: 42% or 42 %.
func (l *Lang) Percent(x float64, places int) string {
	return l.T("number.percent", l.Decimal(100*x, places))
}

// Date writes t with the layout of the catalog's key "date.layout."+kind
// (a Go layout: x/text formats no dates), the month names from the
// catalog too.
func (l *Lang) Date(t time.Time, kind string) string {
	layout := l.T("date.layout." + kind)
	// The month names are Go's English ones unless the catalog's differ:
	// stand-ins the layout does not know keep their place.
	layout = strings.NewReplacer("January", "\x01", "Jan", "\x02").Replace(layout)
	month := fmt.Sprintf("%02d", int(t.Month()))
	return strings.NewReplacer("\x01", l.T("date.month."+month), "\x02", l.T("date.month_short."+month)).Replace(t.Format(layout))
}

// count is an int argument of a sentence: written with the language's
// grouping for %d, and the number that picks a plural form.
type count struct {
	n int64
	l *Lang
}

// PluralForm is n's plural form in language t (plural.Interface).
func (c count) PluralForm(t language.Tag, _ int) (plural.Form, int) {
	return plural.Cardinal.MatchPlural(t, int(c.n), 0, 0, 0, 0), int(c.n)
}

// Format writes the number grouped for %d, as bare digits for %s and %v,
// and as fmt would for other verbs.
func (c count) Format(f fmt.State, verb rune) {
	switch verb {
	case 'd':
		io.WriteString(f, c.l.Int(c.n))
	case 's', 'v':
		io.WriteString(f, strconv.FormatInt(c.n, 10))
	default:
		fmt.Fprintf(f, fmt.FormatString(f, verb), c.n)
	}
}
