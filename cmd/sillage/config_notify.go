package main

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/sillage/sillage/notify"
)

// notifyConfig configures the deliveries, from the environment only: it
// holds secrets, which flags would show to anyone running ps.
type notifyConfig struct {
	SMTPURL             string  // SILLAGE_SMTP_URL; empty: email goes to the development sender
	EmailFrom           string  // SILLAGE_EMAIL_FROM
	TwilioAccountSID    string  // TWILIO_ACCOUNT_SID; empty: SMS and WhatsApp go to the development sender
	TwilioAuthToken     string  // TWILIO_AUTH_TOKEN, also the key of callback signatures
	SMSFrom             string  // SILLAGE_TWILIO_SMS_FROM
	MessagingServiceSID string  // SILLAGE_TWILIO_MESSAGING_SERVICE_SID
	WhatsAppFrom        string  // SILLAGE_TWILIO_WHATSAPP_FROM
	EmailRate           float64 // SILLAGE_EMAIL_RATE, messages per second
	TwilioRate          float64 // SILLAGE_TWILIO_RATE, messages per second
	DefaultRegion       string  // SILLAGE_DEFAULT_REGION, for phone numbers without +country
	WorkerID            string  // SILLAGE_WORKER_ID

	// The key that seals queued bodies, the same on every instance on one
	// database: SILLAGE_BODY_KEY (base64 or hex, a secret) or the file
	// SILLAGE_BODY_KEY_FILE names; neither: DATA_DIR/body.key, made on
	// first use.
	BodyKey     []byte
	BodyKeyFile string
}

// parseNotify reads the deliveries' configuration from the environment.
func parseNotify(getenv func(string) string) (notifyConfig, error) {
	n := notifyConfig{
		SMTPURL:             getenv("SILLAGE_SMTP_URL"),
		EmailFrom:           getenv("SILLAGE_EMAIL_FROM"),
		TwilioAccountSID:    getenv("TWILIO_ACCOUNT_SID"),
		TwilioAuthToken:     getenv("TWILIO_AUTH_TOKEN"),
		SMSFrom:             getenv("SILLAGE_TWILIO_SMS_FROM"),
		MessagingServiceSID: getenv("SILLAGE_TWILIO_MESSAGING_SERVICE_SID"),
		WhatsAppFrom:        getenv("SILLAGE_TWILIO_WHATSAPP_FROM"),
		DefaultRegion:       getenv("SILLAGE_DEFAULT_REGION"),
		WorkerID:            getenv("SILLAGE_WORKER_ID"),
		BodyKeyFile:         getenv("SILLAGE_BODY_KEY_FILE"),
	}
	if v := getenv("SILLAGE_BODY_KEY"); v != "" {
		if n.BodyKeyFile != "" {
			return n, errors.New("SILLAGE_BODY_KEY and SILLAGE_BODY_KEY_FILE are both set: set one")
		}
		key, err := notify.ParseBodyKey(v)
		if err != nil {
			return n, fmt.Errorf("SILLAGE_BODY_KEY: %w", err) // never the value: a secret
		}
		n.BodyKey = key
	}
	for _, r := range []struct {
		name string
		dst  *float64
	}{{"SILLAGE_EMAIL_RATE", &n.EmailRate}, {"SILLAGE_TWILIO_RATE", &n.TwilioRate}} {
		v := getenv(r.name)
		if v == "" {
			continue
		}
		f, err := strconv.ParseFloat(v, 64)
		if err != nil || f <= 0 || math.IsInf(f, 0) {
			return n, fmt.Errorf("%s %q: want messages per second, such as 10 or 0.5", r.name, v)
		}
		*r.dst = f
	}
	if r := n.DefaultRegion; r != "" && !twoLetters(r) {
		return n, fmt.Errorf("SILLAGE_DEFAULT_REGION %q: want a two-letter country code such as FR", r)
	}
	return n, nil
}

func twoLetters(s string) bool {
	return len(s) == 2 && strings.IndexFunc(s, func(r rune) bool {
		return (r < 'A' || r > 'Z') && (r < 'a' || r > 'z')
	}) < 0
}
