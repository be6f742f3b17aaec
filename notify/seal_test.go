package notify_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/sillage/sillage/notify"
)

// Queued bodies carry live links: sealed in the database, opened only
// with the key, which lives outside it.
func TestBodiesSealedAtRest(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	key := bytes.Repeat([]byte{7}, notify.BodyKeySize)
	e.store = notify.NewStore(e.db, notify.Config{Now: e.clock.Now, BaseURL: "https://share.example.com", Logger: quiet, BodyKey: key})
	id := e.campaign(t, "fr")
	e.importCSV(t, id, mixedContacts)
	if _, err := e.store.Seed(ctx, id, (&minter{}).mint); err != nil {
		t.Fatal(err)
	}
	// What a readable body would give away: each link minted (whole, and
	// its token), the base every link and unsubscribe link is built on,
	// and the addresses. Each holds a character ('.', ':', '-' or '@')
	// outside the sealed form's alphabet (base64: A-Z a-z 0-9 + /), so a
	// sealed body can never contain one by chance, whatever its random
	// bytes, while a body stored in clear always does.
	secrets := []string{"share.example.com", "alice@example.com", "dan@example.com"}
	links, err := e.db.Read.Query(`SELECT url FROM test_links`)
	if err != nil {
		t.Fatal(err)
	}
	for links.Next() {
		var u string
		links.Scan(&u)
		secrets = append(secrets, u, strings.TrimPrefix(u, "https://share.example.com/s/"))
	}
	links.Close()
	if len(secrets) != 3+2*4 {
		t.Fatalf("secrets to look for: %q, want the 4 links minted", secrets)
	}
	rows, err := e.db.Read.Query(`SELECT body_text, body_html, content_variables FROM messages`)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for rows.Next() {
		var text, html, vars string
		rows.Scan(&text, &html, &vars)
		for _, v := range []string{text, html, vars} {
			if v == "" {
				continue
			}
			if !strings.HasPrefix(v, "sealed:v1:") {
				t.Errorf("stored body %.60q is not sealed", v)
			}
			for _, secret := range secrets {
				if strings.Contains(v, secret) {
					t.Errorf("stored body %.60q holds %q in clear", v, secret)
				}
			}
		}
		if text == "" {
			t.Errorf("message %d stored with no text body", n+1)
		}
		n++
	}
	rows.Close()
	if n != 4 {
		t.Fatalf("%d messages queued, want 4", n)
	}

	// The worker opens them: the development sender keeps what it sent.
	e.devDrain(t)
	sent, err := e.store.Outbox(ctx, notify.Filter{CampaignID: id})
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range sent {
		if !strings.Contains(m.Text, "https://share.example.com/s/tok") {
			t.Errorf("message %d opened to %.80q, want its link", m.ID, m.Text)
		}
	}

	// Another key, or none, cannot read them.
	for name, k := range map[string][]byte{"OtherKey": bytes.Repeat([]byte{8}, notify.BodyKeySize), "NoKey": nil} {
		other := notify.NewStore(e.db, notify.Config{Now: e.clock.Now, Logger: quiet, BodyKey: k})
		if _, err := other.Outbox(ctx, notify.Filter{CampaignID: id}); err == nil {
			t.Errorf("%s: sealed bodies opened", name)
		}
	}
}

// The body key file is made whole on first use, 0600, and read back
// after; nothing else is left in the directory.
func TestBodyKeyFileCreated(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "body.key")
	key, err := notify.BodyKeyFile(path)
	if err != nil || len(key) != notify.BodyKeySize {
		t.Fatalf("BodyKeyFile = %d bytes, %v; want a new key", len(key), err)
	}
	info, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := info.Mode().Perm(), os.FileMode(0o600); got != want {
		t.Errorf("mode %v, want %v", got, want)
	}
	if got, _ := os.ReadFile(path); !bytes.Equal(got, key) {
		t.Errorf("file holds %x, want the key %x", got, key)
	}
	if again, err := notify.BodyKeyFile(path); err != nil || !bytes.Equal(again, key) {
		t.Errorf("second BodyKeyFile = %x, %v; want the same key", again, err)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Errorf("directory holds %d entries, want body.key alone", len(entries))
	}
}

// Instances starting together on a new data directory agree on one key:
// none reads a key file another is still writing.
func TestBodyKeyFileConcurrentStarts(t *testing.T) {
	for round := range 50 {
		path := filepath.Join(t.TempDir(), "body.key")
		keys := make([][]byte, 8)
		errs := make([]error, 8)
		var wg sync.WaitGroup
		for i := range keys {
			wg.Go(func() { keys[i], errs[i] = notify.BodyKeyFile(path) })
		}
		wg.Wait()
		for i := range keys {
			if errs[i] != nil || !bytes.Equal(keys[i], keys[0]) {
				t.Fatalf("round %d, start %d: %x, %v; want the key the others got (%x)", round, i, keys[i], errs[i], keys[0])
			}
		}
	}
}

// A key file cut short (a crash before this fix could leave it empty) is
// an error and stays as it is: a new key would make every sealed message
// unreadable.
func TestBodyKeyFileWrongSizeRefused(t *testing.T) {
	for name, content := range map[string][]byte{"Empty": {}, "Short": []byte("12345")} {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "body.key")
			if err := os.WriteFile(path, content, 0o600); err != nil {
				t.Fatal(err)
			}
			_, err := notify.BodyKeyFile(path)
			if want := fmt.Sprintf("%d bytes, want %d", len(content), notify.BodyKeySize); err == nil || !strings.Contains(err.Error(), want) {
				t.Fatalf("BodyKeyFile = %v, want an error saying %q", err, want)
			}
			if got, _ := os.ReadFile(path); !bytes.Equal(got, content) {
				t.Errorf("the file now holds %x, want it left as it was", got)
			}
		})
	}
}
