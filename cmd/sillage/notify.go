package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"time"

	"github.com/sillage/sillage/gating/publicurl"
	"github.com/sillage/sillage/migrations/storage"
	"github.com/sillage/sillage/notify"
)

// newNotifyStore opens the deliveries' store; cfg.BaseURL must be set for
// a store that queues messages (they carry unsubscribe links). It refuses
// a body key other than the one the database's messages are sealed with.
func newNotifyStore(ctx context.Context, db *storage.DB, cfg *config, log *slog.Logger) (*notify.Store, error) {
	key, err := bodyKey(ctx, db, cfg)
	if err != nil {
		return nil, err
	}
	var base string
	if cfg.BaseURL != nil {
		base = cfg.BaseURL.String()
	}
	store := notify.NewStore(db, notify.Config{
		Now:           time.Now,
		BaseURL:       base,
		DefaultRegion: cfg.Notify.DefaultRegion,
		Logger:        log,
		BodyKey:       key,
	})
	if err := store.CheckBodyKey(ctx); err != nil {
		return nil, err
	}
	return store, nil
}

// bodyKey returns the key that seals queued message bodies (they carry
// live links). It lives outside the database, so a copy of the database
// reveals no link: SILLAGE_BODY_KEY, else the file SILLAGE_BODY_KEY_FILE
// names, else DATA_DIR/body.key, made on first use; but not remade when
// the database's messages are sealed with a key already, which would
// leave them unreadable.
func bodyKey(ctx context.Context, db *storage.DB, cfg *config) ([]byte, error) {
	switch {
	case cfg.Notify.BodyKey != nil:
		return cfg.Notify.BodyKey, nil
	case cfg.Notify.BodyKeyFile != "":
		return notify.ReadBodyKeyFile(cfg.Notify.BodyKeyFile)
	}
	path := filepath.Join(cfg.DataDir, "body.key")
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		inUse, err := notify.BodyKeyInUse(ctx, db)
		if err != nil {
			return nil, err
		}
		if inUse {
			return nil, fmt.Errorf("%w: %s is missing; restore it from a backup, or set SILLAGE_BODY_KEY or SILLAGE_BODY_KEY_FILE to the key the other instances use",
				notify.ErrBodyKeyMismatch, path)
		}
	}
	return notify.BodyKeyFile(path)
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
