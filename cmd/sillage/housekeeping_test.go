package main

import (
	"context"
	"io"
	"log/slog"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/sillage/sillage/migrations/dbtest"
	"github.com/sillage/sillage/migrations/storage"
	"github.com/sillage/sillage/web/accounts"
)

// Two instances on one database: one of them deletes the expired sessions
// and settings each period, and leaves the live ones.
func TestHousekeeping(t *testing.T) {
	ctx := context.Background()
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	first := dbtest.Open(t)
	second, err := storage.Open(ctx, first.Target)
	if err != nil {
		t.Fatal(err)
	}
	defer second.Close()
	var clock atomic.Int64
	t0 := time.Date(2026, 12, 2, 9, 0, 0, 0, time.UTC)
	clock.Store(t0.UnixMilli())
	now := func() time.Time { return time.UnixMilli(clock.Load()).UTC() }
	dbs := []*storage.DB{first, second}
	sessions := []*accounts.Sessions{accounts.NewSessions(first, now), accounts.NewSessions(second, now)}

	for _, s := range []struct {
		token  string
		expiry time.Duration
	}{{"gone", -time.Minute}, {"live", time.Hour}} {
		if err := sessions[0].CommitCtx(ctx, s.token, []byte("x"), t0.Add(s.expiry)); err != nil {
			t.Fatal(err)
		}
		if err := storage.PutSetting(ctx, first.Write, "mint-key:"+s.token, "", t0, t0.Add(s.expiry)); err != nil {
			t.Fatal(err)
		}
	}
	pass := func() int {
		t.Helper()
		var (
			ran atomic.Int32
			wg  sync.WaitGroup
		)
		for i, db := range dbs {
			wg.Go(func() {
				ok, err := housekeep(ctx, db, sessions[i], storage.InstanceName(), now(), time.Hour, quiet)
				if err != nil {
					t.Error(err)
				}
				if ok {
					ran.Add(1)
				}
			})
		}
		wg.Wait()
		return int(ran.Load())
	}
	rows := func(query string) []string {
		t.Helper()
		rs, err := first.Read.Query(query)
		if err != nil {
			t.Fatal(err)
		}
		defer rs.Close()
		var out []string
		for rs.Next() {
			var s string
			rs.Scan(&s)
			out = append(out, s)
		}
		return out
	}
	if got := pass(); got != 1 {
		t.Fatalf("%d instances ran the pass, want 1", got)
	}
	if got := rows(`SELECT key FROM settings WHERE key LIKE 'mint-key:%' ORDER BY key`); !slices.Equal(got, []string{"mint-key:live"}) {
		t.Errorf("settings left: %v, want the live key only", got)
	}
	if _, found, _ := sessions[1].FindCtx(ctx, "live"); !found {
		t.Error("the live session is gone")
	}
	if got := rows(`SELECT COUNT(*) FROM sessions`); !slices.Equal(got, []string{"1"}) {
		t.Errorf("%v sessions left, want 1", got)
	}
	clock.Add((30 * time.Minute).Milliseconds())
	if got := pass(); got != 0 {
		t.Errorf("%d instances ran a pass within the hour, want 0", got)
	}
	clock.Add((31 * time.Minute).Milliseconds())
	if got := pass(); got != 1 {
		t.Errorf("%d instances ran the next hour's pass, want 1", got)
	}
	if got := rows(`SELECT COUNT(*) FROM sessions`); !slices.Equal(got, []string{"0"}) {
		t.Errorf("%v sessions left after the live one expired, want 0", got)
	}
}
