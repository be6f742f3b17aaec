package web_test

import (
	"bytes"
	"encoding/csv"
	"encoding/xml"
	"fmt"
	"html"
	"image"
	"image/color"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/makiuchi-d/gozxing"
	gozxingqr "github.com/makiuchi-d/gozxing/qrcode"

	"github.com/sillage/sillage/migrations/dbtest"
)

// qrCard is one link of the printable page.
type qrCard struct {
	url string
	svg string
}

var (
	cardRE    = regexp.MustCompile(`(?s)<li class="qr-card">\s*(<svg.*?</svg>)\s*<p class="qr-num">(\d+)</p>\s*<p class="qr-url"><a class="minted-link" href="([^"]+)">[^<]+</a></p>`)
	viewBoxRE = regexp.MustCompile(`viewBox="0 0 (\d+) (\d+)"`)
	runRE     = regexp.MustCompile(`M(\d+) (\d+)h(\d+)v1h-(\d+)z`)
)

func qrCards(t *testing.T, page string) []qrCard {
	t.Helper()
	var cards []qrCard
	for i, m := range cardRE.FindAllStringSubmatch(page, -1) {
		if m[2] != strconv.Itoa(i+1) {
			t.Errorf("card %d is numbered %s", i+1, m[2])
		}
		cards = append(cards, qrCard{url: html.UnescapeString(m[3]), svg: m[1]})
	}
	return cards
}

// decodeQR draws the SVG at 4 pixels a module and decodes it with ZXing,
// error correction included. It also checks that the SVG is well-formed
// XML and keeps the 4-module quiet zone blank. ZXing is told the image is
// a pure code: its camera-image finder misses about 1 in 150 of these
// perfectly sharp codes (20 of 3,000 random links, all of which decode as
// pure codes), which made this test fail now and then.
func decodeQR(t *testing.T, svg string) string {
	t.Helper()
	dec := xml.NewDecoder(strings.NewReader(svg))
	for {
		_, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("SVG is not well-formed: %v", err)
		}
	}
	vb := viewBoxRE.FindStringSubmatch(svg)
	if vb == nil || vb[1] != vb[2] {
		t.Fatalf("SVG without a square viewBox: %.80s", svg)
	}
	size, _ := strconv.Atoi(vb[1])
	if modules := size - 8; modules < 21 || (modules-21)%4 != 0 {
		t.Fatalf("%d modules between the quiet zones: not a QR code size", modules)
	}
	const scale = 4
	img := image.NewGray(image.Rect(0, 0, size*scale, size*scale))
	for i := range img.Pix {
		img.Pix[i] = 0xff
	}
	runs := runRE.FindAllStringSubmatch(svg, -1)
	if len(runs) == 0 {
		t.Fatal("SVG without dark modules")
	}
	for _, r := range runs {
		x, _ := strconv.Atoi(r[1])
		y, _ := strconv.Atoi(r[2])
		w, _ := strconv.Atoi(r[3])
		if x < 4 || y < 4 || x+w > size-4 || y >= size-4 || r[3] != r[4] {
			t.Fatalf("dark run %s inside the quiet zone", r[0])
		}
		for px := x * scale; px < (x+w)*scale; px++ {
			for py := y * scale; py < (y+1)*scale; py++ {
				img.SetGray(px, py, color.Gray{})
			}
		}
	}
	bmp, err := gozxing.NewBinaryBitmapFromImage(img)
	if err != nil {
		t.Fatal(err)
	}
	pure := map[gozxing.DecodeHintType]any{gozxing.DecodeHintType_PURE_BARCODE: true}
	res, err := gozxingqr.NewQRCodeReader().Decode(bmp, pure)
	if err != nil {
		t.Fatalf("the QR code does not decode: %v", err)
	}
	return res.GetText()
}

