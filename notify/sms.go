package notify

import (
	"strings"
	"unicode/utf16"
)

// The GSM 03.38 alphabet: a message written only with it travels 7 bits a
// character, 160 to a segment; one other character turns the whole message
// into UCS-2, 70 to a segment. The extension characters cost two.
const (
	gsmBasic     = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
	gsmExtension = "^{}\\[~]|€\f"
)

// SMSSegments returns how many SMS segments text takes: 160 GSM-7
// characters fit in one, 153 in each of several; 70 UCS-2 characters fit in
// one, 67 in each of several.
func SMSSegments(text string) int {
	septets, gsm := 0, true
	for _, r := range text {
		switch {
		case strings.ContainsRune(gsmBasic, r):
			septets++
		case strings.ContainsRune(gsmExtension, r):
			septets += 2
		default:
			gsm = false
		}
	}
	if !gsm {
		units := len(utf16.Encode([]rune(text)))
		return segments(units, 70, 67)
	}
	return segments(septets, 160, 153)
}

func segments(n, single, multi int) int {
	if n <= single {
		return 1
	}
	return (n + multi - 1) / multi
}

// fitSMS renders an SMS in one segment if it can, else in two: it shortens
// the free-text variables (teaser text, teaser, campaign title, then name)
// and never the link. When nothing fits two segments, the full text goes:
// the marketer wrote a long template on purpose.
func fitSMS(render func(TemplateData) (string, error), d TemplateData) (string, error) {
	full, err := render(d)
	if err != nil || SMSSegments(full) <= 1 {
		return full, err
	}
	for _, limit := range []int{1, 2} {
		try := d
		for _, field := range []*string{&try.TeaserText, &try.Teaser, &try.Campaign, &try.Name} {
			orig := []rune(*field)
			// The longest prefix of this field that fits, by bisection:
			// more text never takes fewer segments.
			lo, hi := -1, len(orig) // lo fits (-1: not even empty), hi+1 does not
			for lo < hi {
				mid := (lo + hi + 1) / 2
				*field = shorten(orig, mid)
				s, err := render(try)
				if err != nil {
					return "", err
				}
				if SMSSegments(s) <= limit {
					lo = mid
				} else {
					hi = mid - 1
				}
			}
			if lo >= 0 {
				*field = shorten(orig, lo)
				return render(try)
			}
			*field = ""
		}
	}
	return full, nil
}

// shorten keeps the first n runes of r, marking a cut with "..." (three
// GSM characters: the ellipsis sign would switch the SMS to UCS-2).
func shorten(r []rune, n int) string {
	switch {
	case n >= len(r):
		return string(r)
	case n < 4:
		return ""
	}
	return strings.TrimSpace(string(r[:n-3])) + "..."
}
