package i18n

import "strings"

// SayInvalid says what is wrong with field in l's language: the field as
// the forms label it ("validation.field." and its name; "name (key)" for
// one of several, such as content_variables.1), then the message of the
// catalog's "validation."+format, with args. The domain packages word
// their validation messages in English for the API and keep each one's
// format and arguments beside it (campaign.ValidationError); a message
// without a format, or with one the catalog lacks, is said as msg, the
// words of its author.
func (l *Lang) SayInvalid(field, msg, format string, args []any) string {
	if format != "" && Has("validation."+format) {
		msg = l.T("validation."+format, args...)
	}
	if field == "" {
		return msg
	}
	name := field
	if Has("validation.field." + field) {
		name = l.T("validation.field." + field)
	} else if before, key, ok := strings.Cut(field, "."); ok && Has("validation.field."+before) {
		name = l.T("validation.field."+before) + " (" + key + ")"
	}
	return name + l.T("punctuation.field_separator") + msg
}
