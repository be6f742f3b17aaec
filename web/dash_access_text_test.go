package web

import (
	"reflect"
	"testing"
)

// Every sentence of the editor's accessibility fields exists in both
// languages.
func TestAccessTextsComplete(t *testing.T) {
	for _, lang := range []string{"en", "fr"} {
		v := reflect.ValueOf(*accessTexts[lang])
		for i := range v.NumField() {
			if v.Field(i).String() == "" {
				t.Errorf("%s: %s is empty", lang, v.Type().Field(i).Name)
			}
		}
	}
}
