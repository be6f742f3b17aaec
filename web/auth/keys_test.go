package auth_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/sillage/sillage/migrations/dbtest"
	"github.com/sillage/sillage/web/auth"
)

func TestKeys(t *testing.T) {
	ctx := context.Background()
	db := dbtest.Open(t)
	keys := auth.NewKeys(db, time.Now)

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
		if _, err := keys.Authenticate(ctx, bad); !errors.Is(err, auth.ErrUnauthorized) {
			t.Errorf("Authenticate(%q) = %v, want ErrUnauthorized", bad, err)
		}
	}
	if err := keys.Revoke(ctx, stored.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := keys.Authenticate(ctx, key); !errors.Is(err, auth.ErrUnauthorized) {
		t.Errorf("revoked key still works: %v", err)
	}
	if err := keys.Revoke(ctx, stored.ID); !errors.Is(err, auth.ErrNotFound) {
		t.Errorf("second Revoke = %v, want ErrNotFound", err)
	}
	if _, _, err := keys.Create(ctx, "  "); !errors.Is(err, auth.ErrBadName) {
		t.Errorf("Create(blank) = %v, want ErrBadName", err)
	}
}
