package recipient

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/go-chi/chi/v5"

	"github.com/sillage/sillage/campaign"
	"github.com/sillage/sillage/campaign/i18n"
	"github.com/sillage/sillage/gating"
	"github.com/sillage/sillage/web/internal/httpx"
)

// handleForward answers POST /s/{token}/forward, the content page's
// "share privately" buttons: it mints a child link for the channel from
// this device's claim. A script asking for JSON gets the link and the
// channel's deep link; a plain form is sent to the channel, or, for "Copy
// link", given the content page again with the new link in a field to
// copy from.
func (h *Handler) handleForward(w http.ResponseWriter, r *http.Request) {
	wantsJSON := httpx.WantsJSON(r)
	token := chi.URLParam(r, "token")
	fail := func(c *campaign.Campaign, err error) {
		if wantsJSON {
			lang := ""
			if c != nil {
				lang = c.Language
			}
			status, msg := recipientStatus(err, langFor(r, lang))
			httpx.Error(w, status, msg)
			return
		}
		h.campaignError(w, r, c, token, err)
	}
	look, ok := h.limits.Lookup(w, r)
	if !ok {
		httpx.SkipBody(w)
		fail(nil, errTooMany)
		return
	}
	// The token first, with a read: the body of a request for an unknown
	// one is never waited for.
	v, err := h.cfg.Gate.Visit(r.Context(), token, device(r))
	look.Settle(err)
	if err != nil {
		httpx.SkipBody(w)
		fail(nil, err)
		return
	}
	req, err := parseForward(w, r)
	if err != nil {
		fail(v.Campaign, err)
		return
	}
	ch := req.Channel
	m, c, err := h.cfg.Gate.Forward(r.Context(), token, device(r), ch, req.Seats)
	if err != nil {
		if c != nil {
			err = h.lifecycleError(err, c)
		} else {
			c = v.Campaign
		}
		fail(c, err)
		return
	}
	l := langFor(r, c.Language)
	link := h.cfg.App.LinkURL(m.Token)
	share := shareURL(ch, l, c, link)
	switch {
	case wantsJSON:
		httpx.WriteJSON(w, http.StatusCreated, map[string]string{"url": link, "share_url": share})
	case ch == gating.Plain:
		// No script copies it: the page shows the link to copy by hand.
		after, err := h.cfg.Gate.Visit(r.Context(), token, device(r))
		if err != nil || !after.Access {
			after = v
		}
		p := h.content(l, after, token)
		p.NewLink = link
		h.pages.Render(w, http.StatusCreated, "content.html", p)
	default:
		http.Redirect(w, r, share, http.StatusSeeOther)
	}
}

// forwardRequest is what a forward asks for.
type forwardRequest struct {
	Channel gating.Channel
	Seats   int // 0: the campaign's default
}

// parseForward reads a forward from a JSON body or a form. Its errors are
// *campaign.ValidationError, safe to show.
func parseForward(w http.ResponseWriter, r *http.Request) (forwardRequest, error) {
	var in struct {
		Channel string `json:"channel"`
		Seats   int    `json:"seats"`
	}
	if strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
		if err := httpx.DecodeJSON(w, r, &in); err != nil {
			return forwardRequest{}, &campaign.ValidationError{Message: err.Error()}
		}
	} else {
		r.Body = http.MaxBytesReader(w, r.Body, 4096)
		if err := r.ParseForm(); err != nil {
			return forwardRequest{}, campaign.Invalid("", "malformed form")
		}
		in.Channel = r.PostForm.Get("channel")
		if seats := r.PostForm.Get("seats"); seats != "" {
			n, err := strconv.Atoi(seats)
			if err != nil || n < 0 {
				return forwardRequest{}, campaign.Invalid("seats", "must be a whole number")
			}
			in.Seats = n
		}
	}
	ch, err := gating.ParseChannel(in.Channel)
	if err != nil {
		return forwardRequest{}, err
	}
	if in.Seats < 0 {
		return forwardRequest{}, campaign.Invalid("seats", "must not be negative")
	}
	return forwardRequest{Channel: ch, Seats: in.Seats}, nil
}

// shareURL is the deep link that opens a channel with a message carrying
// link: the recipient only has to pick a friend.
func shareURL(ch gating.Channel, l *i18n.Lang, c *campaign.Campaign, link string) string {
	title := publicTitle(c)
	msg := l.T("recipient.share_message") + " " + title + "\n" + link
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
