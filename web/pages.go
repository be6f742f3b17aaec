package web

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"net/http"
	"time"
)

//go:embed templates static
var assets embed.FS

// pages holds every page template, parsed once at start.
type pages struct {
	byName map[string]*template.Template
}

// pageNames lists the page templates; each is parsed with the layout.
var pageNames = []string{"teaser.html", "unlock.html", "content.html", "message.html", "unsubscribe.html"}

func parsePages() (*pages, error) {
	p := &pages{byName: make(map[string]*template.Template)}
	for _, name := range pageNames {
		t, err := template.New(name).Funcs(templateFuncs).ParseFS(assets, "templates/layout.html", "templates/"+name)
		if err != nil {
			return nil, fmt.Errorf("parse %s: %w", name, err)
		}
		p.byName[name] = t
	}
	return p, nil
}

// render writes page name with data and status, buffered so that a
// template error becomes a clean 500 instead of half a page.
func (s *Server) render(w http.ResponseWriter, status int, name string, data any) {
	var buf bytes.Buffer
	if err := s.pages.byName[name].ExecuteTemplate(&buf, "layout", data); err != nil {
		s.log.Error("render page", "page", name, "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	retryLater(w, status)
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "private, no-store")
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

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
