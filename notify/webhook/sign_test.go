package webhook

import (
	"bytes"
	"encoding/base64"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	standardwebhooks "github.com/standard-webhooks/standard-webhooks/libraries/go"
)

// The specification's own vector, from TestWebhookSign in webhook_test.go of
// github.com/standard-webhooks/standard-webhooks/libraries v1.3.0: it pins
// our signer to the published scheme with no code shared.
const (
	vectorSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
	vectorID     = "msg_p5jXN8AQM9LWM0D4loKWxJek"
	vectorTime   = 1614265330
	vectorBody   = `{"test": 2432232314}`
	vectorSig    = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
)

func TestSignVector(t *testing.T) {
	s, err := NewSigner(vectorSecret)
	if err != nil {
		t.Fatal(err)
	}
	got := s.Sign(vectorID, time.Unix(vectorTime, 0), []byte(vectorBody))
	if got != vectorSig {
		t.Errorf("Sign = %q, want %q", got, vectorSig)
	}
}

func TestNewSecret(t *testing.T) {
	a, b := NewSecret(), NewSecret()
	if a == b {
		t.Fatalf("two secrets are equal: %q", a)
	}
	enc, ok := strings.CutPrefix(a, "whsec_")
	if !ok {
		t.Fatalf("secret %q has no whsec_ prefix", a)
	}
	key, err := base64.StdEncoding.DecodeString(enc)
	if err != nil || len(key) != 32 {
		t.Fatalf("secret %q: %d bytes, %v; want 32 bytes of base64", a, len(key), err)
	}
	if _, err := NewSigner(a); err != nil {
		t.Fatalf("NewSigner(NewSecret()): %v", err)
	}
}

func TestNewSignerRefuses(t *testing.T) {
	for name, secret := range map[string]string{
		"Empty":       "",
		"NoPrefix":    strings.TrimPrefix(vectorSecret, "whsec_"),
		"NotBase64":   "whsec_not base64!",
		"EmptyKey":    "whsec_",
		"ShortKey":    "whsec_" + base64.StdEncoding.EncodeToString(make([]byte, 23)),
		"TooLongKey":  "whsec_" + base64.StdEncoding.EncodeToString(make([]byte, 65)),
		"OtherPrefix": "whsek_" + strings.TrimPrefix(vectorSecret, "whsec_"),
	} {
		t.Run(name, func(t *testing.T) {
			if _, err := NewSigner(secret); !errors.Is(err, ErrSecret) {
				t.Errorf("NewSigner(%q) = %v, want ErrSecret", secret, err)
			}
		})
	}
	if _, err := NewSigner(); !errors.Is(err, ErrSecret) {
		t.Errorf("NewSigner() = %v, want ErrSecret", err)
	}
}

