package web

import (
	"net/http"

	"github.com/go-chi/chi/v5"

	"github.com/sillage/sillage/web/accounts"
)

// handleDashKeys answers GET /keys: the API keys, live and revoked.
func (s *Server) handleDashKeys(w http.ResponseWriter, r *http.Request) {
	s.renderKeys(w, r, http.StatusOK, keysPage{})
}

// handleDashKeyCreate answers POST /keys (name): the new key is shown on
// the page this once, never again.
func (s *Server) handleDashKeyCreate(w http.ResponseWriter, r *http.Request) {
	name := dashForm(w, r).Get("name")
	key, _, err := s.keys.Create(r.Context(), name)
	if err != nil {
		status, msg := dashStatus(err, dashLang(r))
		if status == http.StatusInternalServerError {
			s.dashError(w, r, err)
			return
		}
		s.renderKeys(w, r, status, keysPage{Name: name, Error: msg})
		return
	}
	s.renderKeys(w, r, http.StatusCreated, keysPage{NewKey: key})
}

// handleDashKeyRevoke answers POST /keys/{key}/revoke.
func (s *Server) handleDashKeyRevoke(w http.ResponseWriter, r *http.Request) {
	id := pathID(chi.URLParam(r, "key"))
	err := accounts.ErrNotFound
	if id > 0 {
		err = s.keys.Revoke(r.Context(), id)
	}
	if err != nil {
		s.dashError(w, r, err)
		return
	}
	http.Redirect(w, r, "/keys", http.StatusSeeOther)
}

func (s *Server) renderKeys(w http.ResponseWriter, r *http.Request, status int, p keysPage) {
	t := dashLang(r)
	keys, err := s.keys.List(r.Context())
	if err != nil {
		s.dashError(w, r, err)
		return
	}
	p.dashPage = s.dashPage(r, t, t.T("dashboard.keys_title"))
	p.Nav = "keys"
	for i := len(keys) - 1; i >= 0; i-- { // newest first
		k := keys[i]
		row := keyRow{ID: k.ID, Name: k.Name, Created: formatTime(t, k.CreatedAt)}
		if k.RevokedAt != nil {
			row.Revoked = formatTime(t, *k.RevokedAt)
		}
		p.Keys = append(p.Keys, row)
	}
	s.pages.Render(w, status, "dash_keys.html", p)
}
