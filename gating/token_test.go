package gating_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"strings"
	"testing"

	"github.com/sillage/sillage/gating"
	"github.com/sillage/sillage/migrations/dbtest"
)

func TestNewToken(t *testing.T) {
	seen := make(map[string]bool)
	for range 1000 {
		tok, hash := gating.NewToken()
		if len(tok) != 22 {
			t.Fatalf("token %q has %d characters, want 22 (128 bits)", tok, len(tok))
		}
		raw, err := base64.RawURLEncoding.DecodeString(tok)
		if err != nil || len(raw) != 16 {
			t.Fatalf("token %q is not 16 bytes of URL-safe base64: %v", tok, err)
		}
		got, ok := gating.HashToken(tok)
		if !ok || !bytes.Equal(got, hash) {
			t.Fatalf("HashToken(%q) = %x, %v; want %x", tok, got, ok, hash)
		}
		if seen[tok] {
			t.Fatalf("token %q minted twice", tok)
		}
		seen[tok] = true
	}
}

func TestHashTokenRefusesMalformed(t *testing.T) {
	good, _ := gating.NewToken()
	for name, s := range map[string]string{
		"Empty":        "",
		"Short":        good[:21],
		"Long":         good + "A",
		"BadAlphabet":  "+" + good[1:],
		"Padding":      good[:20] + "==",
		"PathTraverse": "../../../../etc/passwd",
		"NonCanonical": good[:21] + nonCanonical(good[21]),
		"Unicode":      "ééééééééééé",
	} {
		t.Run(name, func(t *testing.T) {
			if _, ok := gating.HashToken(s); ok {
				t.Errorf("HashToken(%q) accepted a malformed token", s)
			}
		})
	}
}

// nonCanonical returns another last character that decodes to the same
// bytes: the last of 22 characters carries 2 bits and 4 unused ones.
func nonCanonical(c byte) string {
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
	i := strings.IndexByte(alphabet, c)
	return string(alphabet[i^1])
}

// A dump of the database reveals no usable link: neither the token nor its
// raw bytes are stored anywhere.
func TestDatabaseDumpRevealsNoToken(t *testing.T) {
	e := newEnv(t)
	c := e.liveCampaign(t, nil)
	minted, err := e.gate.MintSeeds(context.Background(), c.ID, gating.SeedSpec{Count: 20, Channel: gating.Plain})
	if err != nil {
		t.Fatal(err)
	}
	dump := dbtest.Dump(t, e.db)
	for _, m := range minted {
		raw, _ := base64.RawURLEncoding.DecodeString(m.Token)
		if bytes.Contains(dump, []byte(m.Token)) || bytes.Contains(dump, raw) {
			t.Fatalf("token %s found in the database", m.Token)
		}
	}
}