// TestLibraryVerifies sends requests signed by us to a real HTTP receiver
// that verifies with the specification's Go library, as a marketer's
// developer would: what it accepts and what it refuses must agree with
// our Verify.
func TestLibraryVerifies(t *testing.T) {
	secret, other := NewSecret(), NewSecret()
	now := time.Now()
	body := []byte(`{"type":"view.created","timestamp":"2026-12-02T17:00:00Z","data":{"claim_id":7}}`)

	type verdict struct {
		err  error // the library's
		body []byte
		h    http.Header
	}
	got := make(chan verdict, 1)
	receiver := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		wh, err := standardwebhooks.NewWebhook(secret)
		if err == nil {
			err = wh.Verify(b, r.Header)
		}
		got <- verdict{err, b, r.Header.Clone()}
		if err != nil {
			w.WriteHeader(http.StatusUnauthorized)
		}
	}))
	defer receiver.Close()

	ours, err := NewSigner(secret)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name    string
		secrets []string
		ts      time.Time
		tamper  func(h http.Header, body []byte) []byte
		want    error // our Verify's; the library must fail exactly when this is not nil
	}{
		{name: "Valid", secrets: []string{secret}, ts: now},
		{name: "Rotation", secrets: []string{other, secret}, ts: now},
		{name: "RetryWithinTolerance", secrets: []string{secret}, ts: now.Add(-4 * time.Minute)},
		{name: "Replay", secrets: []string{secret}, ts: now.Add(-6 * time.Minute), want: ErrTimestamp},
		{name: "FromTheFuture", secrets: []string{secret}, ts: now.Add(6 * time.Minute), want: ErrTimestamp},
		{name: "WrongSecret", secrets: []string{other}, ts: now, want: ErrNoMatch},
		{name: "BodyByteChanged", secrets: []string{secret}, ts: now, want: ErrNoMatch,
			tamper: func(_ http.Header, b []byte) []byte {
				b = bytes.Clone(b)
				b[len(b)-3]++ // 7 becomes 8
				return b
			}},
		{name: "OtherID", secrets: []string{secret}, ts: now, want: ErrNoMatch,
			tamper: func(h http.Header, b []byte) []byte { h.Set(HeaderID, "msg_other"); return b }},
		{name: "TimestampChanged", secrets: []string{secret}, ts: now, want: ErrNoMatch,
			tamper: func(h http.Header, b []byte) []byte {
				h.Set(HeaderTimestamp, strconv.FormatInt(now.Unix()+1, 10))
				return b
			}},
		{name: "NoID", secrets: []string{secret}, ts: now, want: ErrMissingHeaders,
			tamper: func(h http.Header, b []byte) []byte { h.Del(HeaderID); return b }},
		{name: "NoTimestamp", secrets: []string{secret}, ts: now, want: ErrMissingHeaders,
			tamper: func(h http.Header, b []byte) []byte { h.Del(HeaderTimestamp); return b }},
		{name: "NoSignature", secrets: []string{secret}, ts: now, want: ErrMissingHeaders,
			tamper: func(h http.Header, b []byte) []byte { h.Del(HeaderSignature); return b }},
	} {
		t.Run(c.name, func(t *testing.T) {
			s, err := NewSigner(c.secrets...)
			if err != nil {
				t.Fatal(err)
			}
			h := http.Header{}
			s.SetHeaders(h, "msg_2Kx9", c.ts, body)
			sent := body
			if c.tamper != nil {
				sent = c.tamper(h, body)
			}
			req, err := http.NewRequest(http.MethodPost, receiver.URL, bytes.NewReader(sent))
			if err != nil {
				t.Fatal(err)
			}
			for k, v := range h {
				req.Header[k] = v
			}
			resp, err := receiver.Client().Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			v := <-got
			if (v.err == nil) != (c.want == nil) {
				t.Errorf("library Verify = %v, want failure %v", v.err, c.want != nil)
			}
			// The same request as received, judged by ours.
			if err := ours.Verify(v.h, v.body, time.Now()); !errors.Is(err, c.want) {
				t.Errorf("our Verify = %v, want %v", err, c.want)
			}
		})
	}
}

func TestVerifySeveralSignatures(t *testing.T) {
	old, cur := NewSecret(), NewSecret()
	rotating, err := NewSigner(old, cur)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Unix(1_800_000_000, 0)
	h := http.Header{}
	rotating.SetHeaders(h, "msg_1", now, []byte("{}"))
	if n := len(strings.Fields(h.Get(HeaderSignature))); n != 2 {
		t.Fatalf("signature header %q: %d signatures, want 2", h.Get(HeaderSignature), n)
	}
	// A receiver holding either secret accepts the request.
	for _, secret := range []string{old, cur} {
		s, _ := NewSigner(secret)
		if err := s.Verify(h, []byte("{}"), now); err != nil {
			t.Errorf("receiver with one of the two secrets: %v", err)
		}
	}
	// Signatures of another scheme or garbage before ours are skipped.
	s, _ := NewSigner(cur)
	h.Set(HeaderSignature, "v2,abc ,,, v1,not-base64 "+h.Get(HeaderSignature))
	if err := s.Verify(h, []byte("{}"), now); err != nil {
		t.Errorf("with unknown signatures first: %v", err)
	}
	h.Set(HeaderTimestamp, "17e8")
	if err := s.Verify(h, []byte("{}"), now); !errors.Is(err, ErrTimestamp) {
		t.Errorf("timestamp 17e8: %v, want ErrTimestamp", err)
	}
}
