package notify

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	twclient "github.com/twilio/twilio-go/client"
	twapi "github.com/twilio/twilio-go/rest/api/v2010"
)

// TwilioConfig configures SMS and WhatsApp through Twilio's Messages API.
type TwilioConfig struct {
	AccountSID string // TWILIO_ACCOUNT_SID
	AuthToken  string // TWILIO_AUTH_TOKEN
	// SMSFrom is the number SMS come from (E.164), or MessagingServiceSID
	// the Messaging Service that picks one. One of them enables SMS.
	SMSFrom             string
	MessagingServiceSID string
	// WhatsAppFrom is the WhatsApp sender, such as whatsapp:+14155238886
	// (the prefix is added when missing). It enables WhatsApp.
	WhatsAppFrom string
	// StatusCallback is the absolute URL Twilio posts status changes to,
	// such as https://share.example.com/hooks/twilio/status.
	StatusCallback string
	// BaseURL replaces https://api.twilio.com, for tests.
	BaseURL string
	// Timeout bounds one API call (default 15s).
	Timeout time.Duration
	// Transport replaces http.DefaultTransport.
	Transport http.RoundTripper
}

// TwilioSender sends SMS and WhatsApp messages through twilio-go.
type TwilioSender struct {
	cfg  TwilioConfig
	base *url.URL // nil: Twilio itself
}

// NewTwilioSender returns a sender for cfg, or an error when it names no
// sender for any channel.
func NewTwilioSender(cfg TwilioConfig) (*TwilioSender, error) {
	if cfg.AccountSID == "" || cfg.AuthToken == "" {
		return nil, errors.New("twilio: account SID and auth token are both needed")
	}
	if cfg.SMSFrom == "" && cfg.MessagingServiceSID == "" && cfg.WhatsAppFrom == "" {
		return nil, errors.New("twilio: set an SMS sender number, a Messaging Service SID or a WhatsApp sender")
	}
	if cfg.WhatsAppFrom != "" && !strings.HasPrefix(cfg.WhatsAppFrom, "whatsapp:") {
		cfg.WhatsAppFrom = "whatsapp:" + cfg.WhatsAppFrom
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 15 * time.Second
	}
	if cfg.Transport == nil {
		// Keep a connection per concurrent send: the default two idle ones
		// per host would make a busy worker reconnect for most messages.
		t := http.DefaultTransport.(*http.Transport).Clone()
		t.MaxIdleConnsPerHost = 32
		cfg.Transport = t
	}
	s := &TwilioSender{cfg: cfg}
	if cfg.BaseURL != "" {
		u, err := url.Parse(cfg.BaseURL)
		if err != nil || u.Host == "" {
			return nil, fmt.Errorf("twilio base URL %q", cfg.BaseURL)
		}
		s.base = u
	}
	return s, nil
}

// CanSMS reports whether an SMS sender is configured.
func (s *TwilioSender) CanSMS() bool { return s.cfg.SMSFrom != "" || s.cfg.MessagingServiceSID != "" }

// CanWhatsApp reports whether a WhatsApp sender is configured.
func (s *TwilioSender) CanWhatsApp() bool { return s.cfg.WhatsAppFrom != "" }

// String describes the account and senders, without the token.
func (s *TwilioSender) String() string {
	var from []string
	if s.cfg.MessagingServiceSID != "" {
		from = append(from, "messaging service "+s.cfg.MessagingServiceSID)
	} else if s.cfg.SMSFrom != "" {
		from = append(from, "SMS from "+s.cfg.SMSFrom)
	}
	if s.cfg.WhatsAppFrom != "" {
		from = append(from, "WhatsApp from "+s.cfg.WhatsAppFrom)
	}
	d := "Twilio " + s.cfg.AccountSID + " (" + strings.Join(from, ", ") + ")"
	if s.base != nil {
		d += " at " + s.base.String()
	}
	return d
}

// Send creates the message at Twilio and returns its SID. A WhatsApp
// message with a ContentSID goes as that approved template.
func (s *TwilioSender) Send(ctx context.Context, m *Message) (string, error) {
	p := &twapi.CreateMessageParams{}
	switch m.Channel {
	case SMS:
		p.SetTo(m.To)
		if s.cfg.MessagingServiceSID != "" {
			p.SetMessagingServiceSid(s.cfg.MessagingServiceSID)
		} else {
			p.SetFrom(s.cfg.SMSFrom)
		}
	case WhatsApp:
		p.SetTo("whatsapp:" + m.To)
		p.SetFrom(s.cfg.WhatsAppFrom)
	default:
		return "", &SendError{Permanent: true, Code: "channel", Err: fmt.Errorf("twilio cannot send %s", m.Channel)}
	}
	if m.ContentSID != "" {
		p.SetContentSid(m.ContentSID)
		if m.ContentVariables != "" {
			p.SetContentVariables(m.ContentVariables)
		}
	} else {
		p.SetBody(m.Text)
	}
	if s.cfg.StatusCallback != "" {
		p.SetStatusCallback(s.cfg.StatusCallback)
	}
	// The call's deadline is its context's, not http.Client.Timeout's: the
	// context ends when Send returns, so nothing of the call outlives it.
	ctx, cancel := context.WithTimeout(ctx, s.cfg.Timeout)
	defer cancel()
	api := twapi.NewApiServiceWithClient(s.call(ctx, m.IdempotencyKey))
	res, err := api.CreateMessage(p)
	if err != nil {
		return "", classifyTwilio(err)
	}
	if res.Sid == nil || *res.Sid == "" {
		return "", errors.New("twilio: answer without a message SID")
	}
	return *res.Sid, nil
}

