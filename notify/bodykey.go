package notify

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/sillage/sillage/migrations/storage"
)

// ErrBodyKeyMismatch is returned by CheckBodyKey when the store's body key
// is not the one the database's sealed bodies were sealed with.
var ErrBodyKeyMismatch = errors.New("this instance's body key is not the one the database's messages are sealed with")

// bodyKeyIDSetting names the settings row that holds the body key's
// fingerprint: never the key, which lives outside the database.
const bodyKeyIDSetting = "body-key-id"

// zeroTime is a time that never expires a setting.
var zeroTime time.Time

// ParseBodyKey reads a body key written as text: the base64 of its
// BodyKeySize bytes (what `head -c32 /dev/urandom | base64` prints) or
// their 64 hex digits (`openssl rand -hex 32`). Spaces around it are
// ignored.
func ParseBodyKey(s string) ([]byte, error) {
	s = strings.TrimSpace(s)
	var key []byte
	var err error
	if len(s) == 2*BodyKeySize {
		key, err = hex.DecodeString(s)
	} else {
		key, err = base64.StdEncoding.DecodeString(s)
		if err != nil {
			key, err = base64.RawStdEncoding.DecodeString(s)
		}
	}
	if err != nil || len(key) != BodyKeySize {
		return nil, fmt.Errorf("body key: want %d bytes in base64 (44 characters) or hex (64 digits), such as `head -c32 /dev/urandom | base64` prints", BodyKeySize)
	}
	return key, nil
}

// ReadBodyKeyFile returns the body key held by the file at path, which
// must exist: a mounted secret is never made up. The file holds the
// key's BodyKeySize bytes, as DATA_DIR/body.key does, or their base64 or
// hex (see ParseBodyKey).
func ReadBodyKeyFile(path string) ([]byte, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("body key: %w", err)
	}
	if len(b) == BodyKeySize {
		return b, nil
	}
	key, err := ParseBodyKey(string(b))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return key, nil
}

// bodyKeyID is the key's fingerprint: an HMAC under a fixed label, which
// tells two keys apart and reveals nothing of either.
func bodyKeyID(key []byte) string {
	m := hmac.New(sha256.New, key)
	m.Write([]byte("sillage body key id"))
	return hex.EncodeToString(m.Sum(nil)[:16])
}

// CheckBodyKey makes sure the store's body key is the one every other
// instance on the database uses. The first check records the key's
// fingerprint in the database, after opening a sealed body with it if
// there is one; every later check compares. It returns an error wrapping
// ErrBodyKeyMismatch when the key differs, when sealed bodies exist and
// the store has no key, or when they cannot be opened with its key: such
// an instance would queue messages the others cannot open, or the
// reverse.
func (s *Store) CheckBodyKey(ctx context.Context) error {
	if s.sealer == nil {
		inUse, err := BodyKeyInUse(ctx, s.db)
		if err != nil {
			return err
		}
		if inUse {
			return fmt.Errorf("%w: the database holds sealed messages, and no body key is configured", ErrBodyKeyMismatch)
		}
		return nil
	}
	id := bodyKeyID(s.sealer.key)
	got, ok, err := storage.Setting(ctx, s.db.Read, bodyKeyIDSetting, s.now())
	if err != nil {
		return fmt.Errorf("body key: %w", err)
	}
	if !ok {
		if got, err = s.recordBodyKey(ctx, id); err != nil {
			return err
		}
	}
	if got != id {
		return fmt.Errorf("%w (its fingerprint is %s, the database's %s): give every instance the same SILLAGE_BODY_KEY or SILLAGE_BODY_KEY_FILE", ErrBodyKeyMismatch, id, got)
	}
	return nil
}

// recordBodyKey checks that the key opens a sealed body, if any, then
// records its fingerprint unless another instance recorded one first, and
// returns the fingerprint recorded.
func (s *Store) recordBodyKey(ctx context.Context, id string) (string, error) {
	tx, err := s.db.Write.BeginTx(ctx, nil)
	if err != nil {
		return "", fmt.Errorf("body key: %w", err)
	}
	defer tx.Rollback()
	sealed, err := aSealedBody(ctx, tx)
	if err != nil {
		return "", err
	}
	if sealed != "" {
		if _, err := s.sealer.open(sealed); err != nil {
			return "", fmt.Errorf("%w: the database holds messages it cannot open (%v)", ErrBodyKeyMismatch, err)
		}
	}
	got, err := storage.AddSetting(ctx, tx, bodyKeyIDSetting, id, s.now(), zeroTime)
	if err != nil {
		return "", fmt.Errorf("body key: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return "", fmt.Errorf("body key: %w", err)
	}
	return got, nil
}

// BodyKeyInUse reports whether db's messages were sealed with a body key:
// a key's fingerprint is recorded, or a sealed body is there. A missing key
// file must then not be replaced by a new key.
func BodyKeyInUse(ctx context.Context, db *storage.DB) (bool, error) {
	_, ok, err := storage.Setting(ctx, db.Read, bodyKeyIDSetting, zeroTime)
	if err != nil || ok {
		return ok, err
	}
	sealed, err := aSealedBody(ctx, db.Read)
	return sealed != "", err
}

// aSealedBody returns one sealed message body, or "" when none is.
func aSealedBody(ctx context.Context, q querier) (string, error) {
	var v string
	err := q.QueryRowContext(ctx, `SELECT CASE WHEN body_text LIKE 'sealed:%' THEN body_text ELSE content_variables END
		FROM messages WHERE body_text LIKE 'sealed:%' OR content_variables LIKE 'sealed:%' LIMIT 1`).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("body key: sealed messages: %w", err)
	}
	return v, nil
}
