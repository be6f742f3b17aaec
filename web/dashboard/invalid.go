package dashboard

import (
	"errors"

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

// invalidMessage returns the message of a campaign or notify validation
// error in t's language, and false for any other error.
func invalidMessage(t *i18n.Lang, err error) (string, bool) {
	if v, ok := errors.AsType[*campaign.ValidationError](err); ok {
		return t.SayInvalid(v.Field, v.Message, v.Format, v.Args), true
	}
	return "", false
}

// RowReason returns why a contact file's row was rejected, in the page's
// language.
func (p seedPage) RowReason(r notify.RowError) string {
	return p.L.SayInvalid("", r.Reason, r.Format, r.Args)
}
