package accounts

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"strings"
	"time"

	"github.com/sillage/sillage/migrations/storage"
)

// ErrSetupCode is returned by CreateFirst for a setup code that is wrong,
// expired or missing; its message is safe to show.
var ErrSetupCode = errors.New("wrong or expired setup code: the server prints it in its log when it starts with no account")

// SetupCodeLifetime is how long a setup code opens the setup page.
const SetupCodeLifetime = 24 * time.Hour

// setupCodePrefix keys the setup codes' hashes in the settings table:
// setup_code/HEX(SHA-256(code)). They are in the database, not in one
// process's memory, so that with several instances on one database the
// code one of them printed works whichever instance the form reaches.
const setupCodePrefix = "setup_code/"

// setupAlphabet leaves out 0, 1, I and O, which read alike: 32 symbols,
// 5 bits each, 40 bits a code, against 5 guesses per network every 15
// minutes (the sign-in limiter counts wrong codes).
const setupAlphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"

// NewSetupCode returns a one-time code, such as "K7QM-3XRD", that the
// setup page asks for before it makes the first account: whoever opens
// the page first must prove they can read the server's log. Only the
// code's hash is stored, for SetupCodeLifetime; each call adds one code
// (each instance prints its own). It returns "" once an account exists.
func (u *Users) NewSetupCode(ctx context.Context) (string, error) {
	n, err := u.Count(ctx)
	if err != nil || n > 0 {
		return "", err
	}
	var b [8]byte
	rand.Read(b[:])
	code := make([]byte, 0, 9)
	for i, c := range b {
		if i == 4 {
			code = append(code, '-')
		}
		code = append(code, setupAlphabet[int(c)%len(setupAlphabet)]) // 256 is a multiple of 32: no bias
	}
	now := u.now().UTC()
	if err := storage.PutSetting(ctx, u.db.Write, setupCodeKey(string(code)), "", now, now.Add(SetupCodeLifetime)); err != nil {
		return "", err
	}
	return string(code), nil
}

// setupCodeKey is the settings key of a code as typed: case, spaces and
// dashes do not matter.
func setupCodeKey(code string) string {
	code = strings.Map(func(r rune) rune {
		if r == '-' || r == ' ' {
			return -1
		}
		return r
	}, strings.ToUpper(strings.TrimSpace(code)))
	h := sha256.Sum256([]byte(code))
	return setupCodePrefix + hex.EncodeToString(h[:])
}

// checkSetupCode returns ErrSetupCode unless code is a live setup code.
func (u *Users) checkSetupCode(ctx context.Context, q storage.Execer, code string) error {
	if strings.TrimSpace(code) == "" {
		return ErrSetupCode
	}
	_, ok, err := storage.Setting(ctx, q, setupCodeKey(code), u.now().UTC())
	if err != nil {
		return err
	}
	if !ok {
		return ErrSetupCode
	}
	return nil
}
