package dashboard

import (
	"errors"
	"strings"

	"github.com/sillage/sillage/campaign"
	"github.com/sillage/sillage/campaign/i18n"
	"github.com/sillage/sillage/notify"
)

// The domain packages word their validation messages in English, for the
// API, and keep each message's format and arguments beside it. The
// dashboard, and the recipient pages for a tampered form, say them in the
// page's language from the catalog (campaign/i18n), whose key is
// "validation." and the English format: the field as the forms label it
// ("validation.field." and its name), then the message, whole numbers
// grouped as on the dashboard's other pages (10 000 in French).

// sayInvalid returns what is wrong with field in language lang ("fr" or
// "en"). A message without a format was worded by the web package itself,
// already in that language.
func sayInvalid(lang, field, msg, format string, args []any) string {
	l := i18n.Get(lang)
	sep := ": "
	if lang == "fr" {
		sep = "\u00a0: "
	}
	if format != "" && i18n.Has("validation."+format) {
		msg = l.T("validation."+format, args...)
	}
	if field == "" {
		return msg
	}
	name := field
	if i18n.Has("validation.field." + field) {
		name = l.T("validation.field." + field)
	} else if before, key, ok := strings.Cut(field, "."); ok && i18n.Has("validation.field."+before) {
		name = l.T("validation.field."+before) + " (" + key + ")" // one of several, such as content_variables.1
	}
	return name + sep + msg
}

// invalidMessage returns the message of a campaign or notify validation
// error in t's language, and false for any other error.
func invalidMessage(t *i18n.Lang, err error) (string, bool) {
	if v, ok := errors.AsType[*campaign.ValidationError](err); ok {
		return sayInvalid(t.Code(), v.Field, v.Message, v.Format, v.Args), true
	}
	return "", false
}

// RowReason returns why a contact file's row was rejected, in the page's
// language.
func (p seedPage) RowReason(r notify.RowError) string {
	return sayInvalid(p.L.Code(), "", r.Reason, r.Format, r.Args)
}
