package web

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/alexedwards/scs/v2"

	"github.com/sillage/sillage/campaign"
	"github.com/sillage/sillage/campaign/i18n"
	"github.com/sillage/sillage/notify"
	"github.com/sillage/sillage/web/accounts"
	"github.com/sillage/sillage/web/internal/httpx"
)

// The dashboard's session: a random cookie, only its SHA-256 stored (see
// accounts.Sessions), holding the signed-in account's id.
const (
	sessionCookie   = "sillage_session"
	sessionUser     = "user"
	sessionLifetime = 7 * 24 * time.Hour
	maxFormBody     = 64 << 10 // every dashboard form but the upload
)

// dashboard is what the marketer's pages need beside the domain services.
type dashboard struct {
	users    Users
	sessions *scs.SessionManager
	signIns  *signInLimiter
}

func (s *Server) newDashboard(users Users, store scs.Store) *dashboard {
	sm := scs.New()
	sm.Store = store
	sm.Lifetime = sessionLifetime
	sm.Cookie.Name = sessionCookie
	sm.Cookie.HttpOnly = true
	sm.Cookie.SameSite = http.SameSiteLaxMode
	sm.Cookie.Secure = s.secure
	sm.Cookie.Path = "/"
	sm.ErrorFunc = func(w http.ResponseWriter, r *http.Request, err error) {
		if httpx.Unavailable(err) {
			httpx.LogUnavailable(s.log, r, err)
			httpx.RetryLater(w, http.StatusServiceUnavailable)
			http.Error(w, dashLang(r).T("dashboard.cannot_save"), http.StatusServiceUnavailable)
			return
		}
		s.log.Error("session", "route", httpx.RouteOf(r), "request_id", httpx.RequestID(r.Context()), "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
	}
	return &dashboard{users: users, sessions: sm, signIns: newSignInLimiter(s.limits)}
}

type userKey struct{}

// currentUser returns the signed-in account that requireUser found.
func currentUser(ctx context.Context) accounts.User {
	u, _ := ctx.Value(userKey{}).(accounts.User)
	return u
}

// requireUser lets through requests of a signed-in account. Others are
// sent to /login, or refused with 401 when a script asks for JSON.
func (s *Server) requireUser(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var u accounts.User
		id := s.dash.sessions.GetInt64(r.Context(), sessionUser)
		err := accounts.ErrNoUser
		if id > 0 {
			u, err = s.dash.users.Find(r.Context(), id)
		}
		if err != nil {
			if !errors.Is(err, accounts.ErrNoUser) {
				s.log.Error("find user", "err", err)
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
func (s *Server) signIn(w http.ResponseWriter, r *http.Request, u accounts.User) bool {
	if err := s.dash.sessions.RenewToken(r.Context()); err != nil {
		s.dashError(w, r, err)
		return false
	}
	s.dash.sessions.Put(r.Context(), sessionUser, u.ID)
	return true
}

func (s *Server) signedIn(r *http.Request) bool {
	return s.dash.sessions.GetInt64(r.Context(), sessionUser) > 0
}

// handleLoginPage answers GET /login; the first visit of a fresh server
// goes to /setup.
func (s *Server) handleLoginPage(w http.ResponseWriter, r *http.Request) {
	if s.signedIn(r) {
		http.Redirect(w, r, "/campaigns", http.StatusSeeOther)
		return
	}
	n, err := s.dash.users.Count(r.Context())
	if err != nil {
		s.dashError(w, r, err)
		return
	}
	if n == 0 {
		http.Redirect(w, r, "/setup", http.StatusSeeOther)
		return
	}
	t := dashLang(r)
	s.pages.Render(w, http.StatusOK, "dash_login.html", loginPage{dashPage: dashPage{L: t, Title: t.T("dashboard.sign_in_title")}})
}

// handleLogin answers POST /login (email, password). Failed sign-ins are
// limited per client network, and per client network and email.
func (s *Server) handleLogin(w http.ResponseWriter, r *http.Request) {
	t := dashLang(r)
	form := dashForm(w, r)
	email, password := form.Get("email"), form.Get("password")
	page := loginPage{dashPage: dashPage{L: t, Title: t.T("dashboard.sign_in_title")}, Email: email}
	attempt, ok := s.dash.signIns.attempt(w, r, email)
	if !ok {
		page.Error = t.T("dashboard.too_many")
		s.pages.Render(w, http.StatusTooManyRequests, "dash_login.html", page)
		return
	}
	u, err := s.dash.users.Authenticate(r.Context(), email, password)
	if errors.Is(err, accounts.ErrBadCredentials) {
		page.Error = t.T("dashboard.bad_credentials")
		s.pages.Render(w, http.StatusUnprocessableEntity, "dash_login.html", page)
		return
	}
	attempt.succeeded() // a right password, or our own failure: not a guess
	if err != nil {
		s.dashError(w, r, err)
		return
	}
	if s.signIn(w, r, u) {
		http.Redirect(w, r, "/campaigns", http.StatusSeeOther)
	}
}

// handleLogout answers POST /logout: the session is deleted from the
// store, not only from the browser.
func (s *Server) handleLogout(w http.ResponseWriter, r *http.Request) {
	if err := s.dash.sessions.Destroy(r.Context()); err != nil {
		s.dashError(w, r, err)
		return
	}
	http.Redirect(w, r, "/login", http.StatusSeeOther)
}

// handleSetupPage answers GET /setup: the form of the first account, only
// while there is none.
func (s *Server) handleSetupPage(w http.ResponseWriter, r *http.Request) {
	n, err := s.dash.users.Count(r.Context())
	if err != nil {
		s.dashError(w, r, err)
		return
	}
	if n > 0 {
		http.Redirect(w, r, "/login", http.StatusSeeOther)
		return
	}
	t := dashLang(r)
	s.pages.Render(w, http.StatusOK, "dash_setup.html", loginPage{dashPage: dashPage{L: t, Title: t.T("dashboard.setup_title")}})
}

// handleSetup answers POST /setup (code, email, password, password2): it
// creates the first account and signs it in. The one-time code, printed
// in the server's log, keeps a stranger on the same network from taking
// the page first; wrong codes are counted as failed sign-ins.
func (s *Server) handleSetup(w http.ResponseWriter, r *http.Request) {
	t := dashLang(r)
	form := dashForm(w, r)
	email, password := form.Get("email"), form.Get("password")
	page := loginPage{dashPage: dashPage{L: t, Title: t.T("dashboard.setup_title")}, Email: email, Code: form.Get("code")}
	if password != form.Get("password2") {
		page.Error = t.T("dashboard.passwords_differ")
		s.pages.Render(w, http.StatusUnprocessableEntity, "dash_setup.html", page)
		return
	}
	attempt, ok := s.dash.signIns.attempt(w, r, setupAttempt)
	if !ok {
		page.Error = t.T("dashboard.too_many")
		s.pages.Render(w, http.StatusTooManyRequests, "dash_setup.html", page)
		return
	}
	u, err := s.dash.users.CreateFirst(r.Context(), form.Get("code"), email, password)
	if errors.Is(err, accounts.ErrSetupCode) {
		page.Error, page.Code = t.T("dashboard.bad_setup_code"), ""
		s.pages.Render(w, http.StatusForbidden, "dash_setup.html", page)
		return
	}
	attempt.succeeded() // not a guess at the code
	if errors.Is(err, accounts.ErrSetupDone) {
		http.Redirect(w, r, "/login", http.StatusSeeOther)
		return
	}
	if err != nil {
		status, msg := dashStatus(err, t)
		if status == http.StatusInternalServerError {
			s.dashError(w, r, err)
			return
		}
		page.Error = msg
		s.pages.Render(w, status, "dash_setup.html", page)
		return
	}
	if s.signIn(w, r, u) {
		http.Redirect(w, r, "/campaigns", http.StatusSeeOther)
	}
}

// dashStatus maps an error to the status and sentence a marketer sees on
// the dashboard. This is the one place where dashboard errors get their
// status codes.
func dashStatus(err error, t *i18n.Lang) (int, string) {
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

// dashError writes an error the page cannot show on its own form: as a
// message page, or as JSON to a script.
func (s *Server) dashError(w http.ResponseWriter, r *http.Request, err error) {
	t := dashLang(r)
	status, msg := dashStatus(err, t)
	switch status {
	case http.StatusInternalServerError:
		s.log.Error("dashboard request", "method", r.Method, "route", httpx.RouteOf(r), "request_id", httpx.RequestID(r.Context()), "err", err)
	case http.StatusServiceUnavailable:
		httpx.LogUnavailable(s.log, r, err)
	}
	if httpx.WantsJSON(r) {
		httpx.Error(w, status, msg)
		return
	}
	s.pages.Render(w, status, "dash_message.html", dashMessagePage{
		dashPage: s.dashPage(r, t, "Sillage"), Message: msg,
	})
}

// dashPage is the head of a page for the signed-in account, if any.
func (s *Server) dashPage(r *http.Request, t *i18n.Lang, title string) dashPage {
	return dashPage{L: t, Title: title, User: currentUser(r.Context()).Email}
}

// campaignPage is dashPage for a page of campaign id, under the tab that
// holds it.
func (s *Server) campaignPage(r *http.Request, t *i18n.Lang, title string, id campaign.ID, tab string) dashPage {
	p := s.dashPage(r, t, title)
	p.Nav, p.CampaignID, p.Tab = "campaigns", id, tab
	return p
}

func formatTime(t *i18n.Lang, when time.Time) string { return t.Date(when.UTC(), "dashboard") }

// pathID is the {name} route parameter as a positive integer, 0 if it is
// not one.
func pathID(s string) int64 {
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n <= 0 {
		return 0
	}
	return n
}

// dashForm reads a dashboard form of at most maxFormBody bytes. A body
// that cannot be read, or only in part, gives no fields at all, which every
// form refuses as missing ones.
func dashForm(w http.ResponseWriter, r *http.Request) url.Values {
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBody)
	if r.ParseForm() != nil {
		return url.Values{}
	}
	return r.PostForm
}

// dashLang returns the language of the browser's Accept-Language.
func dashLang(r *http.Request) *i18n.Lang {
	return i18n.Match(r.Header.Get("Accept-Language"))
}

// word returns the sentence key, or "" when the catalog has none: the
// name of a state, channel or status the dashboard does not know.
func word(l *i18n.Lang, key string) string {
	if !i18n.Has(key) {
		return ""
	}
	return l.T(key)
}
