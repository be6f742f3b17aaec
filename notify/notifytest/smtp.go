// Package notifytest plays the outside world of package notify in tests: a
// real SMTP server (emersion/go-smtp) run in-process, and a local server
// that speaks Twilio's Messages API. Both count what they receive by
// idempotency key, so tests can prove nothing was lost or doubled.
package notifytest

import (
	"bytes"
	"crypto/tls"
	"io"
	"net"
	"net/mail"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// Mail is one message the SMTP server accepted.
type Mail struct {
	From      string
	To        []string
	Data      []byte // the message as received, headers and body
	MessageID string // the Message-ID header, without angle brackets
}

// SMTPOptions shapes an SMTPServer.
type SMTPOptions struct {
	// TLS is "none" (the default), "starttls" or "implicit"; with TLS the
	// server presents a self-signed certificate that ClientTLS trusts.
	TLS string
	// Username and Password, when set, make AUTH PLAIN required.
	Username, Password string
	// Delay is added to every DATA, to play a slow server.
	Delay time.Duration
}

// SMTPServer is a real SMTP server on a loopback port that keeps what it
// accepts in memory, and refuses on demand.
type SMTPServer struct {
	Addr string // host:port

	opts      SMTPOptions
	clientTLS *tls.Config

	mu     sync.Mutex
	mails  []Mail
	tries  int   // DATA commands seen
	script []int // replies to the next DATA commands; 0 accepts
	always int   // reply to every DATA once the script is used up; 0 accepts
}

// NewSMTPServer starts a server on 127.0.0.1 and stops it when the test
// ends.
func NewSMTPServer(tb testing.TB, opts SMTPOptions) *SMTPServer {
	tb.Helper()
	s := &SMTPServer{opts: opts}
	srv := smtp.NewServer(smtp.BackendFunc(func(c *smtp.Conn) (smtp.Session, error) {
		return &session{srv: s}, nil
	}))
	srv.Domain = "localhost"
	srv.AllowInsecureAuth = true
	srv.ReadTimeout, srv.WriteTimeout = 10*time.Second, 10*time.Second
	srv.ErrorLog = quietLog{}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatalf("smtp listen: %v", err)
	}
	switch opts.TLS {
	case "", "none":
	case "starttls", "implicit":
		serverTLS, clientTLS := selfSigned(tb)
		s.clientTLS = clientTLS
		srv.TLSConfig = serverTLS
		if opts.TLS == "implicit" {
			l = tls.NewListener(l, serverTLS)
		}
	default:
		tb.Fatalf("smtp TLS mode %q", opts.TLS)
	}
	s.Addr = l.Addr().String()
	go srv.Serve(l)
	tb.Cleanup(func() { srv.Close() })
	return s
}

// URL is the notify.SMTPConfig URL that reaches this server.
func (s *SMTPServer) URL() string {
	u := "smtp://"
	if s.opts.TLS == "implicit" {
		u = "smtps://"
	}
	if s.opts.Username != "" {
		u += s.opts.Username + ":" + s.opts.Password + "@"
	}
	u += s.Addr
	switch s.opts.TLS {
	case "", "none":
		u += "?tls=none"
	case "starttls":
		u += "?tls=starttls"
	}
	return u
}

// ClientTLS trusts the server's certificate (nil without TLS).
func (s *SMTPServer) ClientTLS() *tls.Config { return s.clientTLS }

// Script sets the replies to the next DATA commands: 0 accepts, 451
// refuses for now, 550 for good.
func (s *SMTPServer) Script(codes ...int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.script = append(s.script, codes...)
}

// Always sets the reply to every DATA after the script (0: accept).
func (s *SMTPServer) Always(code int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.always = code
}

// Mails returns the messages accepted so far.
func (s *SMTPServer) Mails() []Mail {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Mail(nil), s.mails...)
}

// Tries returns how many DATA commands the server answered, accepted or
// not.
func (s *SMTPServer) Tries() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.tries
}

// CountByMessageID returns how many times each Message-ID was accepted.
func (s *SMTPServer) CountByMessageID() map[string]int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := make(map[string]int, len(s.mails))
	for _, m := range s.mails {
		n[m.MessageID]++
	}
	return n
}

// reply returns the scripted refusal for the next DATA, or nil.
func (s *SMTPServer) reply() *smtp.SMTPError {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.tries++
	code := s.always
	if len(s.script) > 0 {
		code, s.script = s.script[0], s.script[1:]
	}
	switch {
	case code == 0:
		return nil
	case code < 500:
		return &smtp.SMTPError{Code: code, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "Try again later"}
	}
	return &smtp.SMTPError{Code: code, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "Mailbox unavailable"}
}

// session is one SMTP conversation; its methods are go-smtp's Session and
// AuthSession.
type session struct {
	srv    *SMTPServer
	authed bool
	from   string
	to     []string
}

func (se *session) AuthMechanisms() []string {
	if se.srv.opts.Username == "" {
		return nil
	}
	return []string{sasl.Plain}
}

func (se *session) Auth(mech string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(identity, user, pass string) error {
		if user != se.srv.opts.Username || pass != se.srv.opts.Password {
			return smtp.ErrAuthFailed
		}
		se.authed = true
		return nil
	}), nil
}

func (se *session) Mail(from string, _ *smtp.MailOptions) error {
	if se.srv.opts.Username != "" && !se.authed {
		return smtp.ErrAuthRequired
	}
	se.from = from
	return nil
}

func (se *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	se.to = append(se.to, to)
	return nil
}

func (se *session) Data(r io.Reader) error {
	data, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	if d := se.srv.opts.Delay; d > 0 {
		time.Sleep(d)
	}
	if refusal := se.srv.reply(); refusal != nil {
		return refusal
	}
	m := Mail{From: se.from, To: se.to, Data: data}
	if msg, err := mail.ReadMessage(bytes.NewReader(data)); err == nil {
		m.MessageID = strings.Trim(msg.Header.Get("Message-ID"), "<> ")
	}
	se.srv.mu.Lock()
	se.srv.mails = append(se.srv.mails, m)
	se.srv.mu.Unlock()
	return nil
}

func (se *session) Reset() { se.from, se.to = "", nil }

func (se *session) Logout() error { return nil }

// quietLog drops the server's log of client disconnections: tests that
// cancel senders on purpose would fill the output with them.
type quietLog struct{}

func (quietLog) Printf(string, ...any) {}
func (quietLog) Println(...any)        {}
