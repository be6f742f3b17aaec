package storage_test

import (
	"context"
	"testing"
	"time"

	"github.com/sillage/sillage/migrations/dbtest"
	"github.com/sillage/sillage/migrations/storage"
)

// AddSetting keeps a value that never expires or expires no earlier, and
// replaces one that expires earlier; DropExpiredSetting deletes a value
// only once it expired.
func TestAddSetting(t *testing.T) {
	ctx := context.Background()
	db := dbtest.Open(t)
	now := time.Date(2026, 12, 2, 10, 0, 0, 0, time.UTC)
	day := func(n int) time.Time { return now.Truncate(24*time.Hour).AddDate(0, 0, n) }
	for _, step := range []struct {
		name, key, value string
		expires          time.Time
		want             string
	}{
		{"New", "forever", "a", time.Time{}, "a"},
		{"NeverExpiresKept", "forever", "b", day(1), "a"},
		{"NewDay", "daily", "monday", day(1), "monday"},
		{"SameDayKept", "daily", "monday-2", day(1), "monday"},
		{"EarlierDayKept", "daily", "sunday", day(0), "monday"},
		{"LaterDayReplaces", "daily", "tuesday", day(2), "tuesday"},
	} {
		got, err := storage.AddSetting(ctx, db.Write, step.key, step.value, now, step.expires)
		if err != nil || got != step.want {
			t.Errorf("%s: AddSetting = %q, %v; want %q", step.name, got, err, step.want)
		}
	}
	count := func(key string) (n int) {
		db.Read.QueryRow(`SELECT COUNT(*) FROM settings WHERE key = $1`, key).Scan(&n)
		return n
	}
	for _, c := range []struct {
		at   time.Time
		want int
	}{{day(2).Add(-time.Millisecond), 1}, {day(2), 0}} {
		if err := storage.DropExpiredSetting(ctx, db.Write, "daily", c.at); err != nil {
			t.Fatal(err)
		}
		if got := count("daily"); got != c.want {
			t.Errorf("after DropExpiredSetting at %v: %d rows, want %d", c.at, got, c.want)
		}
	}
	if err := storage.DropExpiredSetting(ctx, db.Write, "forever", day(9)); err != nil || count("forever") != 1 {
		t.Errorf("DropExpiredSetting deleted a value that never expires (%v)", err)
	}
}