// The printable page shows N new links, each with a QR code that decodes
// to it, and each opens the unlock page. Its CSV holds the same links.
func TestDashMintPrintable(t *testing.T) {
	d := newDash(t)
	b := d.signedIn()
	id := d.launch(map[string]any{"max_seats": 25}, "text/plain", []byte("Le texte"))
	form := url.Values{"count": {"3"}, "channel": {"link"}, "seats": {"5"}, "label": {"flyers, Paris"},
		"expires_at": {"2026-12-31T20:00"}, "format": {"page"}}
	res, page := b.do("POST", d.seedURL(id, "/links"), form, nil)
	if res.StatusCode != http.StatusCreated {
		t.Fatalf("mint: %d", res.StatusCode)
	}
	if cc := res.Header.Get("Cache-Control"); !strings.Contains(cc, "no-store") {
		t.Errorf("Cache-Control %q: links would stay in caches", cc)
	}
	mustContain(t, page, "Le clip · Links to hand out: 3", "flyers, Paris",
		"These links will not be shown again", `<button type="button" class="primary" data-print hidden>Print</button>`,
		`<a href="/campaigns/1/seeding" aria-current="page">Seeding</a>`)
	if strings.Contains(page, "<script>") || strings.Contains(page, `style="`) {
		t.Error("an inline script or style: the CSP refuses them")
	}
	cards := qrCards(t, page)
	if len(cards) != 3 {
		t.Fatalf("%d QR cards, want 3", len(cards))
	}
	seen := map[string]bool{}
	for i, c := range cards {
		if seen[c.url] || !strings.HasPrefix(c.url, d.srv.URL+"/s/") {
			t.Errorf("link %d: %q is a repeat or not a share link", i+1, c.url)
		}
		seen[c.url] = true
		if got := decodeQR(t, c.svg); got != c.url {
			t.Errorf("QR code %d decodes to %q, want %q", i+1, got, c.url)
		}
		if !strings.Contains(c.svg, fmt.Sprintf(`role="img" aria-label="QR code of link %d"`, i+1)) {
			t.Errorf("QR code %d has no label", i+1)
		}
		res, body := newPhone(t, iPhoneSafari).get(c.url)
		token := strings.TrimPrefix(c.url, d.srv.URL+"/s/")
		if res.StatusCode != http.StatusOK || !strings.Contains(body, `action="/s/`+token+`/unlock"`) {
			t.Errorf("link %d: %d, want the unlock page", i+1, res.StatusCode)
		}
	}
	got := d.rows(`SELECT channel, seats, label, sender_claim_id IS NULL, expires_at FROM links WHERE campaign_id = $1 ORDER BY id`, id)
	want := "link|5|flyers, Paris|1|1798747200000" // 2026-12-31T20:00Z
	if len(got) != 3 || got[0] != want || got[2] != want {
		t.Errorf("links %q, want 3 of %q", got, want)
	}
	if dump := dbtest.Dump(t, d.db); bytes.Contains(dump, []byte(strings.TrimPrefix(cards[0].url, d.srv.URL+"/s/"))) {
		t.Error("a token is stored in the clear")
	}

	// The page's CSV download holds the same links.
	m := regexp.MustCompile(`<a class="button" href="data:text/csv;charset=utf-8,([^"]+)" download="(sillage-1-links-[0-9-]+\.csv)">`).FindStringSubmatch(page)
	if m == nil {
		t.Fatal("no CSV download of the printed links")
	}
	data, err := url.PathUnescape(html.UnescapeString(m[1]))
	if err != nil {
		t.Fatal(err)
	}
	records, err := csv.NewReader(strings.NewReader(data)).ReadAll()
	if err != nil || len(records) != 4 || records[1][2] != cards[0].url || records[3][2] != cards[2].url || records[3][0] != "3" {
		t.Errorf("CSV of the page: %q, %v", records, err)
	}

	// Every press mints new links.
	_, again := b.do("POST", d.seedURL(id, "/links"), form, nil)
	for _, c := range qrCards(t, again) {
		if seen[c.url] {
			t.Error("a second press shows a link of the first")
		}
	}
	if n := d.count("links"); n != 6 {
		t.Errorf("%d links after two presses, want 6", n)
	}
}