// call returns a twilio-go client for one message. twilio-go builds its
// requests without a context and has no per-request headers, so this
// client carries both: the context through the transport, and the
// idempotency key as the I-Twilio-Idempotency-Token header on every
// retry of the message.
func (s *TwilioSender) call(ctx context.Context, key string) twclient.BaseClient {
	c := &twclient.Client{
		Credentials: twclient.NewCredentials(s.cfg.AccountSID, s.cfg.AuthToken),
		HTTPClient: &http.Client{
			Transport:     ctxTransport{ctx: ctx, next: s.cfg.Transport},
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		},
	}
	c.SetAccountSid(s.cfg.AccountSID)
	return &twilioCall{Client: c, base: s.base, key: key}
}

// twilioCall is twilio-go's own client with the base URL and idempotency
// header of one call.
type twilioCall struct {
	*twclient.Client
	base *url.URL
	key  string
}

// SendRequest points the request at the base URL and adds the header,
// then lets twilio-go do the rest (auth, encoding, error decoding).
func (c *twilioCall) SendRequest(method, rawURL string, data url.Values, headers map[string]any, body ...byte) (*http.Response, error) {
	if c.base != nil {
		u, err := url.Parse(rawURL)
		if err != nil {
			return nil, err
		}
		u.Scheme, u.Host = c.base.Scheme, c.base.Host
		rawURL = u.String()
	}
	if headers == nil {
		headers = map[string]any{}
	}
	headers["I-Twilio-Idempotency-Token"] = c.key
	return c.Client.SendRequest(method, rawURL, data, headers, body...)
}

// ctxTransport gives every request of a call its context, so cancelling a
// send cancels the HTTP request, and reads refusals whole.
type ctxTransport struct {
	ctx  context.Context
	next http.RoundTripper
}

// maxErrorBody bounds what is kept of a refusal: Twilio's are a few
// hundred bytes of JSON.
const maxErrorBody = 64 << 10

// RoundTrip sends r under the call's context. twilio-go decodes a
// refusal's body but never closes it, which kept each refused call's
// connection (and its goroutines) busy until the timeout: the body is
// read and closed here, so the connection goes back to the pool, and
// twilio-go reads a copy.
func (t ctxTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	res, err := t.next.RoundTrip(r.WithContext(t.ctx))
	if err != nil || (res.StatusCode >= 200 && res.StatusCode < 400) {
		return res, err
	}
	b, err := io.ReadAll(io.LimitReader(res.Body, maxErrorBody))
	res.Body.Close()
	if err != nil {
		return nil, fmt.Errorf("twilio: reading a %d answer: %w", res.StatusCode, err)
	}
	res.Body = io.NopCloser(bytes.NewReader(b))
	return res, nil
}

// Twilio error codes that settle a message for good.
const (
	twilioOptedOut = 21610 // the recipient texted STOP to this sender
)

// classifyTwilio sorts a twilio-go error: 429 and 5xx are temporary, and
// so is 401, bad credentials being the operator's to fix; other 4xx are
// permanent (21211 invalid number, 21614 not a mobile, 63016 outside
// WhatsApp's window...); 21610 also means the recipient opted out.
// Anything else (a timeout, a gateway's HTML page) is temporary.
func classifyTwilio(err error) error {
	var te *twclient.TwilioRestError
	if !errors.As(err, &te) {
		return err
	}
	code := strconv.Itoa(te.Code)
	if te.Code == 0 {
		code = strconv.Itoa(te.Status)
	}
	e := &SendError{Code: code, Err: fmt.Errorf("twilio %d: %s", te.Code, te.Message)}
	switch {
	case te.Status == http.StatusTooManyRequests || te.Code == 20429 || te.Status >= 500 || te.Status == http.StatusUnauthorized:
	case te.Code == twilioOptedOut:
		e.Permanent, e.OptedOut = true, true
	case te.Status >= 400:
		e.Permanent = true
	}
	return e
}
