package accounts

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/sillage/sillage/migrations/storage"
)

// Sessions keeps the dashboard's sessions in the database for
// github.com/alexedwards/scs/v2: it implements scs.Store and scs.CtxStore.
// Like share tokens and API keys, a session token is stored only as its
// SHA-256, so a copy of the database opens no session.
type Sessions struct {
	db  *storage.DB
	now func() time.Time
}

// NewSessions returns a Sessions on db. now must be the clock scs sets
// expiries with, the wall clock (time.Now).
func NewSessions(db *storage.DB, now func() time.Time) *Sessions {
	return &Sessions{db: db, now: now}
}

// FindCtx returns the data of the session token, found false when it is
// unknown or expired.
func (s *Sessions) FindCtx(ctx context.Context, token string) ([]byte, bool, error) {
	var data []byte
	err := s.db.Read.QueryRowContext(ctx, `SELECT data FROM sessions WHERE token_hash = $1 AND expiry > $2`,
		hashKey(token), s.now().UnixMilli()).Scan(&data)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("find session: %w", err)
	}
	return data, true, nil
}

// CommitCtx stores the data of session token until expiry.
//
// Expired sessions are dropped by DeleteExpired, which the server runs
// hourly on one instance (cmd/sillage/housekeeping.go), not here: with
// several instances, every commit of every instance deleting the same
// rows would contend for nothing.
func (s *Sessions) CommitCtx(ctx context.Context, token string, data []byte, expiry time.Time) error {
	if _, err := s.db.Write.ExecContext(ctx, `INSERT INTO sessions (token_hash, data, expiry) VALUES ($1, $2, $3)
		ON CONFLICT (token_hash) DO UPDATE SET data = excluded.data, expiry = excluded.expiry`,
		hashKey(token), data, expiry.UnixMilli()); err != nil {
		return fmt.Errorf("commit session: %w", err)
	}
	return nil
}

// DeleteExpired drops the sessions that have expired, and returns how
// many. FindCtx never returns one, so when it runs does not matter.
func (s *Sessions) DeleteExpired(ctx context.Context) (int64, error) {
	res, err := s.db.Write.ExecContext(ctx, `DELETE FROM sessions WHERE expiry <= $1`, s.now().UnixMilli())
	if err != nil {
		return 0, fmt.Errorf("drop expired sessions: %w", err)
	}
	return res.RowsAffected()
}

// DeleteCtx removes session token; an unknown token is no error.
func (s *Sessions) DeleteCtx(ctx context.Context, token string) error {
	if _, err := s.db.Write.ExecContext(ctx, `DELETE FROM sessions WHERE token_hash = $1`, hashKey(token)); err != nil {
		return fmt.Errorf("delete session: %w", err)
	}
	return nil
}

// Find is FindCtx without a context, for scs.Store.
func (s *Sessions) Find(token string) ([]byte, bool, error) {
	return s.FindCtx(context.Background(), token)
}

// Commit is CommitCtx without a context, for scs.Store.
func (s *Sessions) Commit(token string, data []byte, expiry time.Time) error {
	return s.CommitCtx(context.Background(), token, data, expiry)
}

// Delete is DeleteCtx without a context, for scs.Store.
func (s *Sessions) Delete(token string) error {
	return s.DeleteCtx(context.Background(), token)
}
