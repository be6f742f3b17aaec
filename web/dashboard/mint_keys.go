package dashboard

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"strconv"
	"strings"
	"time"
)

// A reload of the printable page of links posts the mint form again: the
// browser asks, the marketer says yes, and without a guard a new batch
// of links would be minted, the first one lost (only fingerprints are
// stored, so it cannot be shown again). The seeding page gives its mint
// form a one-time key; a second post of the same key mints nothing.
//
// The keys used are kept in the database (Config.MintKeys, accounts.MintKeys),
// not in this process: with several instances on one database, the reload
// may reach another instance than the first post, and it must know the
// key was used. A form issued by one instance is good on every other.

// mintKeyLife is how long a mint form's key is good for. Keys used are
// remembered that long, and no longer: an older key is refused anyway.
const mintKeyLife = 12 * time.Hour

// MintKeys remembers the one-time keys of the mint forms used (accounts.MintKeys).
type MintKeys interface {
	// Use marks key used until expires and reports whether it was fresh.
	Use(ctx context.Context, key string, expires time.Time) (bool, error)
	// Release forgets key, so that its form may be posted again.
	Release(ctx context.Context, key string) error
}

// mintKeyState is what a key posted with the mint form allows.
type mintKeyState int

const (
	mintKeyFresh   mintKeyState = iota // never used: mint
	mintKeyUsed                        // its links were minted already
	mintKeyExpired                     // too old, or not one of ours
)

// newMintKey returns a key for one mint form issued at now: the issue
// time in seconds, a dot, 16 random bytes.
func newMintKey(now time.Time) string {
	var b [16]byte
	rand.Read(b[:])
	return strconv.FormatInt(now.Unix(), 10) + "." + base64.RawURLEncoding.EncodeToString(b[:])
}

// useMintKey marks key used at now and says what it allows.
func (h *Handler) useMintKey(ctx context.Context, key string) (mintKeyState, error) {
	now := h.cfg.Now()
	at, ok := mintKeyTime(key)
	if !ok || now.Sub(at) > mintKeyLife || at.After(now.Add(time.Minute)) {
		return mintKeyExpired, nil
	}
	fresh, err := h.cfg.MintKeys.Use(ctx, key, at.Add(mintKeyLife))
	switch {
	case err != nil:
		return 0, err
	case !fresh:
		return mintKeyUsed, nil
	}
	return mintKeyFresh, nil
}

// mintKeyTime reads the issue time of a key as newMintKey writes it.
func mintKeyTime(key string) (time.Time, bool) {
	sec, random, ok := strings.Cut(key, ".")
	if !ok || len(random) != 22 {
		return time.Time{}, false
	}
	n, err := strconv.ParseInt(sec, 10, 64)
	if err != nil || n <= 0 {
		return time.Time{}, false
	}
	return time.Unix(n, 0), true
}
