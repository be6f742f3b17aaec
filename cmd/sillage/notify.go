package main

import (
	"log/slog"
	"net"
	"net/url"
	"path/filepath"
	"time"

	"github.com/sillage/sillage/gating/publicurl"
	"github.com/sillage/sillage/migrations"
	"github.com/sillage/sillage/notify"
)

// newNotifyStore opens the deliveries' store; cfg.BaseURL must be set for
// a store that queues messages (they carry unsubscribe links).
func newNotifyStore(db *migrations.DB, cfg *config, log *slog.Logger) (*notify.Store, error) {
	key, err := bodyKey(cfg.DataDir)
	if err != nil {
		return nil, err
	}
	var base string
	if cfg.BaseURL != nil {
		base = cfg.BaseURL.String()
	}
	return notify.NewStore(db, notify.Config{
		Now:           time.Now,
		BaseURL:       base,
		DefaultRegion: cfg.Notify.DefaultRegion,
		Logger:        log,
		BodyKey:       key,
	}), nil
}

// bodyKey reads the key that seals queued message bodies (they carry live
// links) from DATA_DIR/body.key, creating it on first use: it lives
// outside the database, so a copy of the database reveals no link.
func bodyKey(dataDir string) ([]byte, error) {
	return notify.BodyKeyFile(filepath.Join(dataDir, "body.key"))
}

// newSenders builds the senders the environment configures; channels
// left out go to the development sender. Twilio is told to post status
// changes to BASE_URL/hooks/twilio/status.
func newSenders(cfg *config, log *slog.Logger) (*notify.Senders, error) {
	n := cfg.Notify
	if n.TwilioAccountSID != "" && isLocal(cfg.BaseURL) {
		log.Warn("Twilio cannot reach the status callback at a local base URL: set -base-url to the public address",
			"base_url", cfg.BaseURL.String())
	}
	return notify.NewSenders(notify.SendersConfig{
		SMTP: notify.SMTPConfig{URL: n.SMTPURL, From: n.EmailFrom},
		Twilio: notify.TwilioConfig{
			AccountSID:          n.TwilioAccountSID,
			AuthToken:           n.TwilioAuthToken,
			SMSFrom:             n.SMSFrom,
			MessagingServiceSID: n.MessagingServiceSID,
			WhatsAppFrom:        n.WhatsAppFrom,
			StatusCallback:      publicurl.Join(cfg.BaseURL.String(), "/hooks/twilio/status"),
		},
		EmailRate:  n.EmailRate,
		TwilioRate: n.TwilioRate,
		Logger:     log,
	})
}

// isLocal reports whether u names this machine or a private network,
// which Twilio cannot call back.
func isLocal(u *url.URL) bool {
	host := u.Hostname()
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && (ip.IsLoopback() || ip.IsPrivate() || ip.IsUnspecified())
}
