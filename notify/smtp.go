package notify

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	netmail "net/mail"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/wneessen/go-mail"
	mailsmtp "github.com/wneessen/go-mail/smtp"
)

// SMTPConfig configures email through an SMTP server.
type SMTPConfig struct {
	// URL says where and how, in one string:
	//
	//	smtps://user:pass@smtp.example.com:465   implicit TLS (default port 465)
	//	smtp://user:pass@smtp.example.com:587    STARTTLS, required (default port 587)
	//	smtp://localhost:1025                     a local catcher: STARTTLS if offered
	//
	// Options: ?tls=starttls|opportunistic|none (smtp:// only; the default
	// is starttls, or opportunistic for a loopback host), ?auth=plain|login|
	// cram-md5|scram-sha-256|auto (default auto, or plain without TLS, which
	// go-mail allows to a loopback host only), ?timeout=15s, ?helo=name.
	URL string
	// From is the sender, such as "Sillage <no-reply@example.com>"; its
	// domain also ends every Message-ID.
	From string
	// Conns is how many connections are kept open between messages
	// (default 4).
	Conns int
	// TLSConfig replaces the default (system roots, server name from the
	// URL); tests trust their own certificate with it.
	TLSConfig *tls.Config
	// Now dates the messages (default time.Now).
	Now func() time.Time
}

// SMTPSender sends email through go-mail, reusing connections.
type SMTPSender struct {
	client  *mail.Client
	from    *netmail.Address
	domain  string
	idle    chan *mailsmtp.Client
	display string
	now     func() time.Time
}

