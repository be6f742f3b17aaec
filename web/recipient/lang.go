package recipient

import (
	"net/http"
	"slices"

	"github.com/sillage/sillage/campaign/i18n"
)

// langFor returns the language of a campaign's pages, or, when there is
// no campaign to ask (campaignLang empty), the visitor's Accept-Language.
// The sentences are the catalog's "recipient." keys (campaign/i18n).
func langFor(r *http.Request, campaignLang string) *i18n.Lang {
	if slices.Contains(i18n.Codes, campaignLang) {
		return i18n.Get(campaignLang)
	}
	return i18n.Match(r.Header.Get("Accept-Language"))
}
