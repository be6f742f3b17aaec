package dashboard

import (
	"strings"
	"testing"

	"github.com/sillage/sillage/campaign/i18n"
)

// Every sentence of the editor's accessibility fields exists in both
// languages.
func TestAccessTextsComplete(t *testing.T) {
	for _, lang := range i18n.Codes {
		entries, err := i18n.Catalog(lang)
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for key, e := range entries {
			if name, ok := strings.CutPrefix(key, "dashboard.access."); ok {
				n++
				if e.Text == "" {
					t.Errorf("%s: %s is empty", lang, name)
				}
			}
		}
		if n != 18 {
			t.Errorf("%s: %d sentences about access, want the editor's 18", lang, n)
		}
	}
}
