package accounts

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"time"

	"github.com/sillage/sillage/migrations/storage"
)

// mintKeyPrefix keys the used one-time keys of the dashboard's mint forms
// in the settings table: mint-key:HEX(SHA-256(key)).
const mintKeyPrefix = "mint-key:"

// MintKeys remembers which one-time keys of the dashboard's mint forms
// were used. They are in the database, not in one process's memory, so
// that with several instances on one database a reload of the printable
// page of links that reaches another instance than the first post mints
// nothing either. Only a key's hash is stored.
type MintKeys struct {
	db  *storage.DB
	now func() time.Time
}

// NewMintKeys returns a MintKeys on db that reads the time from now.
func NewMintKeys(db *storage.DB, now func() time.Time) *MintKeys {
	return &MintKeys{db: db, now: now}
}

// Use marks key used until expires, and reports whether it was fresh:
// of several calls with one key, on any instance, exactly one gets true
// until Release or expires.
func (k *MintKeys) Use(ctx context.Context, key string, expires time.Time) (bool, error) {
	return storage.UseOnce(ctx, k.db.Write, mintKeyName(key), k.now().UTC(), expires)
}

// Release forgets key, used for a mint that failed: the same form may be
// posted again.
func (k *MintKeys) Release(ctx context.Context, key string) error {
	return storage.ReleaseOnce(ctx, k.db.Write, mintKeyName(key))
}

func mintKeyName(key string) string {
	h := sha256.Sum256([]byte(key))
	return mintKeyPrefix + hex.EncodeToString(h[:])
}
