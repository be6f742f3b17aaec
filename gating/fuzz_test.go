package gating_test

import (
	"bytes"
	"encoding/base64"
	"testing"

	"github.com/sillage/sillage/gating"
)

// FuzzHashToken: the parser never panics, accepts only canonical 22-byte
// tokens, and a token it accepts hashes like the one minted.
func FuzzHashToken(f *testing.F) {
	good, _ := gating.NewToken()
	for _, s := range []string{good, "", "A", good[:21] + "B", "../../etc/passwd", "ééééééééééé", good + good, "=========================="} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		hash, ok := gating.HashToken(s)
		if !ok {
			if hash != nil {
				t.Fatalf("refused %q but returned a hash", s)
			}
			return
		}
		raw, err := base64.RawURLEncoding.DecodeString(s)
		if err != nil || len(raw) != 16 || base64.RawURLEncoding.EncodeToString(raw) != s {
			t.Fatalf("accepted %q, which is not a canonical 16-byte token", s)
		}
		again, _ := gating.HashToken(s)
		if len(hash) != 32 || !bytes.Equal(hash, again) {
			t.Fatalf("hash of %q unstable or not SHA-256 sized", s)
		}
	})
}
