package notify_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sillage/sillage/notify"
)

// keyed returns a store on e's database sealing with key.
func (e *env) keyed(key []byte) *notify.Store {
	return notify.NewStore(e.db, notify.Config{Now: e.clock.Now, BaseURL: "https://share.example.com", Logger: quiet, BodyKey: key})
}

// Two instances given the same key: what one seals the other opens, and
// both pass the start check; an instance with another key, or none, is
// refused at its start check.
func TestBodyKeySharedByInstances(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	key := bytes.Repeat([]byte{7}, notify.BodyKeySize)
	a, b := e.keyed(key), e.keyed(bytes.Clone(key))
	for name, s := range map[string]*notify.Store{"A": a, "B": b} {
		if err := s.CheckBodyKey(ctx); err != nil {
			t.Fatalf("%s: CheckBodyKey = %v", name, err)
		}
	}
	e.store = a
	id := e.campaign(t, "fr")
	e.importCSV(t, id, mixedContacts)
	if _, err := a.Seed(ctx, id, (&minter{}).mint); err != nil {
		t.Fatal(err)
	}
	if got, want := e.count(t, `SELECT COUNT(*) FROM messages WHERE body_text LIKE 'sealed:v1:%'`), 4; got != want {
		t.Fatalf("%d sealed messages, want %d", got, want)
	}
	msgs, err := b.Outbox(ctx, notify.Filter{CampaignID: id})
	if err != nil {
		t.Fatalf("B reads A's messages: %v", err)
	}
	for _, m := range msgs {
		if !strings.Contains(m.Text, "https://share.example.com/s/tok") {
			t.Errorf("B opened message %d to %.80q, want its link", m.ID, m.Text)
		}
	}

	for name, k := range map[string][]byte{"OtherKey": bytes.Repeat([]byte{8}, notify.BodyKeySize), "NoKey": nil} {
		t.Run(name, func(t *testing.T) {
			err := e.keyed(k).CheckBodyKey(ctx)
			if !errors.Is(err, notify.ErrBodyKeyMismatch) {
				t.Fatalf("CheckBodyKey = %v, want ErrBodyKeyMismatch", err)
			}
		})
	}
}

// The database keeps the key's fingerprint, never the key; a database
// sealed before fingerprints were kept has one recorded at the first check
// by a key that opens its messages, and refuses any other key.
func TestBodyKeyFingerprint(t *testing.T) {
	ctx := context.Background()
	key := bytes.Repeat([]byte{7}, notify.BodyKeySize)
	other := bytes.Repeat([]byte{9}, notify.BodyKeySize)
	fingerprint := func(t *testing.T, e *env) string {
		t.Helper()
		var v string
		if err := e.db.Read.QueryRow(`SELECT value FROM settings WHERE key = 'body-key-id'`).Scan(&v); err != nil {
			t.Fatalf("no fingerprint: %v", err)
		}
		return v
	}

	t.Run("RecordedNotTheKey", func(t *testing.T) {
		e := newEnv(t)
		if err := e.keyed(key).CheckBodyKey(ctx); err != nil {
			t.Fatal(err)
		}
		v := fingerprint(t, e)
		for _, enc := range []string{string(key), hex.EncodeToString(key), base64.StdEncoding.EncodeToString(key), base64.RawStdEncoding.EncodeToString(key)} {
			if strings.Contains(v, enc) || strings.Contains(v, enc[:16]) {
				t.Errorf("fingerprint %q holds the key", v)
			}
		}
		if err := e.keyed(other).CheckBodyKey(ctx); !errors.Is(err, notify.ErrBodyKeyMismatch) {
			t.Errorf("another key: %v, want ErrBodyKeyMismatch", err)
		}
		if got := fingerprint(t, e); got != v {
			t.Errorf("fingerprint now %q, want %q kept", got, v)
		}
	})

	t.Run("SealedBeforeFingerprints", func(t *testing.T) {
		e := newEnv(t)
		e.store = e.keyed(key) // seals, and never checked: as before this change
		id := e.campaign(t, "fr")
		e.importCSV(t, id, mixedContacts)
		if _, err := e.store.Seed(ctx, id, (&minter{}).mint); err != nil {
			t.Fatal(err)
		}
		err := e.keyed(other).CheckBodyKey(ctx)
		if !errors.Is(err, notify.ErrBodyKeyMismatch) {
			t.Fatalf("another key: %v, want ErrBodyKeyMismatch", err)
		}
		if n := e.count(t, `SELECT COUNT(*) FROM settings WHERE key = 'body-key-id'`); n != 0 {
			t.Fatalf("a refused key left a fingerprint")
		}
		if inUse, err := notify.BodyKeyInUse(ctx, e.db); err != nil || !inUse {
			t.Errorf("BodyKeyInUse = %v, %v; want true: messages are sealed", inUse, err)
		}
		if err := e.keyed(key).CheckBodyKey(ctx); err != nil {
			t.Fatalf("the sealing key: %v", err)
		}
		fingerprint(t, e)
	})

	t.Run("NotInUse", func(t *testing.T) {
		e := newEnv(t)
		if inUse, err := notify.BodyKeyInUse(ctx, e.db); err != nil || inUse {
			t.Errorf("BodyKeyInUse on a new database = %v, %v; want false", inUse, err)
		}
	})
}

