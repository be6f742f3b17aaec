package dashboard

import (
	"errors"
	"fmt"
	"mime"
	"net/http"
	"strings"

	"github.com/sillage/sillage/campaign"
	"github.com/sillage/sillage/web/internal/httpx"
)

// handleCaptions answers POST /campaigns/{id}/captions: a WebVTT file
// in the "captions" part of a multipart form, or, from an ordinary form
// with remove set, the removal of the captions.
func (h *Handler) handleCaptions(w http.ResponseWriter, r *http.Request) {
	c, ok := h.campaignOf(w, r)
	if !ok {
		return
	}
	var err error
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt == "multipart/form-data" {
		err = h.putCaptions(w, r, c.ID)
	} else if readForm(w, r).Get("remove") != "" {
		_, err = h.campaigns.RemoveCaptions(r.Context(), c.ID)
	} else {
		err = campaign.Invalid("captions", "choose a file")
	}
	if err != nil {
		h.editorError(w, r, h.editor(r, langOf(r), c, formFromCampaign(c)), httpx.OverLimit(err, campaign.MaxCaptions))
		return
	}
	http.Redirect(w, r, fmt.Sprintf("/campaigns/%d?saved=1", c.ID), http.StatusSeeOther)
}

// putDashCaptions stores the "captions" part of a multipart body. Browsers
// label a .vtt file text/vtt, or nothing they know: the name then says it.
func (h *Handler) putCaptions(w http.ResponseWriter, r *http.Request, id campaign.ID) error {
	r.Body = http.MaxBytesReader(w, r.Body, campaign.MaxCaptions+maxFormBody)
	mr, err := r.MultipartReader()
	if err != nil {
		return campaign.Invalid("captions", "malformed upload")
	}
	part, err := httpx.FilePart(mr, "captions")
	if errors.Is(err, httpx.ErrNoFile) || err == nil && part.FileName() == "" {
		return campaign.Invalid("captions", "choose a file")
	}
	if err != nil {
		return err
	}
	ct := part.Header.Get("Content-Type")
	if t, _, _ := mime.ParseMediaType(ct); t != campaign.CaptionsType && strings.HasSuffix(strings.ToLower(part.FileName()), ".vtt") {
		ct = campaign.CaptionsType
	}
	_, err = h.campaigns.PutCaptions(r.Context(), id, ct, part)
	return err
}
