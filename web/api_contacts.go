package web

import (
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"strconv"

	"github.com/go-chi/chi/v5"

	"github.com/sillage/sillage/campaign"
	"github.com/sillage/sillage/notify"
	"github.com/sillage/sillage/web/internal/httpx"
)

// importJSON is the answer to an import that imported nothing because of
// rejected rows: the error, and every row with its line and reason.
type importJSON struct {
	Error string `json:"error"`
	*notify.ImportResult
}

// handleContactsImport answers POST /campaigns/{id}/contacts: a CSV body
// (text/csv) or a multipart form with a "file" field. A file with rejected
// rows imports nothing and answers 422 listing them, unless
// ?skip_invalid=1; a file that created contacts answers 201, one that only
// merged into existing ones 200.
func (s *Server) handleContactsImport(w http.ResponseWriter, r *http.Request) {
	id, ok := campaignID(w, r)
	if !ok {
		return
	}
	skip, err := queryBool(r, "skip_invalid")
	if err != nil {
		httpx.Error(w, http.StatusBadRequest, err.Error())
		return
	}
	mediaType, params, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || (mediaType != "multipart/form-data" && !csvTypes[mediaType]) {
		httpx.Error(w, http.StatusUnsupportedMediaType, "Content-Type must be text/csv, or multipart/form-data with a \"file\" field")
		return
	}
	file, err := s.readContactFile(w, r, mediaType, params["boundary"])
	if err != nil {
		s.errs.JSON(w, r, err)
		return
	}
	res, err := s.app.ImportContacts(r.Context(), id, file, skip)
	if errors.Is(err, notify.ErrInvalidRows) && res != nil {
		httpx.WriteJSON(w, http.StatusUnprocessableEntity, importJSON{Error: err.Error(), ImportResult: res})
		return
	}
	if err != nil {
		s.errs.JSON(w, r, err)
		return
	}
	status := http.StatusOK
	if res.Imported > 0 {
		status = http.StatusCreated
	}
	httpx.WriteJSON(w, status, res)
}

// csvTypes are the media types a contact file may come as: spreadsheets
// and browsers label CSV files variously.
var csvTypes = map[string]bool{"text/csv": true, "application/csv": true, "text/plain": true}

// readContactFile returns the contact file of the request, or
// httpx.ErrContactFileTooLarge, or a *campaign.ValidationError for a malformed
// multipart body.
func (s *Server) readContactFile(w http.ResponseWriter, r *http.Request, mediaType, boundary string) ([]byte, error) {
	limit := s.cfg.MaxContactFile
	if r.ContentLength > limit+httpx.MultipartSlack {
		return nil, httpx.ErrContactFileTooLarge
	}
	body := io.Reader(http.MaxBytesReader(w, r.Body, limit+httpx.MultipartSlack))
	if mediaType == "multipart/form-data" {
		part, err := filePart(body, boundary)
		if err != nil {
			return nil, err
		}
		body = part
	}
	data, err := io.ReadAll(io.LimitReader(body, limit+1))
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &tooBig) || int64(len(data)) > limit:
		return nil, httpx.ErrContactFileTooLarge
	case err != nil:
		return nil, campaign.Invalid("file", "could not be read: %v", err)
	}
	return data, nil
}

// filePart returns the "file" part of a multipart body.
func filePart(body io.Reader, boundary string) (io.Reader, error) {
	if boundary == "" {
		return nil, campaign.Invalid("file", "multipart body without a boundary")
	}
	part, err := httpx.FilePart(multipart.NewReader(body, boundary), "file")
	if errors.Is(err, httpx.ErrNoFile) {
		return nil, campaign.Invalid("file", `multipart body has no "file" field`)
	}
	if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
		return nil, httpx.ErrContactFileTooLarge
	}
	if err != nil {
		return nil, campaign.Invalid("file", "malformed multipart body")
	}
	return part, nil
}

// handleContactsList answers GET /campaigns/{id}/contacts, in pages:
// ?after= the last id of the previous page, ?limit= up to 1000.
func (s *Server) handleContactsList(w http.ResponseWriter, r *http.Request) {
	id, ok := campaignID(w, r)
	if !ok {
		return
	}
	after, limit, err := pageParams(r, 1000)
	if err != nil {
		httpx.Error(w, http.StatusBadRequest, err.Error())
		return
	}
	if _, err := s.campaigns.Find(r.Context(), id); err != nil {
		s.errs.JSON(w, r, err)
		return
	}
	var list []notify.Contact
	if address := r.URL.Query().Get("address"); address != "" {
		list, err = s.notify.FindContacts(r.Context(), int64(id), address)
	} else {
		list, err = s.notify.Contacts(r.Context(), int64(id), after, limit)
	}
	if err != nil {
		s.errs.JSON(w, r, err)
		return
	}
	var next *int64
	if len(list) == limit && r.URL.Query().Get("address") == "" {
		next = &list[len(list)-1].ID
	}
	httpx.WriteJSON(w, http.StatusOK, struct {
		Contacts  []notify.Contact `json:"contacts"`
		NextAfter *int64           `json:"next_after"` // null: this was the last page
	}{list, next})
}

// handleContactErase answers DELETE /contacts/{contact}: the contact goes,
// with the address and bodies of every message that named it; the tree
// and the figures stay as they were.
func (s *Server) handleContactErase(w http.ResponseWriter, r *http.Request) {
	id, ok := contactID(w, r)
	if !ok {
		return
	}
	if err := s.notify.Erase(r.Context(), id); err != nil {
		s.errs.JSON(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// handleContactExport answers GET /contacts/{contact}/export: everything
// kept about the person, as JSON (?download=1 for an attachment).
func (s *Server) handleContactExport(w http.ResponseWriter, r *http.Request) {
	id, ok := contactID(w, r)
	if !ok {
		return
	}
	out, err := s.app.ContactExport(r.Context(), id)
	if err != nil {
		s.errs.JSON(w, r, err)
		return
	}
	httpx.WriteContactExport(w, out, r.URL.Query().Get("download") != "")
}

// contactID parses the {contact} of the route; it writes a 404 and
// returns false for anything that is not a positive integer.
func contactID(w http.ResponseWriter, r *http.Request) (int64, bool) {
	n, err := strconv.ParseInt(chi.URLParam(r, "contact"), 10, 64)
	if err != nil || n <= 0 {
		httpx.Error(w, http.StatusNotFound, "contact not found")
		return 0, false
	}
	return n, true
}

// pageParams reads the ?after= cursor and the ?limit= (1 to max, default 100)
// of a listing. Its errors are safe to show.
func pageParams(r *http.Request, max int) (after int64, limit int, err error) {
	q := r.URL.Query()
	limit = 100
	if v := q.Get("after"); v != "" {
		if after, err = strconv.ParseInt(v, 10, 64); err != nil || after < 0 {
			return 0, 0, errors.New("after: must be the id the previous page ended with")
		}
	}
	if v := q.Get("limit"); v != "" {
		if limit, err = strconv.Atoi(v); err != nil || limit < 1 || limit > max {
			return 0, 0, fmt.Errorf("limit: must be a whole number from 1 to %d", max)
		}
	}
	return after, limit, nil
}

// queryBool reads a yes/no query parameter: 1, true, 0, false or absent.
func queryBool(r *http.Request, name string) (bool, error) {
	v := r.URL.Query().Get(name)
	if v == "" {
		return false, nil
	}
	b, err := strconv.ParseBool(v)
	if err != nil {
		return false, fmt.Errorf("%s: must be 1 or 0", name)
	}
	return b, nil
}
