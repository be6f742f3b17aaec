package notify

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
)

// BodyKeySize is the length of Config.BodyKey: AES-256.
const BodyKeySize = 32

// sealPrefix marks a sealed value; a value without it was stored plain.
const sealPrefix = "sealed:v1:"

// sealer encrypts message bodies at rest (AES-256-GCM). A queued body
// carries a live seed link, and a copy of the database alone must not
// reveal a usable link: the key lives outside it. A nil sealer stores
// bodies plain.
type sealer struct{ aead cipher.AEAD }

func newSealer(key []byte) (*sealer, error) {
	if len(key) == 0 {
		return nil, nil
	}
	if len(key) != BodyKeySize {
		return nil, fmt.Errorf("body key: %d bytes, want %d", len(key), BodyKeySize)
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	return &sealer{aead: aead}, nil
}

func (s *sealer) seal(v string) string {
	if s == nil || v == "" {
		return v
	}
	nonce := make([]byte, s.aead.NonceSize())
	rand.Read(nonce)
	return sealPrefix + base64.RawStdEncoding.EncodeToString(s.aead.Seal(nonce, nonce, []byte(v), nil))
}

var errSealed = errors.New("message body is sealed and no body key is configured")

func (s *sealer) open(v string) (string, error) {
	rest, ok := strings.CutPrefix(v, sealPrefix)
	if !ok {
		return v, nil
	}
	if s == nil {
		return "", errSealed
	}
	b, err := base64.RawStdEncoding.DecodeString(rest)
	if err != nil || len(b) < s.aead.NonceSize() {
		return "", errors.New("message body: malformed sealed value")
	}
	n := s.aead.NonceSize()
	plain, err := s.aead.Open(nil, b[:n], b[n:], nil)
	if err != nil {
		return "", errors.New("message body: cannot be opened with this body key")
	}
	return string(plain), nil
}

// openBody replaces m's sealed fields with their plain text.
func (s *sealer) openBody(m *Message) error {
	for _, f := range []*string{&m.Text, &m.HTML, &m.ContentVariables} {
		v, err := s.open(*f)
		if err != nil {
			return err
		}
		*f = v
	}
	return nil
}
