// Package accounts authenticates the marketers: API keys for the JSON API,
// accounts (bcrypt) and sessions (hashed tokens) for the dashboard.
package accounts

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/sillage/sillage/migrations/storage"
)

// Errors returned by this package.
var (
	ErrUnauthorized = errors.New("missing, unknown or revoked API key")
	ErrNotFound     = errors.New("API key not found")
	ErrBadName      = errors.New("name must be 1 to 100 characters of valid UTF-8")
)

// keyPrefix marks Sillage API keys, so a leaked one is easy to recognise
// in logs and by secret scanners.
const keyPrefix = "sil_"

// Key is an API key as stored: never the key itself.
type Key struct {
	ID        int64
	Name      string
	CreatedAt time.Time
	RevokedAt *time.Time
}

// Keys stores API keys, hashed.
type Keys struct {
	db  *storage.DB
	now func() time.Time
}

// NewKeys returns a Keys on db.
func NewKeys(db *storage.DB, now func() time.Time) *Keys {
	return &Keys{db: db, now: now}
}

// Create makes a new API key named name and returns it: the only time it
// is ever shown.
func (k *Keys) Create(ctx context.Context, name string) (string, Key, error) {
	name = strings.TrimSpace(name)
	if name == "" || utf8.RuneCountInString(name) > 100 || !utf8.ValidString(name) {
		return "", Key{}, ErrBadName
	}
	var b [32]byte
	rand.Read(b[:])
	key := keyPrefix + base64.RawURLEncoding.EncodeToString(b[:])
	stored := Key{Name: name, CreatedAt: k.now().UTC()}
	// A key is shown only once its row is committed: see campaign.Store.Create.
	tx, err := k.db.Write.BeginTx(ctx, nil)
	if err != nil {
		return "", Key{}, fmt.Errorf("create API key: %w", err)
	}
	defer tx.Rollback()
	err = tx.QueryRowContext(ctx, `INSERT INTO api_keys (name, key_hash, created_at) VALUES ($1, $2, $3) RETURNING id`,
		name, hashKey(key), stored.CreatedAt.UnixMilli()).Scan(&stored.ID)
	if err != nil {
		return "", Key{}, fmt.Errorf("create API key: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return "", Key{}, fmt.Errorf("create API key: %w", err)
	}
	return key, stored, nil
}

// Authenticate returns the live key matching key, or ErrUnauthorized. The
// lookup is by hash, so no secret is compared byte by byte.
func (k *Keys) Authenticate(ctx context.Context, key string) (Key, error) {
	if !strings.HasPrefix(key, keyPrefix) || len(key) > 100 {
		return Key{}, ErrUnauthorized
	}
	var (
		found   Key
		created int64
	)
	err := k.db.Read.QueryRowContext(ctx, `SELECT id, name, created_at FROM api_keys WHERE key_hash = $1 AND revoked_at IS NULL`,
		hashKey(key)).Scan(&found.ID, &found.Name, &created)
	if errors.Is(err, sql.ErrNoRows) {
		return Key{}, ErrUnauthorized
	}
	if err != nil {
		return Key{}, fmt.Errorf("authenticate: %w", err)
	}
	found.CreatedAt = time.UnixMilli(created).UTC()
	return found, nil
}

// List returns every key, revoked ones included, oldest first.
func (k *Keys) List(ctx context.Context) ([]Key, error) {
	rows, err := k.db.Read.QueryContext(ctx, `SELECT id, name, created_at, revoked_at FROM api_keys ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("list API keys: %w", err)
	}
	defer rows.Close()
	var keys []Key
	for rows.Next() {
		var (
			key     Key
			created int64
			revoked sql.NullInt64
		)
		if err := rows.Scan(&key.ID, &key.Name, &created, &revoked); err != nil {
			return nil, err
		}
		key.CreatedAt = time.UnixMilli(created).UTC()
		if revoked.Valid {
			t := time.UnixMilli(revoked.Int64).UTC()
			key.RevokedAt = &t
		}
		keys = append(keys, key)
	}
	return keys, rows.Err()
}

// Revoke disables key id at once. It returns ErrNotFound.
func (k *Keys) Revoke(ctx context.Context, id int64) error {
	res, err := k.db.Write.ExecContext(ctx, `UPDATE api_keys SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL`,
		k.now().UTC().UnixMilli(), id)
	if err != nil {
		return fmt.Errorf("revoke API key: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ErrNotFound
	}
	return nil
}

func hashKey(key string) []byte {
	sum := sha256.Sum256([]byte(key))
	return sum[:]
}
