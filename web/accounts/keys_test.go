package accounts_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/sillage/sillage/migrations/dbtest"
	"github.com/sillage/sillage/migrations/storage"
	"github.com/sillage/sillage/web/accounts"
)

func TestKeys(t *testing.T) {
	ctx := context.Background()
	db := dbtest.Open(t)
	keys := accounts.NewKeys(db, time.Now)

	key, stored, err := keys.Create(ctx, "ci")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(key, "sil_") || len(key) < 40 {
		t.Fatalf("key %q: want sil_ and at least 256 bits", key)
	}
	var n int
	if err := db.Read.QueryRow(`SELECT COUNT(*) FROM api_keys WHERE key_hash = $1`, []byte(key)).Scan(&n); err != nil || n != 0 {
		t.Fatalf("the key itself is stored (n=%d, err=%v)", n, err)
	}
	got, err := keys.Authenticate(ctx, key)
	if err != nil || got.ID != stored.ID || got.Name != "ci" {
		t.Fatalf("Authenticate = %+v, %v; want key %d named ci", got, err, stored.ID)
	}
	for _, bad := range []string{"", "sil_", key + "x", strings.TrimPrefix(key, "sil_"), "Bearer " + key} {
		if _, err := keys.Authenticate(ctx, bad); !errors.Is(err, accounts.ErrUnauthorized) {
			t.Errorf("Authenticate(%q) = %v, want ErrUnauthorized", bad, err)
		}
	}
	if err := keys.Revoke(ctx, stored.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := keys.Authenticate(ctx, key); !errors.Is(err, accounts.ErrUnauthorized) {
		t.Errorf("revoked key still works: %v", err)
	}
	if err := keys.Revoke(ctx, stored.ID); !errors.Is(err, accounts.ErrNotFound) {
		t.Errorf("second Revoke = %v, want ErrNotFound", err)
	}
	if _, _, err := keys.Create(ctx, "  "); !errors.Is(err, accounts.ErrBadName) {
		t.Errorf("Create(blank) = %v, want ErrBadName", err)
	}
}

// On a full disk no key and no account is handed out: Create fails, and
// once space is back the next key works and gets an id of its own.
func TestCreateOnFullDisk(t *testing.T) {
	dbtest.SQLiteOnly(t, "a full disk under the database file")
	if !dbtest.Alone(t) {
		return
	}
	ctx := context.Background()
	db := dbtest.Open(t)
	keys := accounts.NewKeys(db, time.Now)
	users := accounts.NewUsers(db, time.Now, bcrypt.MinCost)
	restore := dbtest.Full(t)
	key, k, err := keys.Create(ctx, "ci")
	_, uerr := users.Create(ctx, "zoe@example.com", "correct horse battery")
	restore()
	if err == nil || key != "" || k.ID != 0 {
		t.Errorf("Create on a full disk = %q, id %d, %v; want an error", key, k.ID, err)
	}
	if !storage.Unwritable(err) || !storage.Unwritable(uerr) {
		t.Errorf("errors %v and %v: want both Unwritable", err, uerr)
	}
	key, k, err = keys.Create(ctx, "ci")
	if err != nil {
		t.Fatal(err)
	}
	if got, err := keys.Authenticate(ctx, key); err != nil || got.ID != k.ID {
		t.Errorf("the key made once space is back: %+v, %v", got, err)
	}
}
