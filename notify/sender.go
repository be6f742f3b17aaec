package notify

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"strings"

	"golang.org/x/time/rate"
)

// Sender sends one message through a provider.
type Sender interface {
	// Send delivers m and returns the provider's id for it. A refusal the
	// provider explains is a *SendError; any other error (a timeout, a
	// broken connection) is taken as temporary and retried.
	Send(ctx context.Context, m *Message) (providerID string, err error)
}

// SendError is a provider's refusal, classified.
type SendError struct {
	Permanent bool   // retrying cannot help: a bad address, a blocked recipient
	OptedOut  bool   // the recipient opted out at the provider: suppress the address
	Code      string // the provider's code, such as "451", "550" or "21211"
	Err       error
}

// Error says whether the refusal is temporary or permanent, and why.
func (e *SendError) Error() string {
	kind := "temporary"
	if e.Permanent {
		kind = "permanent"
	}
	return fmt.Sprintf("%s error %s: %v", kind, e.Code, e.Err)
}

// Unwrap returns the provider's error.
func (e *SendError) Unwrap() error { return e.Err }

// Permanent reports whether err is a refusal that retrying cannot change.
func Permanent(err error) bool {
	var se *SendError
	return errors.As(err, &se) && se.Permanent
}

// provider is one outside service, with its own rate limit, that may carry
// several channels (Twilio carries SMS and WhatsApp).
type provider struct {
	name   string
	sender Sender
	limit  *rate.Limiter
	dev    bool
}

// Senders routes each channel to its provider and keeps each provider
// within its rate.
type Senders struct {
	byChannel map[Channel]*provider
}

// SendersConfig configures the real senders; a provider left empty is
// replaced by the development sender.
type SendersConfig struct {
	SMTP       SMTPConfig   // SMTP.URL empty: email goes to the development sender
	Twilio     TwilioConfig // Twilio.AccountSID empty: SMS and WhatsApp go to it
	EmailRate  float64      // messages per second through SMTP; default 10
	TwilioRate float64      // messages per second through Twilio, SMS and WhatsApp together; default 10
	Logger     *slog.Logger
}

// NewSenders builds the senders cfg describes. It returns an error for a
// configuration that cannot work (a bad SMTP URL, Twilio without a sender).
func NewSenders(cfg SendersConfig) (*Senders, error) {
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	s := &Senders{byChannel: map[Channel]*provider{}}
	dev := DevSender{Logger: cfg.Logger}
	s.use("development (kept in the outbox, not sent)", dev, 0, true, Email, SMS, WhatsApp)
	if cfg.SMTP.URL != "" {
		m, err := NewSMTPSender(cfg.SMTP)
		if err != nil {
			return nil, err
		}
		s.Use(m.String(), m, orDefault(cfg.EmailRate, 10), Email)
	}
	if cfg.Twilio.AccountSID != "" {
		t, err := NewTwilioSender(cfg.Twilio)
		if err != nil {
			return nil, err
		}
		var chans []Channel
		if t.CanSMS() {
			chans = append(chans, SMS)
		}
		if t.CanWhatsApp() {
			chans = append(chans, WhatsApp)
		}
		s.Use(t.String(), t, orDefault(cfg.TwilioRate, 10), chans...)
	}
	return s, nil
}

// Use routes channels to snd, limited to perSecond messages per second
// across them (0: no limit). It replaces what routed them before.
func (s *Senders) Use(name string, snd Sender, perSecond float64, channels ...Channel) {
	s.use(name, snd, perSecond, false, channels...)
}

func (s *Senders) use(name string, snd Sender, perSecond float64, dev bool, channels ...Channel) {
	lim := rate.NewLimiter(rate.Inf, 1)
	if perSecond > 0 {
		// A second's worth of burst keeps the average without spacing
		// every message.
		lim = rate.NewLimiter(rate.Limit(perSecond), max(1, int(math.Ceil(perSecond))))
	}
	p := &provider{name: name, sender: snd, limit: lim, dev: dev}
	for _, ch := range channels {
		s.byChannel[ch] = p
	}
}

// Describe says which channel goes where, for the start-up log.
func (s *Senders) Describe() string {
	parts := make([]string, 0, len(Channels))
	for _, ch := range Channels {
		p := s.byChannel[ch]
		desc := ch.String() + ": " + p.name
		if !p.dev && p.limit.Limit() != rate.Inf {
			desc += fmt.Sprintf(", %g/s", float64(p.limit.Limit()))
		}
		parts = append(parts, desc)
	}
	return strings.Join(parts, "; ")
}

// Real reports whether ch goes to a real provider rather than the
// development sender.
func (s *Senders) Real(ch Channel) bool {
	p, ok := s.byChannel[ch]
	return ok && !p.dev
}

// wait blocks until the provider of ch may take one more message.
func (s *Senders) wait(ctx context.Context, ch Channel) error {
	p, ok := s.byChannel[ch]
	if !ok {
		return nil
	}
	return p.limit.Wait(ctx)
}

// send hands m to the provider of its channel.
func (s *Senders) send(ctx context.Context, m *Message) (string, error) {
	p, ok := s.byChannel[m.Channel]
	if !ok {
		return "", &SendError{Permanent: true, Code: "channel", Err: fmt.Errorf("no sender for channel %q", m.Channel)}
	}
	return p.sender.Send(ctx, m)
}

// String returns the channel's name.
func (c Channel) String() string { return string(c) }

// DevSender sends nothing: it logs the message, which stays in the outbox
// with the status Kept, so a demo works offline and `sillage outbox` shows
// the links.
type DevSender struct {
	Logger *slog.Logger
}

// Send logs m and returns a provider id of its own.
func (d DevSender) Send(ctx context.Context, m *Message) (string, error) {
	d.Logger.InfoContext(ctx, "development sender: message kept, not sent",
		"id", m.ID, "channel", m.Channel, "to", m.To, "subject", m.Subject, "text", m.Text)
	return "dev-" + m.IdempotencyKey, nil
}

func orDefault(v, def float64) float64 {
	if v == 0 {
		return def
	}
	return v
}
