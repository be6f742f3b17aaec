package dashboard

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"time"

	"github.com/alexedwards/scs/v2"

	"github.com/sillage/sillage/web/accounts"
	"github.com/sillage/sillage/web/internal/httpx"
)

// The dashboard's session: a random cookie, only its SHA-256 stored (see
// accounts.Sessions), holding the signed-in account's id.
const (
	sessionCookie   = "sillage_session"
	sessionUser     = "user"
	sessionLifetime = 7 * 24 * time.Hour
)

type userKey struct{}

// currentUser returns the signed-in account that requireUser found.
func currentUser(ctx context.Context) accounts.User {
	u, _ := ctx.Value(userKey{}).(accounts.User)
	return u
}

// requireUser lets through requests of a signed-in account. Others are
// sent to /login, or refused with 401 when a script asks for JSON.
func (h *Handler) requireUser(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var u accounts.User
		id := h.sessions.GetInt64(r.Context(), sessionUser)
		err := accounts.ErrNoUser
		if id > 0 {
			u, err = h.users.Find(r.Context(), id)
		}
		if err != nil {
			if !errors.Is(err, accounts.ErrNoUser) {
				h.log.Error("find user", "err", err)
			}
			if httpx.WantsJSON(r) {
				httpx.Error(w, http.StatusUnauthorized, "sign in first")
				return
			}
			http.Redirect(w, r, "/login", http.StatusSeeOther)
			return
		}
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), userKey{}, u)))
	})
}

// signIn starts a session for u under a new token, so that a token
// planted before the sign-in opens nothing (session fixation).
func (h *Handler) signIn(w http.ResponseWriter, r *http.Request, u accounts.User) bool {
	if err := h.sessions.RenewToken(r.Context()); err != nil {
		h.fail(w, r, err)
		return false
	}
	h.sessions.Put(r.Context(), sessionUser, u.ID)
	return true
}

func (h *Handler) signedIn(r *http.Request) bool {
	return h.sessions.GetInt64(r.Context(), sessionUser) > 0
}

// handleLoginPage answers GET /login; the first visit of a fresh server
// goes to /setup.
func (h *Handler) handleLoginPage(w http.ResponseWriter, r *http.Request) {
	if h.signedIn(r) {
		http.Redirect(w, r, "/campaigns", http.StatusSeeOther)
		return
	}
	n, err := h.users.Count(r.Context())
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if n == 0 {
		http.Redirect(w, r, "/setup", http.StatusSeeOther)
		return
	}
	t := langOf(r)
	h.pages.Render(w, http.StatusOK, "dash_login.html", loginPage{frame: frame{L: t, Title: t.T("dashboard.sign_in_title")}})
}

// handleLogin answers POST /login (email, password). Failed sign-ins are
// limited per client network, and per client network and email.
func (h *Handler) handleLogin(w http.ResponseWriter, r *http.Request) {
	t := langOf(r)
	form := readForm(w, r)
	email, password := form.Get("email"), form.Get("password")
	page := loginPage{frame: frame{L: t, Title: t.T("dashboard.sign_in_title")}, Email: email}
	attempt, ok := h.signIns.attempt(w, r, email)
	if !ok {
		page.Error = t.T("dashboard.too_many")
		h.pages.Render(w, http.StatusTooManyRequests, "dash_login.html", page)
		return
	}
	u, err := h.users.Authenticate(r.Context(), email, password)
	if errors.Is(err, accounts.ErrBadCredentials) {
		page.Error = t.T("dashboard.bad_credentials")
		h.pages.Render(w, http.StatusUnprocessableEntity, "dash_login.html", page)
		return
	}
	attempt.succeeded() // a right password, or our own failure: not a guess
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if h.signIn(w, r, u) {
		http.Redirect(w, r, "/campaigns", http.StatusSeeOther)
	}
}

// handleLogout answers POST /logout: the session is deleted from the
// store, not only from the browser.
func (h *Handler) handleLogout(w http.ResponseWriter, r *http.Request) {
	if err := h.sessions.Destroy(r.Context()); err != nil {
		h.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/login", http.StatusSeeOther)
}

// handleSetupPage answers GET /setup: the form of the first account, only
// while there is none.
func (h *Handler) handleSetupPage(w http.ResponseWriter, r *http.Request) {
	n, err := h.users.Count(r.Context())
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if n > 0 {
		http.Redirect(w, r, "/login", http.StatusSeeOther)
		return
	}
	t := langOf(r)
	h.pages.Render(w, http.StatusOK, "dash_setup.html", loginPage{frame: frame{L: t, Title: t.T("dashboard.setup_title")}})
}

// handleSetup answers POST /setup (code, email, password, password2): it
// creates the first account and signs it in. The one-time code, printed
// in the server's log, keeps a stranger on the same network from taking
// the page first; wrong codes are counted as failed sign-ins.
func (h *Handler) handleSetup(w http.ResponseWriter, r *http.Request) {
	t := langOf(r)
	form := readForm(w, r)
	email, password := form.Get("email"), form.Get("password")
	page := loginPage{frame: frame{L: t, Title: t.T("dashboard.setup_title")}, Email: email, Code: form.Get("code")}
	if password != form.Get("password2") {
		page.Error = t.T("dashboard.passwords_differ")
		h.pages.Render(w, http.StatusUnprocessableEntity, "dash_setup.html", page)
		return
	}
	attempt, ok := h.signIns.attempt(w, r, setupAttempt)
	if !ok {
		page.Error = t.T("dashboard.too_many")
		h.pages.Render(w, http.StatusTooManyRequests, "dash_setup.html", page)
		return
	}
	u, err := h.users.CreateFirst(r.Context(), form.Get("code"), email, password)
	if errors.Is(err, accounts.ErrSetupCode) {
		page.Error, page.Code = t.T("dashboard.bad_setup_code"), ""
		h.pages.Render(w, http.StatusForbidden, "dash_setup.html", page)
		return
	}
	attempt.succeeded() // not a guess at the code
	if errors.Is(err, accounts.ErrSetupDone) {
		http.Redirect(w, r, "/login", http.StatusSeeOther)
		return
	}
	if err != nil {
		status, msg := errorStatus(err, t)
		if status == http.StatusInternalServerError {
			h.fail(w, r, err)
			return
		}
		page.Error = msg
		h.pages.Render(w, status, "dash_setup.html", page)
		return
	}
	if h.signIn(w, r, u) {
		http.Redirect(w, r, "/campaigns", http.StatusSeeOther)
	}
}

// newSessions returns the sessions of the dashboard's cookie, kept in
// store; secure: the cookie is only sent over https.
func newSessions(store scs.Store, secure bool, log *slog.Logger) *scs.SessionManager {
	sm := scs.New()
	sm.Store = store
	sm.Lifetime = sessionLifetime
	sm.Cookie.Name = sessionCookie
	sm.Cookie.HttpOnly = true
	sm.Cookie.SameSite = http.SameSiteLaxMode
	sm.Cookie.Secure = secure
	sm.Cookie.Path = "/"
	sm.ErrorFunc = func(w http.ResponseWriter, r *http.Request, err error) {
		if httpx.Unavailable(err) {
			httpx.LogUnavailable(log, r, err)
			httpx.RetryLater(w, http.StatusServiceUnavailable)
			http.Error(w, langOf(r).T("dashboard.cannot_save"), http.StatusServiceUnavailable)
			return
		}
		log.Error("session", "route", httpx.RouteOf(r), "request_id", httpx.RequestID(r.Context()), "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
	}
	return sm
}
