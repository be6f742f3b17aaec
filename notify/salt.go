package notify

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/sillage/sillage/migrations/storage"
)

// networkSaltSetting names the settings row of the day's network salt.
// One row, replaced when the day changes: a past day's salt is not kept.
const networkSaltSetting = "network-salt"

// errNoSaltKey is NetworkSalt's error on a store without a body key: the
// salt would be stored in clear.
var errNoSaltKey = errors.New("network salt: no body key to seal it with")

// NetworkSalt returns the salt of day (days since the Unix epoch, UTC)
// that every instance on the database hashes client networks with: the
// first instance to ask makes it, the others read it back. It is stored
// sealed with the body key (the hash of an IPv4 address is found by trying
// them all once the salt is known, so a copy of the database alone must
// not give it), and replaces the salt of the day before, which is gone
// from then on. An instance whose clock is already past day gets the
// later day's salt, so that all keep hashing alike. It fails on a store
// without a body key.
func (s *Store) NetworkSalt(ctx context.Context, day int64) ([32]byte, error) {
	var salt [32]byte
	if s.sealer == nil {
		return salt, errNoSaltKey
	}
	rand.Read(salt[:])
	value := s.sealer.seal(strconv.FormatInt(day, 10) + ":" + base64.RawStdEncoding.EncodeToString(salt[:]))
	tx, err := s.db.Write.BeginTx(ctx, nil)
	if err != nil {
		return salt, fmt.Errorf("network salt: %w", err)
	}
	defer tx.Rollback()
	end := time.Unix((day+1)*86400, 0)
	stored, err := storage.AddSetting(ctx, tx, networkSaltSetting, value, s.now(), end)
	if err != nil {
		return salt, fmt.Errorf("network salt: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return salt, fmt.Errorf("network salt: %w", err)
	}
	return s.openSalt(stored)
}

// openSalt reads a sealed salt row back.
func (s *Store) openSalt(value string) ([32]byte, error) {
	var salt [32]byte
	plain, err := s.sealer.open(value)
	if err != nil {
		return salt, fmt.Errorf("network salt: %w", err)
	}
	_, b64, ok := strings.Cut(plain, ":")
	b, err := base64.RawStdEncoding.DecodeString(b64)
	if !ok || err != nil || len(b) != len(salt) || !strings.HasPrefix(value, sealPrefix) {
		return salt, errors.New("network salt: malformed stored value")
	}
	copy(salt[:], b)
	return salt, nil
}

// ForgetNetworkSalts deletes the network salt once its day is over, every
// interval until ctx is done, so that a past day's salt is gone even when
// no request came since to replace it.
func (s *Store) ForgetNetworkSalts(ctx context.Context, interval time.Duration) {
	tick := time.NewTicker(interval)
	defer tick.Stop()
	for {
		if err := storage.DropExpiredSetting(ctx, s.db.Write, networkSaltSetting, s.now()); err != nil && ctx.Err() == nil {
			s.log.ErrorContext(ctx, "forget the past day's network salt", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}
