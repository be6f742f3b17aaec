package dashboard

import (
	"io/fs"
	"math"
	"regexp"
	"strconv"
	"testing"
)

// The editor's link preview draws fixed colours, the same in both themes:
// each of its texts keeps WCAG's 4.5:1 against its background.
func TestLinkPreviewContrast(t *testing.T) {
	css, err := fs.ReadFile(assets, "static/dash.css")
	if err != nil {
		t.Fatal(err)
	}
	colour := func(selector, property string) string {
		t.Helper()
		re := regexp.MustCompile(regexp.QuoteMeta(selector) + ` \{[^}]*?[^-]` + property + `: (#[0-9a-fA-F]{6})`)
		m := re.FindSubmatch(css)
		if m == nil {
			t.Fatalf("no %s in %s", property, selector)
		}
		return string(m[1])
	}
	card, bubble := colour(".og", "background"), colour(".bubble", "background")
	for _, c := range []struct{ text, fg, bg string }{
		{"title", colour(".bubble", "color"), card},
		{"description", colour(".og-desc", "color"), card},
		{"site", colour(".og-host", "color"), card},
		{"link", colour(".og-link", "color"), bubble},
		{"remote image", colour(".og-image.remote", "color"), colour(".og-image.remote", "background")},
	} {
		if got := contrast(c.fg, c.bg); got < 4.5 {
			t.Errorf("%s: %s on %s is %.2f:1, want at least 4.5:1", c.text, c.fg, c.bg, got)
		}
	}
}

// contrast is WCAG 2's contrast ratio of two #rrggbb colours.
func contrast(a, b string) float64 {
	la, lb := luminance(a), luminance(b)
	return (math.Max(la, lb) + 0.05) / (math.Min(la, lb) + 0.05)
}

func luminance(hex string) float64 {
	var l float64
	for i, weight := range []float64{0.2126, 0.7152, 0.0722} {
		v, _ := strconv.ParseUint(hex[1+2*i:3+2*i], 16, 8)
		c := float64(v) / 255
		if c <= 0.03928 {
			c /= 12.92
		} else {
			c = math.Pow((c+0.055)/1.055, 2.4)
		}
		l += weight * c
	}
	return l
}

func TestContrastKnownAnswers(t *testing.T) {
	for _, c := range []struct {
		a, b string
		want float64
	}{
		{"#000000", "#ffffff", 21},
		{"#ffffff", "#ffffff", 1},
		{"#767676", "#ffffff", 4.54}, // the lightest grey that passes on white
	} {
		if got := contrast(c.a, c.b); math.Abs(got-c.want) > 0.01 {
			t.Errorf("contrast(%s, %s) = %.3f, want %.2f", c.a, c.b, got, c.want)
		}
	}
}
