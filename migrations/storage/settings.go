package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Execer is what both *sql.DB and *sql.Tx offer, so that a setting can be
// read or written inside a caller's transaction.
type Execer interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// Setting returns the value stored under key, and false when there is
// none or it expired before now.
func Setting(ctx context.Context, q Execer, key string, now time.Time) (string, bool, error) {
	var value string
	err := q.QueryRowContext(ctx, `SELECT value FROM settings
		WHERE key = $1 AND (expires_at IS NULL OR expires_at > $2)`, key, now.UnixMilli()).Scan(&value)
	if errors.Is(err, sql.ErrNoRows) {
		return "", false, nil
	}
	if err != nil {
		return "", false, fmt.Errorf("setting %s: %w", key, err)
	}
	return value, true, nil
}

// PutSetting stores value under key, replacing any earlier value, until
// expires (the zero time: for good).
func PutSetting(ctx context.Context, q Execer, key, value string, now, expires time.Time) error {
	var exp sql.NullInt64
	if !expires.IsZero() {
		exp = sql.NullInt64{Int64: expires.UnixMilli(), Valid: true}
	}
	_, err := q.ExecContext(ctx, `INSERT INTO settings (key, value, updated_at, expires_at) VALUES ($1, $2, $3, $4)
		ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at, expires_at = excluded.expires_at`,
		key, value, now.UnixMilli(), exp)
	if err != nil {
		return fmt.Errorf("setting %s: %w", key, err)
	}
	return nil
}

// DeleteSettings removes every setting whose key starts with prefix.
func DeleteSettings(ctx context.Context, q Execer, prefix string) error {
	// LIKE would need its wildcards escaped: a range on the key is exact.
	if _, err := q.ExecContext(ctx, `DELETE FROM settings WHERE key >= $1 AND key < $2`,
		prefix, prefix+string(rune(0x10FFFF))); err != nil {
		return fmt.Errorf("settings %s*: %w", strings.TrimSpace(prefix), err)
	}
	return nil
}