func TestDashMintCSV(t *testing.T) {
	d := newDash(t)
	b := d.signedIn()
	id := d.launch(nil, "text/plain", []byte("Le texte"))
	res, body := b.do("POST", d.seedURL(id, "/links"), url.Values{"count": {" 5 "}, "channel": {"whatsapp"}, "format": {"csv"}}, nil)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("mint: %d %s", res.StatusCode, body)
	}
	if ct, cd := res.Header.Get("Content-Type"), res.Header.Get("Content-Disposition"); ct != "text/csv; charset=utf-8" ||
		!regexp.MustCompile(`^attachment; filename="sillage-1-links-20261123-200000\.csv"$`).MatchString(cd) {
		t.Errorf("Content-Type %q, Content-Disposition %q", ct, cd)
	}
	records, err := csv.NewReader(strings.NewReader(body)).ReadAll()
	if err != nil || len(records) != 6 || !slices.Equal(records[0], []string{"number", "id", "url"}) {
		t.Fatalf("CSV %q, %v", records, err)
	}
	ids := d.rows(`SELECT id, channel, seats FROM links WHERE campaign_id = $1 ORDER BY id`, id)
	urls := map[string]bool{}
	for i, rec := range records[1:] {
		if rec[0] != strconv.Itoa(i+1) || ids[i] != rec[1]+"|whatsapp|1" || urls[rec[2]] {
			t.Errorf("row %d: %q, link %q", i+1, rec, ids[i])
		}
		urls[rec[2]] = true
		if res, _ := newPhone(t, androidChrome).get(rec[2]); res.StatusCode != http.StatusOK {
			t.Errorf("link %d: %d, want the unlock page", i+1, res.StatusCode)
		}
	}
}

// Every bad input of the mint form comes back on the form with why, what
// was typed, and no link minted.
func TestDashMintBadInput(t *testing.T) {
	d := newDash(t)
	b := d.signedIn()
	id := d.launch(map[string]any{"max_seats": 25}, "text/plain", []byte("Le texte"))
	valid := url.Values{"count": {"3"}, "channel": {"link"}, "seats": {""}, "label": {""}, "expires_at": {""}, "format": {"page"}}
	before := dbtest.Dump(t, d.db)
	for _, c := range []struct {
		name   string
		edits  map[string]string
		field  string
		status int
		want   string
	}{
		{"Zero", map[string]string{"count": "0"}, "count", 422, "Enter a whole number of links from 1 to 10000."},
		{"NotANumber", map[string]string{"count": "abc"}, "count", 422, "Enter a whole number of links from 1 to 10000."},
		{"Empty", map[string]string{"count": ""}, "count", 422, "Enter a whole number of links from 1 to 10000."},
		{"Fraction", map[string]string{"count": "2.5"}, "count", 422, "Enter a whole number of links from 1 to 10000."},
		{"TooManyToPrint", map[string]string{"count": "501"}, "count", 422, "A printable page holds at most 500 links"},
		{"TooManyForCSV", map[string]string{"count": "10001", "format": "csv"}, "count", 422, "Enter a whole number of links from 1 to 10000."},
		{"Huge", map[string]string{"count": "99999999999999999999"}, "count", 422, "Enter a whole number of links from 1 to 10000."},
		{"UnknownChannel", map[string]string{"channel": "fax"}, "channel", 422, `must be one of &#34;whatsapp&#34;, &#34;sms&#34;, &#34;email&#34;, &#34;link&#34;`},
		{"SeatsNotANumber", map[string]string{"seats": "many"}, "seats", 422, "Enter a whole number of seats, or leave it empty."},
		{"SeatsZero", map[string]string{"seats": "0"}, "seats", 422, "Enter a whole number of seats, or leave it empty."},
		{"SeatsOverMax", map[string]string{"seats": "26"}, "seats", 422, "must be between 1 and the campaign&#39;s max_seats (25)"},
		{"LongLabel", map[string]string{"label": strings.Repeat("é", 101)}, "label", 422, "at most 100 characters"},
		{"BadExpiry", map[string]string{"expires_at": "tomorrow"}, "expires_at", 422, "must be a date and time"},
		{"PastExpiry", map[string]string{"expires_at": "2026-11-23T19:00"}, "expires_at", 422, "The expiry must be in the future."},
		{"UnknownFormat", map[string]string{"format": "pdf"}, "", 422, "Choose a printable page or a CSV file."},
	} {
		t.Run(c.name, func(t *testing.T) {
			form := url.Values{}
			for k, v := range valid {
				form[k] = v
			}
			for k, v := range c.edits {
				form.Set(k, v)
			}
			res, body := b.do("POST", d.seedURL(id, "/links"), form, nil)
			if res.StatusCode != c.status {
				t.Fatalf("%d, want %d", res.StatusCode, c.status)
			}
			if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/html") {
				t.Errorf("Content-Type %q, want the page", ct)
			}
			mustContain(t, body, c.want)
			if c.field != "" {
				mustContain(t, body, "Nothing was minted: please correct the field marked below.",
					`<p class="field-error" id="`+c.field+`-error">`, `aria-invalid="true"`)
				if v := c.edits[c.field]; c.field != "channel" && !strings.Contains(body, `value="`+html.EscapeString(v)+`"`) {
					t.Errorf("the typed %s %q is not shown back", c.field, v)
				}
			}
			d.unchanged(t, before)
		})
	}
	t.Run("French", func(t *testing.T) {
		form := url.Values{"count": {"abc"}, "channel": {"link"}, "format": {"page"}}
		res, body := b.do("POST", d.seedURL(id, "/links"), form, http.Header{"Accept-Language": {"fr"}})
		if res.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("%d, want 422", res.StatusCode)
		}
		mustContain(t, body, "Saisissez un nombre entier de liens, de 1 à 10000.", "Aucun lien n&#39;a été créé")
		// The domain's messages too, beside their field.
		for field, want := range map[string]string{
			"seats":      "doit être entre 1 et la taille du plus grand lien de groupe de la campagne (25)",
			"expires_at": "doit être une date et une heure, par exemple 2026-12-01T20:00",
		} {
			form := url.Values{"count": {"3"}, "channel": {"link"}, "format": {"page"}}
			form.Set(field, map[string]string{"seats": "26", "expires_at": "demain"}[field])
			_, body := b.do("POST", d.seedURL(id, "/links"), form, http.Header{"Accept-Language": {"fr"}})
			mustContain(t, body, `<p class="field-error" id="`+field+`-error">`+want+`</p>`)
		}
		d.unchanged(t, before)
	})
	t.Run("NoSuchCampaign", func(t *testing.T) {
		for _, p := range []string{"/campaigns/99/links", "/campaigns/x/links", "/campaigns/-1/links"} {
			if res, _ := b.do("POST", d.srv.URL+p, valid, nil); res.StatusCode != http.StatusNotFound {
				t.Errorf("POST %s: %d, want 404", p, res.StatusCode)
			}
		}
		d.unchanged(t, before)
	})
	t.Run("Ended", func(t *testing.T) {
		b.do("POST", d.seedURL(id, "/status"), url.Values{"status": {"ended"}}, nil)
		ended := dbtest.Dump(t, d.db)
		res, body := b.do("POST", d.seedURL(id, "/links"), valid, nil)
		if res.StatusCode != http.StatusConflict {
			t.Fatalf("%d, want 409", res.StatusCode)
		}
		mustContain(t, body, "This campaign has ended: no link can be sent or minted any more.")
		d.unchanged(t, ended)
	})
}

