package recipient

import (
	"net/http"

	"github.com/sillage/sillage/campaign"
	"github.com/sillage/sillage/gating"
	"github.com/sillage/sillage/web/internal/httpx"
)

// handleMedia serves the content file, with Range support so phones can
// seek, to the device that unlocked the link and to no one else.
func (h *Handler) handleMedia(w http.ResponseWriter, r *http.Request) {
	v, ok := h.claimedVisit(w, r)
	if !ok {
		return
	}
	content := v.Campaign.Content
	if content.Path == "" {
		h.recipientError(w, r, v.Campaign.Language, gating.ErrNotFound)
		return
	}
	if h.redirectMedia(w, r, v.Campaign) {
		return
	}
	f, err := h.cfg.Files.OpenFile(r.Context(), content.Path)
	if err != nil {
		h.log.Error("open content", "campaign", v.Campaign.ID, "err", err)
		h.recipientError(w, r, v.Campaign.Language, err)
		return
	}
	defer f.Close()
	hd := w.Header()
	hd.Set("Content-Type", content.Type)
	hd.Set("Cache-Control", "private, no-store")
	hd.Set("Content-Disposition", "inline")
	// Each stretch of the file must be taken within MediaStall: a phone
	// that stopped reading for longer lets its connection go, and asks
	// again from where it stopped with a Range when the video resumes.
	http.ServeContent(httpx.NewStallWriter(w, h.cfg.Deadlines.MediaStall), r, "", v.Campaign.UpdatedAt, f)
}

// redirectMedia answers a claimed device's request for a large content
// file with a redirect to a URL the file store signed, short-lived, and
// reports whether it did: the bytes then go from the bucket to the
// device, not through the server. The URL works for whoever has it until
// it expires, so only a device past the claim check ever sees one. The
// page's player asks the server again when one has expired. A store that
// cannot sign, or a small file, is proxied.
func (h *Handler) redirectMedia(w http.ResponseWriter, r *http.Request, c *campaign.Campaign) bool {
	m := h.cfg.Media
	if m.MinBytes <= 0 || c.Content.Size < m.MinBytes {
		return false
	}
	u, ok, err := h.cfg.Files.FileURL(r.Context(), c.Content.Path, m.TTL, c.Content.Type, "inline")
	if err != nil {
		// The bytes can still go through the server.
		h.log.Warn("sign media URL", "campaign", c.ID, "err", err)
		return false
	}
	if !ok {
		return false
	}
	hd := w.Header()
	hd.Set("Cache-Control", "private, no-store") // Referrer-Policy: web's securityHeaders
	hd.Set("Location", u)
	// No body: http.Redirect would write the URL in one.
	w.WriteHeader(http.StatusFound)
	return true
}

// handleCaptions serves the video's WebVTT captions under the same claim
// check, limits and deadlines as the media: they are part of the content.
func (h *Handler) handleCaptions(w http.ResponseWriter, r *http.Request) {
	v, ok := h.claimedVisit(w, r)
	if !ok {
		return
	}
	p := v.Campaign.Content.CaptionsPath
	if p == "" {
		h.recipientError(w, r, v.Campaign.Language, gating.ErrNotFound)
		return
	}
	f, err := h.cfg.Files.OpenFile(r.Context(), p)
	if err != nil {
		h.log.Error("open captions", "campaign", v.Campaign.ID, "err", err)
		h.recipientError(w, r, v.Campaign.Language, err)
		return
	}
	defer f.Close()
	hd := w.Header()
	hd.Set("Content-Type", campaign.CaptionsType+"; charset=utf-8")
	hd.Set("Cache-Control", "private, no-store")
	http.ServeContent(httpx.NewStallWriter(w, h.cfg.Deadlines.Stall), r, "", v.Campaign.UpdatedAt, f)
}
