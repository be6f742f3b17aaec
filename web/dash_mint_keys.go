package web

import (
	"crypto/rand"
	"encoding/base64"
	"strconv"
	"strings"
	"sync"
	"time"
)

// A reload of the printable page of links posts the mint form again: the
// browser asks, the marketer says yes, and without a guard a new batch
// of links would be minted, the first one lost (only fingerprints are
// stored, so it cannot be shown again). The seeding page gives its mint
// form a one-time key; a second post of the same key mints nothing.

// mintKeyLife is how long a mint form's key is good for. Keys used are
// remembered that long, and no longer: an older key is refused anyway.
const mintKeyLife = 12 * time.Hour

// mintKeys remembers the keys of the mint forms already used, in memory.
// It forgets them when the server restarts, so a key issued before the
// server started is refused: a reload across a restart mints nothing
// either. The zero value is ready to use.
type mintKeys struct {
	mu   sync.Mutex
	used map[string]time.Time // by key, when it was issued
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

// use marks key used at now and says what it allows. Keys issued before
// started are refused: the server does not remember what they minted.
func (k *mintKeys) use(key string, now, started time.Time) mintKeyState {
	at, ok := mintKeyTime(key)
	if !ok || at.Before(started.Truncate(time.Second)) || now.Sub(at) > mintKeyLife || at.After(now.Add(time.Minute)) {
		return mintKeyExpired
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	if _, ok := k.used[key]; ok {
		return mintKeyUsed
	}
	if k.used == nil {
		k.used = map[string]time.Time{}
	}
	for old, t := range k.used {
		if now.Sub(t) > mintKeyLife {
			delete(k.used, old)
		}
	}
	k.used[key] = at
	return mintKeyFresh
}

// release forgets key, used for a mint that failed: the same form may be
// posted again.
func (k *mintKeys) release(key string) {
	k.mu.Lock()
	defer k.mu.Unlock()
	delete(k.used, key)
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