var mintKeyRE = regexp.MustCompile(`<input type="hidden" name="key" value="([^"]+)">`)

// mintKey returns the one-time key of the mint form on page.
func mintKey(t *testing.T, page string) string {
	t.Helper()
	m := mintKeyRE.FindStringSubmatch(page)
	if m == nil {
		t.Fatal("the mint form has no one-time key")
	}
	return m[1]
}

// Reloading the printable page posts its form again: that mints nothing,
// and says why. A GET of the form's address mints nothing either.
func TestDashMintReload(t *testing.T) {
	d := newDash(t)
	b := d.signedIn()
	id := d.launch(nil, "text/plain", []byte("Le texte"))
	_, seeding := b.get(d.seedURL(id, "/seeding"))
	key := mintKey(t, seeding)
	form := url.Values{"count": {"3"}, "channel": {"link"}, "format": {"page"}, "key": {key}}

	t.Run("GetMintsNothing", func(t *testing.T) {
		before := d.count("links")
		res, _ := b.get(d.seedURL(id, "/links"))
		if got, want := res.Header.Get("Location"), fmt.Sprintf("/campaigns/%d/seeding#mint-title", id); res.StatusCode != http.StatusSeeOther || got != want {
			t.Errorf("GET /links: %d to %q, want 303 to %q", res.StatusCode, got, want)
		}
		if got := d.count("links"); got != before {
			t.Errorf("GET /links minted %d links", got-before)
		}
	})

	before := d.count("links")
	res, page := b.do("POST", d.seedURL(id, "/links"), form, nil)
	if res.StatusCode != http.StatusCreated || len(qrCards(t, page)) != 3 {
		t.Fatalf("mint: %d, %d cards", res.StatusCode, len(qrCards(t, page)))
	}
	if got, want := d.count("links"), before+3; got != want {
		t.Fatalf("%d links after minting 3, want %d", got, want)
	}
	mustContain(t, page, "These links will not be shown again, even if you reload this page")

	t.Run("Reload", func(t *testing.T) {
		for _, lang := range []string{"en", "fr"} {
			before := dbtest.Dump(t, d.db)
			res, page := b.do("POST", d.seedURL(id, "/links"), form, http.Header{"Accept-Language": {lang}})
			if res.StatusCode != http.StatusConflict {
				t.Errorf("%s: reload: %d, want 409", lang, res.StatusCode)
			}
			if len(qrCards(t, page)) != 0 {
				t.Errorf("%s: the reload shows links", lang)
			}
			want := map[string]string{
				"en": "Nothing new was minted: this form&#39;s links were minted and shown already",
				"fr": "Aucun nouveau lien n&#39;a été créé : les liens de ce formulaire ont déjà été créés et affichés",
			}[lang]
			mustContain(t, page, `<p class="error" role="alert">`+want)
			if again := mintKey(t, page); again == key {
				t.Errorf("%s: the refused form comes back with its used key", lang)
			}
			d.unchanged(t, before)
		}
	})

	t.Run("NewKeyMints", func(t *testing.T) {
		_, seeding := b.get(d.seedURL(id, "/seeding"))
		next := mintKey(t, seeding)
		if next == key {
			t.Fatal("the seeding page gives the same key twice")
		}
		before := d.count("links")
		f := url.Values{"count": {"2"}, "channel": {"link"}, "format": {"page"}, "key": {next}}
		if res, _ := b.do("POST", d.seedURL(id, "/links"), f, nil); res.StatusCode != http.StatusCreated {
			t.Fatalf("mint with a new key: %d", res.StatusCode)
		}
		if got, want := d.count("links"), before+2; got != want {
			t.Errorf("%d links, want %d", got, want)
		}
	})

	t.Run("CSVKeepsTheKey", func(t *testing.T) {
		// A download leaves the form on screen: pressed twice, it mints
		// twice, and the printable page may still follow.
		_, seeding := b.get(d.seedURL(id, "/seeding"))
		f := url.Values{"count": {"2"}, "channel": {"link"}, "format": {"csv"}, "key": {mintKey(t, seeding)}}
		before := d.count("links")
		for range 2 {
			if res, _ := b.do("POST", d.seedURL(id, "/links"), f, nil); res.StatusCode != http.StatusOK {
				t.Fatalf("CSV: %d", res.StatusCode)
			}
		}
		f.Set("format", "page")
		if res, _ := b.do("POST", d.seedURL(id, "/links"), f, nil); res.StatusCode != http.StatusCreated {
			t.Fatalf("page after CSV: %d", res.StatusCode)
		}
		if got, want := d.count("links"), before+6; got != want {
			t.Errorf("%d links, want %d", got, want)
		}
	})

	t.Run("StaleKey", func(t *testing.T) {
		for name, k := range map[string]string{
			"BeforeStart": "1000000000.AAAAAAAAAAAAAAAAAAAAAA",
			"Garbage":     "not-a-key",
		} {
			before := dbtest.Dump(t, d.db)
			f := url.Values{"count": {"2"}, "channel": {"link"}, "format": {"page"}, "key": {k}}
			res, page := b.do("POST", d.seedURL(id, "/links"), f, nil)
			if res.StatusCode != http.StatusConflict || !strings.Contains(page, "Nothing was minted: this form is too old") {
				t.Errorf("%s: %d, want 409 and why", name, res.StatusCode)
			}
			d.unchanged(t, before)
		}
	})

	t.Run("DoubleClick", func(t *testing.T) {
		// Two posts of one form at once: one mints, the other is refused.
		_, seeding := b.get(d.seedURL(id, "/seeding"))
		f := url.Values{"count": {"1"}, "channel": {"link"}, "format": {"page"}, "key": {mintKey(t, seeding)}}
		before := d.count("links")
		codes := make(chan int, 4)
		var wg sync.WaitGroup
		for range 4 {
			wg.Go(func() {
				res, _ := b.do("POST", d.seedURL(id, "/links"), f, nil)
				codes <- res.StatusCode
			})
		}
		wg.Wait()
		close(codes)
		created := 0
		for c := range codes {
			if c == http.StatusCreated {
				created++
			} else if c != http.StatusConflict {
				t.Errorf("a post answered %d", c)
			}
		}
		if got := d.count("links") - before; created != 1 || got != 1 {
			t.Errorf("%d posts minted, %d links, want 1 and 1", created, got)
		}
	})
}