func TestParseBodyKey(t *testing.T) {
	key := make([]byte, notify.BodyKeySize)
	for i := range key {
		key[i] = byte(i * 7)
	}
	for name, s := range map[string]string{
		"Base64":      base64.StdEncoding.EncodeToString(key),
		"Base64Raw":   base64.RawStdEncoding.EncodeToString(key),
		"Base64Space": " " + base64.StdEncoding.EncodeToString(key) + "\n",
		"Hex":         hex.EncodeToString(key),
		"HexUpper":    strings.ToUpper(hex.EncodeToString(key)),
	} {
		t.Run(name, func(t *testing.T) {
			got, err := notify.ParseBodyKey(s)
			if err != nil || !bytes.Equal(got, key) {
				t.Errorf("ParseBodyKey = %x, %v; want %x", got, err, key)
			}
		})
	}
	for name, s := range map[string]string{
		"Empty":     "",
		"Short":     base64.StdEncoding.EncodeToString(key[:16]),
		"Long":      hex.EncodeToString(append(key, 1)),
		"NotBase64": strings.Repeat("!", 44),
		"Raw":       string(key),
	} {
		t.Run(name, func(t *testing.T) {
			if got, err := notify.ParseBodyKey(s); err == nil {
				t.Errorf("ParseBodyKey = %x, want an error", got)
			} else if strings.Contains(err.Error(), s) && s != "" {
				t.Errorf("error %q repeats the secret", err)
			}
		})
	}
}

// A key file named by the configuration is read, raw or as text, and
// never made up when missing.
func TestReadBodyKeyFile(t *testing.T) {
	dir := t.TempDir()
	key := bytes.Repeat([]byte{5}, notify.BodyKeySize)
	for name, content := range map[string][]byte{
		"Raw":    key,
		"Base64": []byte(base64.StdEncoding.EncodeToString(key) + "\n"),
		"Hex":    []byte(hex.EncodeToString(key) + "\n"),
	} {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(dir, name)
			if err := os.WriteFile(path, content, 0o600); err != nil {
				t.Fatal(err)
			}
			if got, err := notify.ReadBodyKeyFile(path); err != nil || !bytes.Equal(got, key) {
				t.Errorf("ReadBodyKeyFile = %x, %v; want %x", got, err, key)
			}
		})
	}
	t.Run("Missing", func(t *testing.T) {
		path := filepath.Join(dir, "missing")
		if _, err := notify.ReadBodyKeyFile(path); err == nil {
			t.Fatal("a missing key file read as a key")
		}
		if _, err := os.Stat(path); err == nil {
			t.Error("a missing key file was made")
		}
	})
}
