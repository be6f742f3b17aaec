package main

import (
	"log/slog"
	"net"
	"net/url"
	"path/filepath"
	"strings"
	"time"

	"github.com/sillage/sillage/migrations"
	"github.com/sillage/sillage/notify"
)

// newNotifyStore opens the deliveries' store; cfg.BaseURL must be set.
func newNotifyStore(db *migrations.DB, cfg *config, log *slog.Logger) (*notify.Store, error) {
	key, err := bodyKey(cfg.DataDir)
	if err != nil {
		return nil, err
	}
	return notify.NewStore(db, notify.Config{
		Now:           time.Now,
		BaseURL:       cfg.BaseURL.String(),
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
			StatusCallback:      strings.TrimSuffix(cfg.BaseURL.String(), "/") + "/hooks/twilio/status",
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

// publicURL is the base URL links carry when a command runs without the
// server: the one configured, or http:// and the address the server
// listens on ("localhost" for every interface).
func publicURL(cfg *config) *url.URL {
	if cfg.BaseURL != nil {
		return cfg.BaseURL
	}
	host, port, err := net.SplitHostPort(cfg.Addr)
	if err != nil {
		return &url.URL{Scheme: "http", Host: cfg.Addr}
	}
	if ip := net.ParseIP(host); host == "" || (ip != nil && ip.IsUnspecified()) {
		host = "localhost"
	}
	return &url.URL{Scheme: "http", Host: net.JoinHostPort(host, port)}
}
