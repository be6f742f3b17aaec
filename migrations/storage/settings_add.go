package storage

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// AddSetting stores value under key unless the value already there expires
// no earlier than expires (or never does), and returns the value key holds
// afterwards. Two processes adding under one key at once both get the
// same value back, whichever wrote it. The zero expires never expires: the
// first value added stays.
func AddSetting(ctx context.Context, q Execer, key, value string, now, expires time.Time) (string, error) {
	var exp sql.NullInt64
	if !expires.IsZero() {
		exp = sql.NullInt64{Int64: expires.UnixMilli(), Valid: true}
	}
	// A NULL comparison is not true: a value that never expires stays.
	if _, err := q.ExecContext(ctx, `INSERT INTO settings (key, value, updated_at, expires_at) VALUES ($1, $2, $3, $4)
		ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at, expires_at = excluded.expires_at
		WHERE settings.expires_at < excluded.expires_at`,
		key, value, now.UnixMilli(), exp); err != nil {
		return "", fmt.Errorf("setting %s: %w", key, err)
	}
	var got string
	if err := q.QueryRowContext(ctx, `SELECT value FROM settings WHERE key = $1`, key).Scan(&got); err != nil {
		return "", fmt.Errorf("setting %s: %w", key, err)
	}
	return got, nil
}

// DropExpiredSetting deletes the value under key if it expired at or
// before now, and leaves a live one alone.
func DropExpiredSetting(ctx context.Context, q Execer, key string, now time.Time) error {
	if _, err := q.ExecContext(ctx, `DELETE FROM settings WHERE key = $1 AND expires_at <= $2`,
		key, now.UnixMilli()); err != nil {
		return fmt.Errorf("setting %s: %w", key, err)
	}
	return nil
}
