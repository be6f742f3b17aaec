package dashboard

import (
	"errors"
	"net/http"

	"github.com/sillage/sillage/campaign"
	"github.com/sillage/sillage/campaign/i18n"
	"github.com/sillage/sillage/notify"
	"github.com/sillage/sillage/web/accounts"
	"github.com/sillage/sillage/web/internal/httpx"
)

// errorStatus maps an error to the status and sentence a marketer sees on
// the dashboard. This is the one place where dashboard errors get their
// status codes.
func errorStatus(err error, t *i18n.Lang) (int, string) {
	var (
		tooLarge *campaign.TooLargeError
		mismatch *campaign.MismatchError
	)
	if msg, ok := invalidMessage(t, err); ok {
		return http.StatusUnprocessableEntity, msg
	}
	switch {
	case errors.Is(err, notify.ErrInvalidRows):
		return http.StatusUnprocessableEntity, t.T("dashboard.seed.invalid_rows")
	case errors.Is(err, httpx.ErrContactFileTooLarge):
		return http.StatusRequestEntityTooLarge, t.T("dashboard.seed.file_too_large")
	case errors.Is(err, errNoTemplate):
		return http.StatusNotFound, t.T("dashboard.messages.no_such_template")
	case errors.Is(err, errNoContact):
		return http.StatusNotFound, t.T("dashboard.messages.no_such_contact")
	case errors.Is(err, errTemplateTooLong):
		return http.StatusRequestEntityTooLarge, t.T("dashboard.messages.too_long")
	case errors.Is(err, notify.ErrNotFound):
		return http.StatusNotFound, t.T("dashboard.not_found")
	case errors.Is(err, accounts.ErrBadEmail):
		return http.StatusUnprocessableEntity, t.T("dashboard.bad_email")
	case errors.Is(err, accounts.ErrBadPassword):
		return http.StatusUnprocessableEntity, t.T("dashboard.bad_password")
	case errors.Is(err, accounts.ErrEmailTaken):
		return http.StatusConflict, t.T("dashboard.email_taken")
	case errors.Is(err, accounts.ErrBadName):
		return http.StatusUnprocessableEntity, t.T("dashboard.bad_key_name")
	case errors.Is(err, campaign.ErrNotFound), errors.Is(err, accounts.ErrNotFound):
		return http.StatusNotFound, t.T("dashboard.not_found")
	case errors.Is(err, campaign.ErrNoContent):
		return http.StatusConflict, t.T("dashboard.no_content")
	case errors.Is(err, campaign.ErrTransition), errors.Is(err, campaign.ErrEnded):
		return http.StatusConflict, t.T("dashboard.bad_transition")
	case errors.As(err, &tooLarge):
		return http.StatusRequestEntityTooLarge, t.T("dashboard.too_large", httpx.SizeText(tooLarge.Limit))
	case errors.As(err, &mismatch):
		return http.StatusUnsupportedMediaType, t.T("dashboard.mismatch", mismatch.Sniffed, mismatch.Declared)
	case httpx.Unavailable(err):
		return http.StatusServiceUnavailable, t.T("dashboard.cannot_save")
	}
	return http.StatusInternalServerError, t.T("dashboard.oops")
}

// fail writes an error the page cannot show on its own form: as a
// message page, or as JSON to a script.
func (h *Handler) fail(w http.ResponseWriter, r *http.Request, err error) {
	t := langOf(r)
	status, msg := errorStatus(err, t)
	switch status {
	case http.StatusInternalServerError:
		h.log.Error("dashboard request", "method", r.Method, "route", httpx.RouteOf(r), "request_id", httpx.RequestID(r.Context()), "err", err)
	case http.StatusServiceUnavailable:
		httpx.LogUnavailable(h.log, r, err)
	}
	if httpx.WantsJSON(r) {
		httpx.Error(w, status, msg)
		return
	}
	h.pages.Render(w, status, "dash_message.html", messagePage{
		frame: h.frame(r, t, "Sillage"), Message: msg,
	})
}
