package web

import (
	"embed"
	"html/template"
	"io/fs"
	"time"

	"github.com/sillage/sillage/web/internal/httpx"
)

//go:embed templates static
var assets embed.FS

// page is what every recipient page shows in its head.
type page struct {
	T     *text
	Title string
	OG    *openGraph // nil: no preview tags
}

// openGraph is what link previews show.
type openGraph struct {
	Title       string
	Description string
	Image       string // absolute URL, or empty
	ImageAlt    string // the uploaded image's description, or empty
	URL         string
}

// teaserPage is shown to preview fetchers, scanners and bots.
type teaserPage struct {
	page
	Description string
	Image       *pageImage // the uploaded teaser image, or nil
}

// pageImage is an image of a recipient page: its same-origin address, its
// text alternative and, when known, its size, so that the page does not
// move while it loads.
type pageImage struct {
	Src           string
	Alt           string
	Width, Height int // 0: unknown
}

// unlockPage is shown to a person who has not unlocked the link yet.
type unlockPage struct {
	teaserPage
	Token string
}

// contentPage shows the content to a device that holds a claim.
type contentPage struct {
	page
	Token      string
	Kind       string
	Type       string
	Text       template.HTML // rendered Markdown or plain text
	MediaURL   string
	Image      *pageImage // for an image content
	Captions   string     // the address of a video's WebVTT captions, or empty
	Lang       string     // the campaign's language, the captions' too
	Transcript template.HTML
	CanForward bool
	Channels   []channelButton
	SendForMe  bool   // the campaign sends links for its recipients
	Notice     string // after a send for me, or why it was refused
	NewLink    string // the link just minted by "Copy link" without a script
	SendTo     string // the address typed in the send-for-me form
	SendError  string // why that address was refused, shown beside it
}

// channelButton is one "share privately" button.
type channelButton struct {
	Channel string
	Label   string
}

// messagePage is a refusal or an error, in the visitor's language. A
// refusal of a known link is headed by its campaign's teaser (Teaser
// true): the person sees what the link was for, which link previews show
// anyway; an unknown link gets a neutral page that tells a guesser nothing.
type messagePage struct {
	page
	Message     string
	Detail      string
	Teaser      bool
	Description string
	Image       *pageImage
}

// unsubscribePage asks before unsubscribing: a GET never does it.
type unsubscribePage struct {
	page
	Token   string
	Address string // masked: a***@example.com
}

// formatDate writes t in the page's language.
func (t *text) formatDate(d time.Time) string { return d.Format(t.DateLayout) }

// parsePages parses the recipient pages, each with their layout.
func parsePages(p *httpx.Pages) error {
	return p.Parse(templateFolder(), "layout.html", "teaser.html", "unlock.html", "content.html", "message.html", "unsubscribe.html")
}

// parseDashPages parses the dashboard's pages (templates/dash_*.html),
// each with the dashboard's layout.
func parseDashPages(p *httpx.Pages) error {
	return p.Parse(templateFolder(), "dash_layout.html", "dash_*.html")
}

// templateFolder is web/templates.
func templateFolder() fs.FS {
	f, err := fs.Sub(assets, "templates")
	if err != nil {
		panic(err) // a constant folder of the embedded files
	}
	return f
}

// staticFolder is web/static, served under /static/.
func staticFolder() fs.FS {
	f, err := fs.Sub(assets, "static")
	if err != nil {
		panic(err) // a constant folder of the embedded files
	}
	return f
}
