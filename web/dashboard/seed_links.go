package dashboard

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"html"
	"html/template"
	"image/color"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/boombuler/barcode/qr"

	"github.com/sillage/sillage/campaign"
	"github.com/sillage/sillage/campaign/app"
	"github.com/sillage/sillage/campaign/i18n"
	"github.com/sillage/sillage/gating"
	"github.com/sillage/sillage/notify"
)

// mintForm is the form of links to hand out, as typed.
type mintForm struct {
	Count, Channel, Seats, Label, ExpiresAt string
	Key                                     string // one-time: a second post of it mints nothing (mint_keys.go)
}

// linksPage is the printable page of links just minted.
type linksPage struct {
	frame
	ID      campaign.ID
	Heading string
	Label   string
	CSV     template.URL // the same links as a data: URL, to download
	CSVName string
	Links   []printedLink
}

// printedLink is one link of the printable page with its QR code.
type printedLink struct {
	N   int
	URL string
	QR  template.HTML
}

// handleMint answers POST /campaigns/{id}/links: count links minted as
// the API mints them, answered as a printable page with a QR code each
// (format=page) or as a CSV file (format=csv). Tokens are stored hashed:
// this answer is the only time the links are shown. The printable page
// is the answer to a POST, which a reload posts again: the form's
// one-time key makes that second post mint nothing (409, and the seeding
// page says why). A CSV download leaves the form on screen, to be pressed
// again: it does not use the key up.
func (h *Handler) handleMint(w http.ResponseWriter, r *http.Request) {
	c, ok := h.campaignOf(w, r)
	if !ok {
		return
	}
	t := langOf(r)
	v := readForm(w, r)
	form := mintForm{Count: v.Get("count"), Channel: v.Get("channel"), Seats: v.Get("seats"),
		Label: v.Get("label"), ExpiresAt: v.Get("expires_at"), Key: v.Get("key")}
	format := v.Get("format")
	spec, err := parseMint(form, format, t, h.cfg)
	keyed := err == nil && format == "page" && form.Key != ""
	if keyed {
		var state mintKeyState
		switch state, err = h.useMintKey(r.Context(), form.Key); state {
		case mintKeyUsed:
			err = errMintShown
		case mintKeyExpired:
			err = errMintStale
		}
	}
	var links []app.Link
	if err == nil {
		if links, err = h.app.MintLinks(r.Context(), c.ID, spec); err != nil && keyed {
			// Nothing was minted: the same form may try again.
			if rerr := h.cfg.MintKeys.Release(r.Context(), form.Key); rerr != nil {
				h.log.ErrorContext(r.Context(), "mint form: release its key", "err", rerr)
			}
		}
	}
	if err != nil {
		p := h.seedPage(r, t, c)
		p.Mint = form
		p.Mint.Key = newMintKey(h.cfg.Now())
		var status int
		status, p.MintError = errorStatus(err, t)
		var invalid *campaign.ValidationError
		switch {
		case errors.Is(err, errMintShown):
			status, p.MintError = http.StatusConflict, t.T("dashboard.seed.already_minted")
		case errors.Is(err, errMintStale):
			status, p.MintError = http.StatusConflict, t.T("dashboard.seed.stale_form")
		case status == http.StatusInternalServerError:
			h.fail(w, r, err)
			return
		case errors.Is(err, campaign.ErrEnded):
			p.MintError = t.T("dashboard.seed.ended")
		case errors.As(err, &invalid) && invalid.Field != "":
			// Beside its field, the message needs no field name.
			p.MintField, p.MintError = invalid.Field, t.SayInvalid("", invalid.Message, invalid.Format, invalid.Args)
		}
		h.renderSeed(w, r, status, p, notify.Filter{})
		return
	}
	name := fmt.Sprintf("sillage-%d-links-%s.csv", c.ID, h.cfg.Now().UTC().Format("20060102-150405"))
	if format == "csv" {
		hdr := w.Header()
		hdr.Set("Content-Type", "text/csv; charset=utf-8")
		hdr.Set("Content-Disposition", `attachment; filename="`+name+`"`)
		hdr.Set("Cache-Control", "private, no-store")
		writeLinksCSV(w, links)
		return
	}
	p := linksPage{frame: h.campaignPage(r, t, c.Title, c.ID, "seeding"), ID: c.ID, Label: spec.Label, CSVName: name,
		Heading: t.T("dashboard.seed.links_heading", len(links))}
	var csvFile bytes.Buffer
	writeLinksCSV(&csvFile, links)
	// PathEscape leaves nothing a data: URL would misread.
	p.CSV = template.URL("data:text/csv;charset=utf-8," + url.PathEscape(csvFile.String()))
	for i, l := range links {
		qr, err := qrSVG(l.URL, t.T("dashboard.seed.qr_label", i+1))
		if err != nil {
			h.fail(w, r, err)
			return
		}
		p.Links = append(p.Links, printedLink{N: i + 1, URL: l.URL, QR: qr})
	}
	h.pages.Render(w, http.StatusCreated, "dash_seed_links.html", p)
}

