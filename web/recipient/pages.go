package recipient

import (
	"html/template"

	"github.com/sillage/sillage/campaign/i18n"
)

// What each template of templates/ is given.

// page is what every recipient page shows in its head (layout.html).
type page struct {
	L     *i18n.Lang // the page's language: templates ask it for the catalog's recipient sentences
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

// teaserPage is shown to preview fetchers, scanners and bots
// (teaser.html).
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

// unlockPage is shown to a person who has not unlocked the link yet
// (unlock.html).
type unlockPage struct {
	teaserPage
	Token string
}

// contentPage shows the content to a device that holds a claim
// (content.html).
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

// messagePage is a refusal or an error, in the visitor's language
// (message.html). A refusal of a known link is headed by its campaign's
// teaser (Teaser true): the person sees what the link was for, which link
// previews show anyway; an unknown link gets a neutral page that tells a
// guesser nothing.
type messagePage struct {
	page
	Message     string
	Detail      string
	Teaser      bool
	Description string
	Image       *pageImage
}

// unsubscribePage asks before unsubscribing: a GET never does it
// (unsubscribe.html).
type unsubscribePage struct {
	page
	Token   string
	Address string // masked: a***@example.com
}
