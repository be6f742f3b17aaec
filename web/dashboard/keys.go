package dashboard

import (
	"net/http"

	"github.com/go-chi/chi/v5"

	"github.com/sillage/sillage/web/accounts"
)

// handleKeys answers GET /keys: the API keys, live and revoked.
func (h *Handler) handleKeys(w http.ResponseWriter, r *http.Request) {
	h.renderKeys(w, r, http.StatusOK, keysPage{})
}

// handleKeyCreate answers POST /keys (name): the new key is shown on
// the page this once, never again.
func (h *Handler) handleKeyCreate(w http.ResponseWriter, r *http.Request) {
	name := readForm(w, r).Get("name")
	key, _, err := h.keys.Create(r.Context(), name)
	if err != nil {
		status, msg := errorStatus(err, langOf(r))
		if status == http.StatusInternalServerError {
			h.fail(w, r, err)
			return
		}
		h.renderKeys(w, r, status, keysPage{Name: name, Error: msg})
		return
	}
	h.renderKeys(w, r, http.StatusCreated, keysPage{NewKey: key})
}

// handleKeyRevoke answers POST /keys/{key}/revoke.
func (h *Handler) handleKeyRevoke(w http.ResponseWriter, r *http.Request) {
	id := pathID(chi.URLParam(r, "key"))
	err := accounts.ErrNotFound
	if id > 0 {
		err = h.keys.Revoke(r.Context(), id)
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/keys", http.StatusSeeOther)
}

func (h *Handler) renderKeys(w http.ResponseWriter, r *http.Request, status int, p keysPage) {
	t := langOf(r)
	keys, err := h.keys.List(r.Context())
	if err != nil {
		h.fail(w, r, err)
		return
	}
	p.frame = h.frame(r, t, t.T("dashboard.keys_title"))
	p.Nav = "keys"
	for i := len(keys) - 1; i >= 0; i-- { // newest first
		k := keys[i]
		row := keyRow{ID: k.ID, Name: k.Name, Created: formatTime(t, k.CreatedAt)}
		if k.RevokedAt != nil {
			row.Revoked = formatTime(t, *k.RevokedAt)
		}
		p.Keys = append(p.Keys, row)
	}
	h.pages.Render(w, status, "dash_keys.html", p)
}
