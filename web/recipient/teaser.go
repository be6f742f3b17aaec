package recipient

import (
	"net/http"

	"github.com/go-chi/chi/v5"

	"github.com/sillage/sillage/campaign"
	"github.com/sillage/sillage/campaign/i18n"
	"github.com/sillage/sillage/gating"
	"github.com/sillage/sillage/web/internal/httpx"
)

// teaser is the teaser page of link token (templates/teaser.html), which
// preview fetchers, scanners and bots see, and the head of the unlock
// page: the public title, description and image, and the Open Graph tags
// link previews show.
func (h *Handler) teaser(l *i18n.Lang, c *campaign.Campaign, token string) teaserPage {
	title := publicTitle(c)
	link := h.cfg.App.LinkURL(token)
	p := teaserPage{page: page{L: l, Title: title}, Description: c.Teaser.Description, Image: teaserImage(c, token)}
	og := &openGraph{Title: title, Description: c.Teaser.Description, URL: link, Image: c.Teaser.ImageURL}
	if p.Image != nil {
		og.Image, og.ImageAlt = link+"/image", c.Teaser.ImageAlt
	}
	p.OG = og
	return p
}

// publicTitle is the title recipients see: the teaser's, or the campaign's
// name when the marketer left it empty (the editor says so beside both).
func publicTitle(c *campaign.Campaign) string {
	if c.Teaser.Title != "" {
		return c.Teaser.Title
	}
	return c.Title
}

// teaserImage is the uploaded teaser image of c as link token's pages show
// it, or nil.
func teaserImage(c *campaign.Campaign, token string) *pageImage {
	if c.Teaser.ImagePath == "" {
		return nil
	}
	return &pageImage{Src: "/s/" + token + "/image", Alt: describe(c.Teaser.ImageAlt, c),
		Width: c.Teaser.ImageWidth, Height: c.Teaser.ImageHeight}
}

// describe is an image's text alternative: the marketer's description, or
// the public title when there is none.
func describe(alt string, c *campaign.Campaign) string {
	if alt != "" {
		return alt
	}
	return publicTitle(c)
}

// handleTeaserImage serves the uploaded teaser image: public, like the
// teaser itself.
func (h *Handler) handleTeaserImage(w http.ResponseWriter, r *http.Request) {
	look, ok := h.limits.Lookup(w, r)
	if !ok {
		h.recipientError(w, r, "", errTooMany)
		return
	}
	v, err := h.cfg.Gate.Visit(r.Context(), chi.URLParam(r, "token"), nil)
	look.Settle(err)
	if err != nil || v.Campaign.Teaser.ImagePath == "" {
		http.NotFound(w, r)
		return
	}
	f, err := h.cfg.Files.OpenFile(r.Context(), v.Campaign.Teaser.ImagePath)
	if err != nil {
		http.NotFound(w, r)
		return
	}
	defer f.Close()
	w.Header().Set("Content-Type", v.Campaign.Teaser.ImageType)
	w.Header().Set("Cache-Control", "public, max-age=300")
	http.ServeContent(httpx.NewStallWriter(w, h.cfg.Deadlines.Stall), r, "", v.Campaign.UpdatedAt, f)
}

// recordPreview records that the app agent fetched link's teaser, once per
// link, app and hour (gating.PreviewBucket), and within the network's
// preview limit: past it the teaser is still served, and nothing written.
func (h *Handler) recordPreview(r *http.Request, link *gating.Link, agent string) {
	t, ok := h.limits.PreviewWrite(r)
	if !ok {
		return
	}
	added, err := h.cfg.Gate.RecordPreview(r.Context(), link, agent)
	if err != nil {
		h.log.Error("record preview", "err", err)
	}
	if !added {
		h.limits.Unwritten(t)
	}
}
