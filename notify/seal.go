package notify

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
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
type sealer struct {
	aead cipher.AEAD
	key  []byte // for its fingerprint (CheckBodyKey)
}

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
	return &sealer{aead: aead, key: key}, nil
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

// BodyKeyFile returns the body key kept in the file at path, creating the
// file with a new random key (mode 0600) when there is none. The key is
// written to a temporary file and synced before it takes the name path,
// then the directory is synced: path never names a file without the whole
// key, even after a crash or a power loss. Two processes starting together
// agree on one key. A file of the wrong size is an error, never replaced:
// the messages sealed with the key it held could not be opened again.
func BodyKeyFile(path string) ([]byte, error) {
	key, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		if err := createKeyFile(path); err != nil {
			return nil, fmt.Errorf("body key: %w", err)
		}
		key, err = os.ReadFile(path)
	}
	if err != nil {
		return nil, fmt.Errorf("body key: %w", err)
	}
	if len(key) != BodyKeySize {
		return nil, fmt.Errorf("body key %s: %d bytes, want %d; it is not replaced, since messages sealed with it could not be opened again: restore it from a backup, or delete it if no message was queued since it was made",
			path, len(key), BodyKeySize)
	}
	return key, nil
}

// createKeyFile makes the file at path hold a new key, unless another
// process made it first.
func createKeyFile(path string) error {
	dir := filepath.Dir(path)
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+"-*") // mode 0600
	if err != nil {
		return err
	}
	tmp := f.Name()
	defer os.Remove(tmp) // a failure leaves no half-written key behind
	key := make([]byte, BodyKeySize)
	rand.Read(key)
	_, err = f.Write(key)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	// A link, unlike a rename, never replaces a key another process
	// linked first: that one is read back instead.
	if err := os.Link(tmp, path); err != nil && !errors.Is(err, fs.ErrExist) {
		return err
	}
	if err := os.Remove(tmp); err != nil {
		return err
	}
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}
