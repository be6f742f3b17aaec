package notifytest

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha1"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"
)

// TwilioRequest is one call to the Messages API.
type TwilioRequest struct {
	Form             url.Values
	IdempotencyToken string // the I-Twilio-Idempotency-Token header
	Status           int    // the HTTP status answered
	SID              string // the message SID, when accepted
}

// TwilioServer plays Twilio's Messages API:
// POST /2010-04-01/Accounts/{AccountSid}/Messages.json, with basic auth,
// form fields checked as Twilio checks them, and Twilio-shaped JSON
// answers and errors.
type TwilioServer struct {
	URL        string // the base URL, for notify.TwilioConfig.BaseURL
	AccountSID string
	AuthToken  string
	Delay      time.Duration // added to every call, to play a slow API

	mu       sync.Mutex
	requests []TwilioRequest
	script   []int // answers to the next calls: 0 accepts, else an error code
	always   int
	conns    int // connections opened
}

// NewTwilioServer starts the server and stops it when the test ends.
func NewTwilioServer(tb testing.TB) *TwilioServer {
	tb.Helper()
	s := &TwilioServer{AccountSID: "AC" + randomHex(16), AuthToken: randomHex(16)}
	srv := httptest.NewUnstartedServer(http.HandlerFunc(s.serve))
	srv.Config.ConnState = func(_ net.Conn, state http.ConnState) {
		if state == http.StateNew {
			s.mu.Lock()
			s.conns++
			s.mu.Unlock()
		}
	}
	srv.Start()
	tb.Cleanup(srv.Close)
	s.URL = srv.URL
	return s
}

// Script sets the answers to the next calls: 0 accepts; 429, 500 and 503
// are those HTTP statuses; any other number is a Twilio error code
// answered with status 400 (21211 invalid number, 21610 unsubscribed
// recipient, 63016 outside the WhatsApp window).
func (s *TwilioServer) Script(codes ...int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.script = append(s.script, codes...)
}

// Always sets the answer to every call after the script (0: accept).
func (s *TwilioServer) Always(code int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.always = code
}

// Connections returns how many connections clients opened so far: a
// client that reuses its connections opens one per concurrent call.
func (s *TwilioServer) Connections() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.conns
}

// Requests returns every call so far, accepted or not.
func (s *TwilioServer) Requests() []TwilioRequest {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]TwilioRequest(nil), s.requests...)
}

// Accepted returns the calls that created a message.
func (s *TwilioServer) Accepted() []TwilioRequest {
	var ok []TwilioRequest
	for _, r := range s.Requests() {
		if r.SID != "" {
			ok = append(ok, r)
		}
	}
	return ok
}

// CountByToken returns how many messages were created per idempotency
// token.
func (s *TwilioServer) CountByToken() map[string]int {
	n := map[string]int{}
	for _, r := range s.Accepted() {
		n[r.IdempotencyToken]++
	}
	return n
}

var (
	messagesPath = regexp.MustCompile(`^/2010-04-01/Accounts/([^/]+)/Messages\.json$`)
	e164         = regexp.MustCompile(`^\+[1-9][0-9]{6,14}$`)
)

