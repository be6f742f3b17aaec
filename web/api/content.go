package api

import (
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"strings"

	"github.com/sillage/sillage/campaign"
	"github.com/sillage/sillage/web/internal/httpx"
)

// handleContentPut stores the content: text/plain or text/markdown bodies
// make a text content; video, audio, image and PDF bodies a file; a
// multipart form carries the file in its "file" field.
func (h *Handler) handleContentPut(w http.ResponseWriter, r *http.Request) {
	id, ok := campaignID(w, r)
	if !ok {
		return
	}
	mediaType, params, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil {
		httpx.Error(w, http.StatusUnsupportedMediaType, "Content-Type is missing or malformed")
		return
	}
	body := http.MaxBytesReader(w, r.Body, h.cfg.MaxUpload+1)
	var c *campaign.Campaign
	switch {
	case mediaType == "text/plain" || mediaType == "text/markdown":
		var text []byte
		text, err = io.ReadAll(io.LimitReader(body, campaign.MaxTextContent+1))
		switch {
		case err != nil:
			// The body's limit, when it is the smaller.
			err = httpx.OverLimit(err, min(h.cfg.MaxUpload, campaign.MaxTextContent))
		case len(text) > campaign.MaxTextContent:
			err = campaign.TooLarge(campaign.MaxTextContent)
		default:
			c, err = h.campaigns.PutText(r.Context(), id, mediaType, string(text))
		}
	case mediaType == "multipart/form-data":
		c, err = h.putMultipart(r, id, body, params["boundary"])
	default:
		c, err = h.campaigns.PutFile(r.Context(), id, mediaType, uploadName(r), body, h.cfg.MaxUpload)
	}
	if err != nil {
		h.errs.JSON(w, r, httpx.OverLimit(err, h.cfg.MaxUpload))
		return
	}
	httpx.WriteJSON(w, http.StatusOK, h.campaignJSON(c))
}

// uploadName is the file name of a raw upload: ?name=, else the filename
// of a Content-Disposition header (as curl -T or a browser's fetch may
// send), else empty.
func uploadName(r *http.Request) string {
	if name := r.URL.Query().Get("name"); name != "" {
		return name
	}
	_, params, err := mime.ParseMediaType(r.Header.Get("Content-Disposition"))
	if err != nil {
		return ""
	}
	return params["filename"]
}

func (h *Handler) putMultipart(r *http.Request, id campaign.ID, body io.Reader, boundary string) (*campaign.Campaign, error) {
	if boundary == "" {
		return nil, campaign.Invalid("content", "multipart body without a boundary")
	}
	part, err := httpx.FilePart(multipart.NewReader(body, boundary), "file")
	if errors.Is(err, httpx.ErrNoFile) {
		return nil, campaign.Invalid("file", `multipart body has no "file" field`)
	}
	if err != nil {
		return nil, campaign.Invalid("content", "malformed multipart body")
	}
	ct := part.Header.Get("Content-Type")
	if strings.HasPrefix(ct, "text/") {
		text, err := io.ReadAll(io.LimitReader(part, campaign.MaxTextContent+1))
		if err != nil {
			return nil, err
		}
		if len(text) > campaign.MaxTextContent {
			return nil, campaign.TooLarge(campaign.MaxTextContent)
		}
		return h.campaigns.PutText(r.Context(), id, ct, string(text))
	}
	return h.campaigns.PutFile(r.Context(), id, ct, part.FileName(), part, h.cfg.MaxUpload)
}

func (h *Handler) handleTeaserImagePut(w http.ResponseWriter, r *http.Request) {
	id, ok := campaignID(w, r)
	if !ok {
		return
	}
	c, err := h.campaigns.PutTeaserImage(r.Context(), id, r.Header.Get("Content-Type"), http.MaxBytesReader(w, r.Body, httpx.MaxTeaserImage+1), httpx.MaxTeaserImage)
	if err != nil {
		h.errs.JSON(w, r, httpx.OverLimit(err, httpx.MaxTeaserImage))
		return
	}
	httpx.WriteJSON(w, http.StatusOK, h.campaignJSON(c))
}

// handleCaptionsPut answers PUT /campaigns/{id}/captions: a WebVTT file
// (text/vtt, UTF-8, at most campaign.MaxCaptions bytes) for the video.
func (h *Handler) handleCaptionsPut(w http.ResponseWriter, r *http.Request) {
	id, ok := campaignID(w, r)
	if !ok {
		return
	}
	if t, _, err := mime.ParseMediaType(r.Header.Get("Content-Type")); err != nil || t != campaign.CaptionsType {
		httpx.Error(w, http.StatusUnsupportedMediaType, "captions must be sent as text/vtt (WebVTT)")
		return
	}
	c, err := h.campaigns.PutCaptions(r.Context(), id, r.Header.Get("Content-Type"), http.MaxBytesReader(w, r.Body, campaign.MaxCaptions+1))
	if err != nil {
		h.errs.JSON(w, r, httpx.OverLimit(err, campaign.MaxCaptions))
		return
	}
	httpx.WriteJSON(w, http.StatusOK, h.campaignJSON(c))
}

// handleCaptionsDelete answers DELETE /campaigns/{id}/captions.
func (h *Handler) handleCaptionsDelete(w http.ResponseWriter, r *http.Request) {
	id, ok := campaignID(w, r)
	if !ok {
		return
	}
	c, err := h.campaigns.RemoveCaptions(r.Context(), id)
	if err != nil {
		h.errs.JSON(w, r, err)
		return
	}
	httpx.WriteJSON(w, http.StatusOK, h.campaignJSON(c))
}
