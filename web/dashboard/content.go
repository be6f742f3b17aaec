package dashboard

import (
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strings"

	"github.com/sillage/sillage/campaign"
	"github.com/sillage/sillage/web/internal/httpx"
)

// handleContent answers POST /campaigns/{id}/content: a file in a
// multipart form (sent by dash.js with a progress bar, or by the plain
// form), or a text in an ordinary form. A script asking for JSON gets
// JSON back; the form is sent back to the editor.
func (h *Handler) handleContent(w http.ResponseWriter, r *http.Request) {
	c, ok := h.campaignOf(w, r)
	if !ok {
		return
	}
	mediaType, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	var err error
	if mediaType == "multipart/form-data" {
		_, err = h.putFile(w, r, c.ID)
	} else {
		r.Body = http.MaxBytesReader(w, r.Body, campaign.MaxTextContent+maxFormBody)
		if err = r.ParseForm(); err != nil {
			err = campaign.TooLarge(campaign.MaxTextContent)
		} else {
			_, err = h.campaigns.PutText(r.Context(), c.ID, r.PostForm.Get("type"), r.PostForm.Get("text"))
		}
	}
	err = httpx.OverLimit(err, h.cfg.MaxUpload)
	switch {
	case err != nil && httpx.WantsJSON(r):
		h.fail(w, r, err)
	case err != nil:
		t := langOf(r)
		h.editorError(w, r, h.editor(r, t, c, formFromCampaign(c)), err)
	case httpx.WantsJSON(r):
		httpx.WriteJSON(w, http.StatusOK, map[string]string{"location": fmt.Sprintf("/campaigns/%d?saved=1", c.ID)})
	default:
		http.Redirect(w, r, fmt.Sprintf("/campaigns/%d?saved=1", c.ID), http.StatusSeeOther)
	}
}

// putDashFile streams the "file" part of a multipart body to the content
// store, text files as text content.
func (h *Handler) putFile(w http.ResponseWriter, r *http.Request, id campaign.ID) (*campaign.Campaign, error) {
	r.Body = http.MaxBytesReader(w, r.Body, h.cfg.MaxUpload+maxFormBody)
	mr, err := r.MultipartReader()
	if err != nil {
		return nil, campaign.Invalid("file", "malformed upload")
	}
	part, err := httpx.FilePart(mr, "file")
	if errors.Is(err, httpx.ErrNoFile) || err == nil && part.FileName() == "" {
		return nil, campaign.Invalid("file", "choose a file")
	}
	if err != nil {
		return nil, err
	}
	ct := part.Header.Get("Content-Type")
	if strings.HasPrefix(ct, "text/") {
		text, err := io.ReadAll(io.LimitReader(part, campaign.MaxTextContent+1))
		if err != nil {
			return nil, err
		}
		return h.campaigns.PutText(r.Context(), id, ct, string(text))
	}
	return h.campaigns.PutFile(r.Context(), id, ct, part.FileName(), part, h.cfg.MaxUpload)
}

// handleTeaserImage answers POST /campaigns/{id}/teaser/image: an
// image in the "image" part of a multipart form.
func (h *Handler) handleTeaserImage(w http.ResponseWriter, r *http.Request) {
	c, ok := h.campaignOf(w, r)
	if !ok {
		return
	}
	err := httpx.OverLimit(h.putTeaserImage(w, r, c.ID), httpx.MaxTeaserImage)
	var invalid *campaign.ValidationError
	if errors.As(err, &invalid) && invalid.Field == "content_type" {
		image := *invalid
		image.Field = "image"
		err = &image
	}
	if err != nil {
		h.editorError(w, r, h.editor(r, langOf(r), c, formFromCampaign(c)), err)
		return
	}
	http.Redirect(w, r, fmt.Sprintf("/campaigns/%d?saved=1", c.ID), http.StatusSeeOther)
}

func (h *Handler) putTeaserImage(w http.ResponseWriter, r *http.Request, id campaign.ID) error {
	r.Body = http.MaxBytesReader(w, r.Body, httpx.MaxTeaserImage+maxFormBody)
	mr, err := r.MultipartReader()
	if err != nil {
		return campaign.Invalid("image", "malformed upload")
	}
	part, err := httpx.FilePart(mr, "image")
	if errors.Is(err, httpx.ErrNoFile) || err == nil && part.FileName() == "" {
		return campaign.Invalid("image", "choose an image")
	}
	if err != nil {
		return err
	}
	_, err = h.campaigns.PutTeaserImage(r.Context(), id, part.Header.Get("Content-Type"), part, httpx.MaxTeaserImage)
	return err
}

// handleTeaserImageGet answers GET /campaigns/{id}/teaser/image: the
// uploaded teaser image, for the editor's preview.
func (h *Handler) handleTeaserImageGet(w http.ResponseWriter, r *http.Request) {
	c, ok := h.campaignOf(w, r)
	if !ok {
		return
	}
	f, err := h.campaigns.OpenFile(r.Context(), c.Teaser.ImagePath)
	if c.Teaser.ImagePath == "" || err != nil {
		h.fail(w, r, campaign.ErrNotFound)
		return
	}
	defer f.Close()
	w.Header().Set("Content-Type", c.Teaser.ImageType)
	w.Header().Set("Cache-Control", "private, max-age=300")
	http.ServeContent(w, r, "", c.UpdatedAt, f)
}

// handleContentPreview answers GET /campaigns/{id}/content/preview:
// the content file, for the signed-in marketer to see or play in the
// editor, with byte ranges as the recipients' media.
func (h *Handler) handleContentPreview(w http.ResponseWriter, r *http.Request) {
	c, ok := h.campaignOf(w, r)
	if !ok {
		return
	}
	if c.Content.Path == "" {
		h.fail(w, r, campaign.ErrNotFound)
		return
	}
	f, err := h.campaigns.OpenFile(r.Context(), c.Content.Path)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	defer f.Close()
	hdr := w.Header()
	hdr.Set("Content-Type", c.Content.Type)
	hdr.Set("Cache-Control", "private, no-store")
	hdr.Set("Content-Disposition", "inline")
	http.ServeContent(httpx.NewStallWriter(w, h.cfg.Deadlines.MediaStall), r, "", c.UpdatedAt, f)
}

func humanSize(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.1f GiB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.0f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}