func (s *TwilioServer) serve(w http.ResponseWriter, r *http.Request) {
	if s.Delay > 0 {
		time.Sleep(s.Delay)
	}
	m := messagesPath.FindStringSubmatch(r.URL.Path)
	if m == nil || r.Method != http.MethodPost {
		twilioError(w, http.StatusNotFound, 20404, "The requested resource was not found")
		return
	}
	user, pass, ok := r.BasicAuth()
	if !ok || user != s.AccountSID || pass != s.AuthToken || m[1] != s.AccountSID {
		twilioError(w, http.StatusUnauthorized, 20003, "Authenticate")
		return
	}
	if err := r.ParseForm(); err != nil {
		twilioError(w, http.StatusBadRequest, 20001, "Invalid form")
		return
	}
	req := TwilioRequest{Form: r.PostForm, IdempotencyToken: r.Header.Get("I-Twilio-Idempotency-Token")}
	status, code, msg := s.check(r.PostForm)
	if status == 0 {
		status, code, msg = s.next()
	}
	req.Status = status
	if status == http.StatusCreated {
		req.SID = "SM" + randomHex(16)
	}
	s.mu.Lock()
	s.requests = append(s.requests, req)
	s.mu.Unlock()
	if status != http.StatusCreated {
		twilioError(w, status, code, msg)
		return
	}
	f := r.PostForm
	from := f.Get("From")
	if from == "" {
		from = "+15005550006"
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusCreated)
	json.NewEncoder(w).Encode(map[string]any{
		"sid": req.SID, "account_sid": s.AccountSID, "to": f.Get("To"), "from": from,
		"messaging_service_sid": f.Get("MessagingServiceSid"), "body": f.Get("Body"),
		"status": "queued", "num_segments": "1", "direction": "outbound-api", "api_version": "2010-04-01",
		"date_created": time.Now().UTC().Format(time.RFC1123Z), "error_code": nil, "error_message": nil,
		"uri": "/2010-04-01/Accounts/" + s.AccountSID + "/Messages/" + req.SID + ".json",
	})
}

// check refuses what Twilio refuses before sending anything.
func (s *TwilioServer) check(f url.Values) (int, int, string) {
	to := strings.TrimPrefix(f.Get("To"), "whatsapp:")
	switch {
	case f.Get("To") == "":
		return http.StatusBadRequest, 21604, "A 'To' phone number is required."
	case !e164.MatchString(to):
		return http.StatusBadRequest, 21211, fmt.Sprintf("Invalid 'To' Phone Number: %s", f.Get("To"))
	case f.Get("From") == "" && f.Get("MessagingServiceSid") == "":
		return http.StatusBadRequest, 21603, "A 'From' or 'MessagingServiceSid' parameter is required to send a message"
	case f.Get("Body") == "" && f.Get("ContentSid") == "" && f.Get("MediaUrl") == "":
		return http.StatusBadRequest, 21602, "Message body is required."
	case strings.HasPrefix(f.Get("To"), "whatsapp:") != strings.HasPrefix(f.Get("From"), "whatsapp:") && f.Get("From") != "":
		return http.StatusBadRequest, 63007, "Twilio could not find a Channel with the specified From address"
	}
	return 0, 0, ""
}

// next returns the scripted answer for this call.
func (s *TwilioServer) next() (int, int, string) {
	s.mu.Lock()
	code := s.always
	if len(s.script) > 0 {
		code, s.script = s.script[0], s.script[1:]
	}
	s.mu.Unlock()
	switch code {
	case 0:
		return http.StatusCreated, 0, ""
	case 429:
		return http.StatusTooManyRequests, 20429, "Too Many Requests"
	case 500, 502, 503:
		return code, 20500, "Internal Server Error"
	case 21211:
		return http.StatusBadRequest, 21211, "Invalid 'To' Phone Number"
	case 21610:
		return http.StatusBadRequest, 21610, "Attempt to send to unsubscribed recipient"
	}
	return http.StatusBadRequest, code, "Error"
}

func twilioError(w http.ResponseWriter, status, code int, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(map[string]any{
		"code": code, "message": msg, "status": status,
		"more_info": fmt.Sprintf("https://www.twilio.com/docs/errors/%d", code),
	})
}

// TwilioSignature computes the X-Twilio-Signature of a POST of form to
// fullURL, as Twilio documents it: HMAC-SHA1 keyed with the auth token over
// the URL followed by each parameter name and value, sorted by name, in
// base64. It is written apart from twilio-go so tests check one against
// the other.
func TwilioSignature(authToken, fullURL string, form url.Values) string {
	keys := make([]string, 0, len(form))
	for k := range form {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	b.WriteString(fullURL)
	for _, k := range keys {
		for _, v := range form[k] {
			b.WriteString(k)
			b.WriteString(v)
		}
	}
	mac := hmac.New(sha1.New, []byte(authToken))
	mac.Write([]byte(b.String()))
	return base64.StdEncoding.EncodeToString(mac.Sum(nil))
}

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}
