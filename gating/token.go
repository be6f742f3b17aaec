// Package gating decides who may see a campaign's content: it mints share
// links, turns a device's unlock into a claim (a node of the forward tree),
// lets claim holders forward, and tells people from link-preview fetchers.
package gating

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
)

// tokenBytes is the randomness of a token or a device id: 128 bits.
const tokenBytes = 16

// tokenLen is the length of a token in URL-safe base64 without padding.
var tokenLen = base64.RawURLEncoding.EncodedLen(tokenBytes)

// NewToken returns a fresh random token, URL-safe, and its hash: the only
// form in which it is stored, so a database dump reveals no usable link.
func NewToken() (token string, hash []byte) {
	var b [tokenBytes]byte
	rand.Read(b[:]) // crypto/rand.Read never fails on supported platforms
	sum := sha256.Sum256(b[:])
	return base64.RawURLEncoding.EncodeToString(b[:]), sum[:]
}

// HashToken returns the hash of a token as it was stored, or false when s
// is not a well-formed token (a cheap check before touching the database).
// Lookups compare hashes, so no secret is compared byte by byte in Go.
func HashToken(s string) ([]byte, bool) {
	if len(s) != tokenLen {
		return nil, false
	}
	var b [tokenBytes]byte
	n, err := base64.RawURLEncoding.Decode(b[:], []byte(s))
	if err != nil || n != tokenBytes || base64.RawURLEncoding.EncodeToString(b[:]) != s {
		return nil, false // also refuses non-canonical encodings of the same bytes
	}
	sum := sha256.Sum256(b[:])
	return sum[:], true
}

// NewDevice returns a fresh device id for the device cookie, and its hash.
// Device ids have the same form and strength as tokens.
func NewDevice() (id string, hash []byte) { return NewToken() }

// HashDevice returns the stored hash of a device cookie's value, or false
// when the value is malformed (a cookie the device must be given anew).
func HashDevice(id string) ([]byte, bool) { return HashToken(id) }
