package gating

import (
	"context"
	"database/sql"
)

// UnlockInTx runs the real unlock of token for device inside tx, which
// the caller commits or rolls back: a test holds a claim uncommitted while
// others commit (feed_test.go).
func (s *Store) UnlockInTx(ctx context.Context, tx *sql.Tx, token string, device []byte) (*Claim, Outcome, error) {
	hash, ok := HashToken(token)
	if !ok {
		return nil, 0, ErrNotFound
	}
	return s.unlockTx(ctx, tx, hash, device, nil)
}
