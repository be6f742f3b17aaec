package notify

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"

	"github.com/sillage/sillage/gating/publicurl"
)

// Unsubscribe tokens are the message's idempotency key and an HMAC of it:
// nothing more to store, the worker recomputes the link for the
// List-Unsubscribe header, and knowing a Message-ID (which is the key, and
// travels in replies) is not enough to unsubscribe someone.

const unsubscribeKeyName = "unsubscribe"

// unsubscribeKey returns the installation's HMAC key, creating it on first
// use, so unsubscribe links work with no configuration and survive restarts.
func (s *Store) unsubscribeKey(ctx context.Context) ([]byte, error) {
	s.keyMu.Lock()
	defer s.keyMu.Unlock()
	if s.key != nil {
		return s.key, nil
	}
	fresh := make([]byte, 32)
	rand.Read(fresh)
	// Insert unless present, then read what is there: two instances
	// starting together agree on one key.
	_, err := s.db.Write.ExecContext(ctx, `INSERT INTO notify_keys (name, value, created_at)
		VALUES ($1, $2, $3) ON CONFLICT (name) DO NOTHING`, unsubscribeKeyName, fresh, millis(s.now()))
	if err != nil {
		return nil, fmt.Errorf("unsubscribe key: %w", err)
	}
	var key []byte
	if err := s.db.Write.QueryRowContext(ctx, `SELECT value FROM notify_keys WHERE name = $1`, unsubscribeKeyName).Scan(&key); err != nil {
		return nil, fmt.Errorf("unsubscribe key: %w", err)
	}
	s.key = key
	return key, nil
}

func unsubscribeToken(key []byte, idempotencyKey string) string {
	return idempotencyKey + "." + base64.RawURLEncoding.EncodeToString(unsubscribeMAC(key, idempotencyKey))
}

func unsubscribeMAC(key []byte, idempotencyKey string) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte("unsubscribe\x00" + idempotencyKey))
	return m.Sum(nil)[:16]
}

// unsubscribeURL is the link of the message with idempotencyKey. It takes
// the key rather than loading it: callers hold the only write connection
// inside a transaction.
func (s *Store) unsubscribeURL(key []byte, idempotencyKey string) string {
	return publicurl.Unsubscribe(s.cfg.BaseURL, unsubscribeToken(key, idempotencyKey))
}

// checkToken returns the idempotency key a token signs, or ErrNotFound.
func (s *Store) checkToken(ctx context.Context, token string) (string, error) {
	idem, sig, ok := strings.Cut(token, ".")
	mac, err := base64.RawURLEncoding.DecodeString(sig)
	if !ok || err != nil || idem == "" {
		return "", ErrNotFound
	}
	key, err := s.unsubscribeKey(ctx)
	if err != nil {
		return "", err
	}
	if !hmac.Equal(mac, unsubscribeMAC(key, idem)) {
		return "", ErrNotFound
	}
	return idem, nil
}

// UnsubscribeTarget returns, masked (a***@example.com), the address an
// unsubscribe token would put on the opt-out list: for the confirmation
// page a GET shows, since mail scanners follow every link with GET. It
// returns ErrNotFound for a forged or unknown token.
func (s *Store) UnsubscribeTarget(ctx context.Context, token string) (string, error) {
	idem, err := s.checkToken(ctx, token)
	if err != nil {
		return "", err
	}
	var recipient string
	err = s.db.Read.QueryRowContext(ctx, `SELECT recipient FROM messages WHERE idempotency_key = $1`, idem).Scan(&recipient)
	if errors.Is(err, sql.ErrNoRows) {
		return "", ErrNotFound
	}
	if err != nil {
		return "", fmt.Errorf("unsubscribe: %w", err)
	}
	return Mask(recipient), nil
}

// Unsubscribe puts the recipient of the message a token was made for on
// the opt-out list: the one-click POST of RFC 8058, or the confirmation of
// the page. Unsubscribing twice is not an error. It returns ErrNotFound for
// a forged or unknown token.
func (s *Store) Unsubscribe(ctx context.Context, token string) error {
	idem, err := s.checkToken(ctx, token)
	if err != nil {
		return err
	}
	tx, err := s.db.Write.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	var recipient string
	var ch Channel
	err = tx.QueryRowContext(ctx, `SELECT recipient, channel FROM messages WHERE idempotency_key = $1`, idem).Scan(&recipient, &ch)
	if errors.Is(err, sql.ErrNoRows) {
		return ErrNotFound
	}
	if err != nil {
		return fmt.Errorf("unsubscribe: %w", err)
	}
	if err := suppressTx(ctx, tx, recipient, ch, "unsubscribe link", millis(s.now())); err != nil {
		return err
	}
	return tx.Commit()
}

// Mask hides most of an address: a***@example.com, +33******78. Pages
// that others may see over a shoulder show addresses masked.
func Mask(addr string) string {
	if at := strings.LastIndexByte(addr, '@'); at > 0 {
		return addr[:1] + "***" + addr[at:]
	}
	if len(addr) > 5 {
		return addr[:3] + strings.Repeat("*", len(addr)-5) + addr[len(addr)-2:]
	}
	return addr
}