// The refusals of a mint form's key.
var (
	errMintShown = errors.New("mint form posted again: its links were minted and shown already")
	errMintStale = errors.New("mint form key too old, or not one of ours")
)

// handleMintPage answers GET /campaigns/{id}/links, an address a
// browser reaches only by hand or from its history: it mints nothing and
// sends the marketer to the form.
func (h *Handler) handleMintPage(w http.ResponseWriter, r *http.Request) {
	c, ok := h.campaignOf(w, r)
	if !ok {
		return
	}
	http.Redirect(w, r, fmt.Sprintf("/campaigns/%d/seeding#mint-title", c.ID), http.StatusSeeOther)
}

// parseMint turns the form into a gating.SeedSpec. It checks what only the
// form knows (numbers typed as text, the printable page's size); the rest
// is gating.MintSeeds' to check.
func parseMint(f mintForm, format string, t *i18n.Lang, cfg Config) (gating.SeedSpec, error) {
	var spec gating.SeedSpec
	most := gating.MaxSeedBatch
	switch format {
	case "page":
		most = maxPrintedLinks
	case "csv":
	default:
		return spec, &campaign.ValidationError{Message: t.T("dashboard.seed.bad_format")}
	}
	n, err := strconv.Atoi(strings.TrimSpace(f.Count))
	switch {
	case err != nil || n < 1 || n > gating.MaxSeedBatch:
		return spec, &campaign.ValidationError{Field: "count", Message: t.T("dashboard.seed.bad_count", gating.MaxSeedBatch)}
	case n > most:
		return spec, &campaign.ValidationError{Field: "count", Message: t.T("dashboard.seed.too_many_for_page", count(t, nLinks, maxPrintedLinks))}
	}
	spec.Count, spec.Channel, spec.Label = n, gating.Channel(f.Channel), strings.TrimSpace(f.Label)
	if strings.TrimSpace(f.Seats) != "" { // empty: the campaign's seats per link
		if spec.Seats, err = strconv.Atoi(strings.TrimSpace(f.Seats)); err != nil || spec.Seats < 1 {
			return spec, &campaign.ValidationError{Field: "seats", Message: t.T("dashboard.seed.bad_seats")}
		}
	}
	if spec.ExpiresAt, err = formTime("expires_at", f.ExpiresAt); err != nil {
		return spec, err
	}
	if spec.ExpiresAt != nil && !spec.ExpiresAt.After(cfg.Now()) {
		return spec, &campaign.ValidationError{Field: "expires_at", Message: t.T("dashboard.seed.past_expiry")}
	}
	return spec, nil
}

// writeLinksCSV writes links as number,id,url rows under a header; the id
// is what the API revokes a link by.
func writeLinksCSV(w io.Writer, links []app.Link) error {
	cw := csv.NewWriter(w)
	cw.Write([]string{"number", "id", "url"})
	for i, l := range links {
		cw.Write([]string{strconv.Itoa(i + 1), strconv.FormatInt(l.ID, 10), l.URL})
	}
	cw.Flush()
	return cw.Error()
}

// qrQuietZone is the blank margin around a QR code, in modules, that
// ISO/IEC 18004 asks for: scanners find the code by it.
const qrQuietZone = 4

// qrSVG returns the QR code of text as an inline SVG labelled label: one
// path of dark modules on a white square, one unit per module. Inline, it
// needs no image request and prints sharp at any size; its colours are
// fixed so that it scans on the dark theme too.
func qrSVG(text, label string) (template.HTML, error) {
	// Level M survives a crease or a smudge on a printed sheet and keeps
	// a link's code small (version 4, 33 modules, for a 60-byte URL).
	code, err := qr.Encode(text, qr.M, qr.Auto)
	if err != nil {
		return "", fmt.Errorf("qr code: %w", err)
	}
	n := code.Bounds().Dx()
	size := n + 2*qrQuietZone
	dark := func(x, y int) bool { return color.GrayModel.Convert(code.At(x, y)).(color.Gray).Y < 128 }
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %d %d" role="img" aria-label="%s" shape-rendering="crispEdges">`,
		size, size, html.EscapeString(label))
	fmt.Fprintf(&b, `<rect width="%d" height="%d" fill="#fff"/><path fill="#000" d="`, size, size)
	// One rectangle per run of dark modules in a row: a third of the size
	// of one square per module.
	for y := range n {
		for x := 0; x < n; {
			if !dark(x, y) {
				x++
				continue
			}
			start := x
			for x < n && dark(x, y) {
				x++
			}
			fmt.Fprintf(&b, "M%d %dh%dv1h-%dz", start+qrQuietZone, y+qrQuietZone, x-start, x-start)
		}
	}
	b.WriteString(`"/></svg>`)
	return template.HTML(b.String()), nil
}
