// Package webhook delivers a marketer's events to the endpoints they
// register, signed the way the Standard Webhooks specification says
// (https://www.standardwebhooks.com) so that receivers can verify them with
// its published libraries, through a client that refuses internal
// addresses.
package webhook

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// The headers of a signed request, as the specification names them.
const (
	HeaderID        = "webhook-id"
	HeaderTimestamp = "webhook-timestamp"
	HeaderSignature = "webhook-signature"
)

// Tolerance is how far a request's timestamp may be from the receiver's
// clock, either way: the specification's five minutes. A replay older
// than that fails Verify even with a valid signature.
const Tolerance = 5 * time.Minute

// secretPrefix marks a secret as a Standard Webhooks one; the key is the
// base64 after it.
const secretPrefix = "whsec_"

// The key lengths the specification allows (24 to 64 bytes); NewSecret
// makes 32.
const (
	minKey    = 24
	maxKey    = 64
	secretKey = 32
)

var (
	// ErrSecret is returned for a secret that is not "whsec_" followed by
	// the base64 of 24 to 64 bytes.
	ErrSecret = errors.New("webhook: malformed secret")
	// ErrMissingHeaders is returned by Verify when webhook-id,
	// webhook-timestamp or webhook-signature is absent.
	ErrMissingHeaders = errors.New("webhook: missing signature headers")
	// ErrTimestamp is returned by Verify for a timestamp that is not Unix
	// seconds or is further than Tolerance from now.
	ErrTimestamp = errors.New("webhook: timestamp outside the tolerance")
	// ErrNoMatch is returned by Verify when no signature in the header is
	// one of the signer's.
	ErrNoMatch = errors.New("webhook: no matching signature")
)

// NewSecret returns a fresh secret: "whsec_" and the base64 of 32 random
// bytes. It is shown to the marketer once.
func NewSecret() string {
	b := make([]byte, secretKey)
	rand.Read(b) // never fails (crypto/rand since Go 1.24)
	return secretPrefix + base64.StdEncoding.EncodeToString(b)
}

// Signer signs and verifies with one or more secrets. Several secrets are
// for a rotation: the request carries a signature by each, so that a
// receiver still holding the old secret keeps verifying.
type Signer struct {
	keys [][]byte
}

// NewSigner returns the Signer of secrets, or ErrSecret when there is none
// or one is malformed.
func NewSigner(secrets ...string) (*Signer, error) {
	if len(secrets) == 0 {
		return nil, ErrSecret
	}
	s := &Signer{}
	for _, secret := range secrets {
		enc, ok := strings.CutPrefix(secret, secretPrefix)
		if !ok {
			return nil, ErrSecret
		}
		key, err := base64.StdEncoding.DecodeString(enc)
		if err != nil || len(key) < minKey || len(key) > maxKey {
			return nil, ErrSecret
		}
		s.keys = append(s.keys, key)
	}
	return s, nil
}

// Sign returns the webhook-signature value for the request id sent at ts
// with body: "v1,<base64 HMAC-SHA256 of id.ts.body>" for each secret,
// separated by spaces. ts is this attempt's time, so that a retry passes
// the receiver's Tolerance.
func (s *Signer) Sign(id string, ts time.Time, body []byte) string {
	sigs := make([]string, len(s.keys))
	for i, key := range s.keys {
		sigs[i] = "v1," + base64.StdEncoding.EncodeToString(mac(key, id, ts.Unix(), body))
	}
	return strings.Join(sigs, " ")
}

// SetHeaders sets the three signature headers of a request on h.
func (s *Signer) SetHeaders(h http.Header, id string, ts time.Time, body []byte) {
	h.Set(HeaderID, id)
	h.Set(HeaderTimestamp, strconv.FormatInt(ts.Unix(), 10))
	h.Set(HeaderSignature, s.Sign(id, ts, body))
}

// Verify checks the signature headers in h against body as a receiver
// would at now: nil when the timestamp is within Tolerance and one of the
// space-separated signatures is one of the signer's. Otherwise it returns
// ErrMissingHeaders, ErrTimestamp or ErrNoMatch.
func (s *Signer) Verify(h http.Header, body []byte, now time.Time) error {
	id, tsText, sigText := h.Get(HeaderID), h.Get(HeaderTimestamp), h.Get(HeaderSignature)
	if id == "" || tsText == "" || sigText == "" {
		return ErrMissingHeaders
	}
	ts, err := strconv.ParseInt(tsText, 10, 64)
	if err != nil {
		return fmt.Errorf("%w: %q is not Unix seconds", ErrTimestamp, tsText)
	}
	if d := now.Sub(time.Unix(ts, 0)); d > Tolerance || d < -Tolerance {
		return ErrTimestamp
	}
	for _, sig := range strings.Fields(sigText) {
		version, enc, ok := strings.Cut(sig, ",")
		if !ok || version != "v1" {
			continue // another scheme or version: not ours to judge
		}
		got, err := base64.StdEncoding.DecodeString(enc)
		if err != nil {
			continue
		}
		for _, key := range s.keys {
			if hmac.Equal(got, mac(key, id, ts, body)) {
				return nil
			}
		}
	}
	return ErrNoMatch
}

// mac is the HMAC-SHA256 of "id.ts.body" under key, the specification's
// signed content.
func mac(key []byte, id string, ts int64, body []byte) []byte {
	h := hmac.New(sha256.New, key)
	h.Write([]byte(id))
	h.Write([]byte{'.'})
	h.Write(strconv.AppendInt(nil, ts, 10))
	h.Write([]byte{'.'})
	h.Write(body)
	return h.Sum(nil)
}
