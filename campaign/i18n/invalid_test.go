package i18n

import "testing"

func TestSayInvalid(t *testing.T) {
	for _, c := range []struct {
		lang, field, msg, format string
		args                     []any
		want                     string
	}{
		{"en", "seats", "must be a whole number", "must be a whole number", nil, "Seats: must be a whole number"},
		{"fr", "seats", "must be a whole number", "must be a whole number", nil, "Places\u00a0: doit être un nombre entier"},
		{"fr", "", "must be a whole number", "must be a whole number", nil, "doit être un nombre entier"},
		{"fr", "content_variables.1", "x", "", nil, "Variables (1)\u00a0: x"},
		{"fr", "no_such_field", "déjà dit", "no such format %d", []any{1}, "no_such_field\u00a0: déjà dit"},
	} {
		if got := Get(c.lang).SayInvalid(c.field, c.msg, c.format, c.args); got != c.want {
			t.Errorf("%s %q %q: %q, want %q", c.lang, c.field, c.format, got, c.want)
		}
	}
}
