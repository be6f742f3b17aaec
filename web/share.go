package web

import (
	"net/url"
	"strings"

	"github.com/sillage/sillage/campaign"
	"github.com/sillage/sillage/gating"
)

// shareURL is the deep link that opens a channel with a message carrying
// link: the recipient only has to pick a friend.
func shareURL(ch gating.Channel, t *text, c *campaign.Campaign, link string) string {
	title := publicTitle(c)
	msg := t.ShareMessage + " " + title + "\n" + link
	switch ch {
	case gating.WhatsApp:
		return "https://wa.me/?text=" + escape(msg)
	case gating.SMS:
		return "sms:?&body=" + escape(msg)
	case gating.Email:
		return "mailto:?subject=" + escape(title) + "&body=" + escape(msg)
	}
	return link
}

// escape percent-encodes s for a URL query, spaces as %20: SMS and mail
// apps do not all read "+" as a space.
func escape(s string) string {
	return strings.ReplaceAll(url.QueryEscape(s), "+", "%20")
}
