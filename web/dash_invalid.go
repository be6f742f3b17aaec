package web

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"golang.org/x/text/feature/plural"
	"golang.org/x/text/language"
	"golang.org/x/text/message"
	"golang.org/x/text/message/catalog"

	"github.com/sillage/sillage/campaign"
	"github.com/sillage/sillage/notify"
)

// The domain packages word their validation messages in English, for the
// API, and keep each message's format and arguments beside it. The
// dashboard, and the recipient pages for a tampered form, say them in the
// page's language: the field as the forms label it, then the format's
// translation in web/dash_invalid_text.go, whole numbers grouped as on
// the dashboard's other pages (10 000 in French).

var invalidCatalog = func() catalog.Catalog {
	b := catalog.NewBuilder(catalog.Fallback(language.English))
	for format, fr := range invalidFR {
		if err := b.SetString(language.French, format, fr); err != nil {
			panic(err) // a wording of ours that the catalog refuses
		}
	}
	tags := map[string]language.Tag{"en": language.English, "fr": language.French}
	for format, langs := range invalidPlurals {
		for lang, f := range langs {
			if err := b.Set(tags[lang], format, plural.Selectf(1, "", "one", f[0], "other", f[1])); err != nil {
				panic(err)
			}
		}
	}
	return b
}()

// sayInvalid returns what is wrong with field in language lang ("fr" or
// "en"). A message without a format was worded by the web package itself,
// already in that language.
func sayInvalid(lang, field, msg, format string, args []any) string {
	tag, sep := language.English, ": "
	if lang == "fr" {
		tag, sep = language.French, "\u00a0: "
	}
	if format != "" {
		// Whole numbers are written as on the dashboard's other pages.
		live := &dashTexts[lang].Live
		shown := make([]any, len(args))
		for i, a := range args {
			shown[i] = a
			if n, ok := a.(int); ok {
				shown[i] = grouped{n, live}
			}
		}
		msg = message.NewPrinter(tag, message.Catalog(invalidCatalog)).Sprintf(format, shown...)
	}
	if field == "" {
		return msg
	}
	name := fieldNames[lang][field]
	if before, key, ok := strings.Cut(field, "."); name == "" && ok && fieldNames[lang][before] != "" {
		name = fieldNames[lang][before] + " (" + key + ")" // one of several, such as content_variables.1
	}
	if name == "" {
		name = field
	}
	return name + sep + msg
}

// grouped prints a whole number with the page's digit grouping for %d.
type grouped struct {
	n    int
	live *liveText
}

// PluralForm is the plural form of the number in language t, for the
// plural forms of invalidPlurals.
func (g grouped) PluralForm(t language.Tag, _ int) (plural.Form, int) {
	return plural.Cardinal.MatchPlural(t, g.n, 0, 0, 0, 0), g.n
}

func (g grouped) Format(f fmt.State, verb rune) {
	if verb == 'd' {
		io.WriteString(f, g.live.integer(int64(g.n)))
		return
	}
	fmt.Fprintf(f, fmt.FormatString(f, verb), g.n)
}

// invalidMessage returns the message of a campaign or notify validation
// error in t's language, and false for any other error.
func (t *dashText) invalidMessage(err error) (string, bool) {
	if v, ok := errors.AsType[*campaign.ValidationError](err); ok {
		return sayInvalid(t.Lang, v.Field, v.Message, v.Format, v.Args), true
	}
	return "", false
}

// RowReason returns why a contact file's row was rejected, in t's
// language.
func (t *dashText) RowReason(r notify.RowError) string {
	return sayInvalid(t.Lang, "", r.Reason, r.Format, r.Args)
}
