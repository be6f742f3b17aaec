package recipient

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/sillage/sillage/campaign"
	"github.com/sillage/sillage/campaign/i18n"
)

// A campaign not open yet says when it opens, in the page's language, as
// the recipient's old text table wrote it (its DateLayout).
func TestOpensOn(t *testing.T) {
	when := time.Date(2026, time.March, 7, 9, 5, 0, 0, time.UTC)
	for lang, want := range map[string]string{
		"en": "It opens on March 7, 2026 at 09:05 UTC",
		"fr": "Ouverture le 07/03/2026 à 09:05 UTC",
	} {
		if got := opensOn(i18n.Get(lang), fmt.Errorf("unlock: %w", opensAt{when})); got != want {
			t.Errorf("%s: %q, want %q", lang, got, want)
		}
	}
	if got := opensOn(i18n.Get("en"), campaign.ErrNotOpen); got != "" {
		t.Errorf("without a date: %q", got)
	}
	if !errors.Is(opensAt{when}, campaign.ErrNotOpen) {
		t.Error("opensAt is not campaign.ErrNotOpen")
	}
}
