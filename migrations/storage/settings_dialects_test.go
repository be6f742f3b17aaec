package storage_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/sillage/sillage/migrations/dbtest"
	"github.com/sillage/sillage/migrations/storage"
)

// Settings read, expire, replace and delete by prefix alike on both
// stores: DeleteSettings' range on the key removes exactly the keys that
// start with the prefix, which on PostgreSQL holds only under the key's
// bytewise collation.
func TestSettingsOnEitherStore(t *testing.T) {
	checkSettings(t, dbtest.Open(t))
}

// On a PostgreSQL database whose default collation is a language's (ICU
// en-US, where "Setup:a" sorts between "setup:" and "setup:" followed by
// U+10FFFF), the settings keys still compare bytewise.
func TestSettingsUnderALanguageCollation(t *testing.T) {
	db, err := storage.Open(context.Background(), dbtest.PostgresURLCollated(t, "en-US"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	checkSettings(t, db)
}

func checkSettings(t *testing.T, db *storage.DB) {
	t.Helper()
	ctx := context.Background()
	now := time.UnixMilli(1_700_000_000_000)
	put := func(key, value string, expires time.Time) {
		t.Helper()
		if err := storage.PutSetting(ctx, db.Write, key, value, now, expires); err != nil {
			t.Fatal(err)
		}
	}
	keys := []string{"setup", "setup:", "setup:a", "setup:Z", "setup:é", "setup:~x", "setup;", "setupa", "Setup:a", "other"}
	for _, k := range keys {
		put(k, "v-"+k, time.Time{})
	}
	put("setup:a", "replaced", time.Time{})
	put("later", "gone", now.Add(time.Minute))

	for _, tc := range []struct {
		key, want string
		ok        bool
		at        time.Time
	}{
		{"setup:a", "replaced", true, now},
		{"later", "gone", true, now},
		{"later", "", false, now.Add(time.Minute)},
		{"missing", "", false, now},
	} {
		got, ok, err := storage.Setting(ctx, db.Read, tc.key, tc.at)
		if err != nil || got != tc.want || ok != tc.ok {
			t.Errorf("Setting(%q) = %q, %v, %v; want %q, %v", tc.key, got, ok, err, tc.want, tc.ok)
		}
	}

	if err := storage.DeleteSettings(ctx, db.Write, "setup:"); err != nil {
		t.Fatal(err)
	}
	var left []string
	rows, err := db.Read.QueryContext(ctx, "SELECT key FROM settings")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var k string
		if err := rows.Scan(&k); err != nil {
			t.Fatal(err)
		}
		left = append(left, k)
	}
	slices.Sort(left)
	want := []string{"Setup:a", "later", "other", "setup", "setup;", "setupa"}
	if !slices.Equal(left, want) {
		t.Errorf("after DeleteSettings(\"setup:\"): %q, want %q", left, want)
	}
}