// NewSMTPSender returns a sender for cfg, or an error for a URL or From
// that cannot work. It does not connect yet.
func NewSMTPSender(cfg SMTPConfig) (*SMTPSender, error) {
	from, err := netmail.ParseAddress(cfg.From)
	if err != nil {
		return nil, fmt.Errorf("email sender address %q: %w", cfg.From, err)
	}
	host, opts, display, err := parseSMTPURL(cfg.URL)
	if err != nil {
		return nil, err
	}
	if cfg.TLSConfig != nil {
		tc := cfg.TLSConfig.Clone()
		if tc.ServerName == "" {
			tc.ServerName = host
		}
		opts = append(opts, mail.WithTLSConfig(tc))
	}
	client, err := mail.NewClient(host, opts...)
	if err != nil {
		return nil, fmt.Errorf("SMTP URL: %w", err)
	}
	if cfg.Conns <= 0 {
		cfg.Conns = 4
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return &SMTPSender{
		client:  client,
		from:    from,
		domain:  from.Address[strings.LastIndexByte(from.Address, '@')+1:],
		idle:    make(chan *mailsmtp.Client, cfg.Conns),
		display: display,
		now:     cfg.Now,
	}, nil
}

// parseSMTPURL turns the URL into go-mail options, and a description that
// leaves the password out.
func parseSMTPURL(raw string) (string, []mail.Option, string, error) {
	u, err := url.Parse(raw)
	if err != nil || u.Hostname() == "" {
		return "", nil, "", fmt.Errorf("SMTP URL: want smtps://user:pass@host:465 or smtp://host:587")
	}
	host := u.Hostname()
	q := u.Query()
	loopback := host == "localhost" || net.ParseIP(host).IsLoopback()
	var opts []mail.Option
	port, tlsMode := 0, q.Get("tls")
	switch u.Scheme {
	case "smtps":
		port = 465
		if tlsMode != "" && tlsMode != "implicit" {
			return "", nil, "", fmt.Errorf("SMTP URL: smtps:// is implicit TLS; use smtp:// for tls=%s", tlsMode)
		}
		opts = append(opts, mail.WithSSL())
		tlsMode = "implicit"
	case "smtp":
		port = 587
		if tlsMode == "" {
			tlsMode = "starttls"
			if loopback {
				tlsMode = "opportunistic"
			}
		}
		policy := map[string]mail.TLSPolicy{"starttls": mail.TLSMandatory, "opportunistic": mail.TLSOpportunistic, "none": mail.NoTLS}
		p, ok := policy[tlsMode]
		if !ok {
			return "", nil, "", fmt.Errorf("SMTP URL: tls=%q: want starttls, opportunistic or none", tlsMode)
		}
		opts = append(opts, mail.WithTLSPolicy(p))
	default:
		return "", nil, "", fmt.Errorf("SMTP URL: scheme %q: want smtps or smtp", u.Scheme)
	}
	if p := u.Port(); p != "" {
		if port, err = strconv.Atoi(p); err != nil {
			return "", nil, "", fmt.Errorf("SMTP URL: port %q", p)
		}
	}
	opts = append(opts, mail.WithPort(port))
	if user := u.User.Username(); user != "" {
		pass, _ := u.User.Password()
		auth := strings.ToLower(q.Get("auth"))
		if auth == "" {
			auth = "auto"
			if tlsMode == "none" {
				auth = "plain"
			}
		}
		types := map[string]mail.SMTPAuthType{"plain": mail.SMTPAuthPlain, "login": mail.SMTPAuthLogin,
			"cram-md5": mail.SMTPAuthCramMD5, "scram-sha-256": mail.SMTPAuthSCRAMSHA256, "auto": mail.SMTPAuthAutoDiscover}
		t, ok := types[auth]
		if !ok {
			return "", nil, "", fmt.Errorf("SMTP URL: auth=%q: want plain, login, cram-md5, scram-sha-256 or auto", auth)
		}
		opts = append(opts, mail.WithSMTPAuth(t), mail.WithUsername(user), mail.WithPassword(pass))
	}
	if t := q.Get("timeout"); t != "" {
		d, err := time.ParseDuration(t)
		if err != nil || d <= 0 {
			return "", nil, "", fmt.Errorf("SMTP URL: timeout=%q: want a duration such as 15s", t)
		}
		opts = append(opts, mail.WithTimeout(d))
	}
	if h := q.Get("helo"); h != "" {
		opts = append(opts, mail.WithHELO(h))
	}
	display := fmt.Sprintf("SMTP %s://%s:%d (tls %s)", u.Scheme, host, port, tlsMode)
	return host, opts, display, nil
}

// String describes the server, without credentials.
func (s *SMTPSender) String() string { return s.display }

// Send sends m as multipart/alternative (text and HTML), with the
// idempotency key as Message-ID and RFC 8058 one-click unsubscribe headers.
// The provider id it returns is the Message-ID.
func (s *SMTPSender) Send(ctx context.Context, m *Message) (string, error) {
	msg := mail.NewMsg(mail.WithNoDefaultUserAgent())
	msg.FromMailAddress(s.from)
	if err := msg.To(m.To); err != nil {
		return "", &SendError{Permanent: true, Code: "address", Err: err}
	}
	msg.Subject(m.Subject)
	id := m.IdempotencyKey + "@" + s.domain
	msg.SetMessageIDWithValue(id)
	msg.SetDateWithValue(s.now())
	msg.SetUserAgent("Sillage")
	msg.SetBodyString(mail.TypeTextPlain, m.Text)
	msg.AddAlternativeString(mail.TypeTextHTML, m.HTML)
	if m.UnsubscribeURL != "" {
		// One-click needs https; a development base URL gets the plain
		// header.
		if err := msg.SetListUnsubscribeOneClick(m.UnsubscribeURL); err != nil {
			msg.SetListUnsubscribe(m.UnsubscribeURL)
		}
	}
	if err := s.deliver(ctx, msg); err != nil {
		return "", classifySMTP(err)
	}
	return id, nil
}

// deliver sends msg on an idle connection, or a new one. A connection that
// went stale while idle fails its check before anything is sent, so the
// message is tried once more on a fresh one.
func (s *SMTPSender) deliver(ctx context.Context, msg *mail.Msg) error {
	for try := 0; ; try++ {
		c, pooled := s.conn()
		if c == nil {
			var err error
			if c, err = s.client.DialToSMTPClientWithContext(ctx); err != nil {
				return err
			}
		}
		err := s.client.SendWithSMTPClient(c, msg)
		if err == nil || msg.IsDelivered() {
			if err == nil {
				s.release(c)
			} else {
				s.client.CloseWithSMTPClient(c)
			}
			return nil
		}
		s.client.CloseWithSMTPClient(c)
		var se *mail.SendError
		if pooled && try == 0 && errors.As(err, &se) && se.Reason == mail.ErrConnCheck {
			continue
		}
		return err
	}
}

func (s *SMTPSender) conn() (*mailsmtp.Client, bool) {
	select {
	case c := <-s.idle:
		return c, true
	default:
		return nil, false
	}
}

func (s *SMTPSender) release(c *mailsmtp.Client) {
	select {
	case s.idle <- c:
	default:
		s.client.CloseWithSMTPClient(c)
	}
}

// Close closes the idle connections.
func (s *SMTPSender) Close() error {
	for {
		select {
		case c := <-s.idle:
			s.client.CloseWithSMTPClient(c)
		default:
			return nil
		}
	}
}

// classifySMTP sorts a go-mail error: a 5xx reply to the message is
// permanent, a 4xx temporary. Failures before the message (connection, TLS,
// authentication) stay temporary even with a 5xx: they are the operator's
// to fix, and the messages should go out once they are fixed.
func classifySMTP(err error) error {
	var se *mail.SendError
	if !errors.As(err, &se) || se.Reason == mail.ErrConnCheck {
		return err
	}
	code := se.ErrorCode()
	switch {
	case code >= 500:
		return &SendError{Permanent: true, Code: strconv.Itoa(code), Err: err}
	case code >= 400:
		return &SendError{Code: strconv.Itoa(code), Err: err}
	case se.Reason == mail.ErrGetSender || se.Reason == mail.ErrGetRcpts:
		return &SendError{Permanent: true, Code: "address", Err: err}
	}
	return err
}
