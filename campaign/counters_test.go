package campaign_test

import (
	"context"
	"maps"
	"testing"
	"time"

	"github.com/sillage/sillage/campaign"
	"github.com/sillage/sillage/migrations/dbtest"
	"github.com/sillage/sillage/migrations/storage"
)

// The counters read back whole and exact on both stores, past 2^53 too,
// where a float would round (SUM of a BIGINT is numeric on PostgreSQL).
func TestCounters(t *testing.T) {
	ctx := context.Background()
	db := dbtest.Open(t)
	s := campaign.NewStore(db, t.TempDir(), time.Now)
	c := newCampaign(t, s)
	const big = 1<<53 + 1
	steps := []struct {
		name  string
		write func() error
		count string
		want  int64
	}{
		{"never counted", func() error { return nil }, campaign.CountViews, 0},
		{"add", func() error { return campaign.AddTx(ctx, db.Write, c.ID, campaign.CountViews, 2) }, campaign.CountViews, 2},
		{"add again", func() error { return campaign.AddTx(ctx, db.Write, c.ID, campaign.CountViews, 3) }, campaign.CountViews, 5},
		{"raise", func() error { return campaign.RaiseShardTx(ctx, db.Write, c.ID, campaign.CountMaxDepth, 0, 4) }, campaign.CountMaxDepth, 4},
		{"raise lower", func() error { return campaign.RaiseShardTx(ctx, db.Write, c.ID, campaign.CountMaxDepth, 0, 3) }, campaign.CountMaxDepth, 4},
		{"add past 2^53", func() error { return campaign.AddTx(ctx, db.Write, c.ID, campaign.CountLinks, big) }, campaign.CountLinks, big},
	}
	for _, st := range steps {
		if err := st.write(); err != nil {
			t.Fatalf("%s: %v", st.name, err)
		}
		got, err := campaign.CountTx(ctx, db.Read, c.ID, st.count)
		if err != nil {
			t.Fatalf("%s: CountTx: %v", st.name, err)
		}
		if got != st.want {
			t.Errorf("%s: CountTx(%s) = %d, want %d", st.name, st.count, got, st.want)
		}
	}
	got, err := s.Counters(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]int64{campaign.CountViews: 5, campaign.CountMaxDepth: 4, campaign.CountLinks: big}
	if !maps.Equal(got, want) {
		t.Errorf("Counters = %v, want %v", got, want)
	}
}

// A counter spread over shards reads as one in every reader: the sum of
// its shards, or the largest for max_depth, which is raised; a campaign
// with no counter reads 0.
func TestCounterShardsAddUp(t *testing.T) {
	ctx := context.Background()
	db := dbtest.Open(t)
	s := campaign.NewStore(db, t.TempDir(), time.Now)
	c, other := newCampaign(t, s), newCampaign(t, s)
	for _, w := range []struct {
		sh    campaign.Shard
		views int64
		depth int64
	}{{0, 2, 4}, {5, 3, 7}, {15, 1 << 53, 6}} {
		if err := campaign.AddShardTx(ctx, db.Write, c.ID, campaign.CountViews, w.sh, w.views); err != nil {
			t.Fatal(err)
		}
		if err := campaign.RaiseShardTx(ctx, db.Write, c.ID, campaign.CountMaxDepth, w.sh, w.depth); err != nil {
			t.Fatal(err)
		}
	}
	if err := campaign.AddTx(ctx, db.Write, other.ID, campaign.CountViews, 1); err != nil {
		t.Fatal(err)
	}
	want := map[string]int64{campaign.CountViews: 1<<53 + 5, campaign.CountMaxDepth: 7}
	for name, v := range want {
		got, err := campaign.CountTx(ctx, db.Read, c.ID, name)
		if err != nil || got != v {
			t.Errorf("CountTx(%s) = %d, %v; want %d", name, got, err, v)
		}
	}
	if got, err := campaign.CountTx(ctx, db.Read, c.ID, campaign.CountLinks); err != nil || got != 0 {
		t.Errorf("CountTx(links) = %d, %v; want 0", got, err)
	}
	got, err := s.Counters(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !maps.Equal(got, want) {
		t.Errorf("Counters = %v, want %v", got, want)
	}
	all, err := s.AllCounters(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !maps.Equal(all[c.ID], want) || !maps.Equal(all[other.ID], map[string]int64{campaign.CountViews: 1}) || len(all) != 2 {
		t.Errorf("AllCounters = %v, want %v for %d and views 1 for %d", all, want, c.ID, other.ID)
	}
}

// Writes spread over the shards on PostgreSQL only: SQLite has one writer,
// and one row per counter.
func TestShardOf(t *testing.T) {
	seen := map[campaign.Shard]bool{}
	for key := int64(1); key <= 2*campaign.Shards; key++ {
		if sh := campaign.ShardOf(storage.SQLite, key); sh != 0 {
			t.Errorf("SQLite: key %d on shard %d, want 0", key, sh)
		}
		sh := campaign.ShardOf(storage.Postgres, key)
		if sh < 0 || sh >= campaign.Shards {
			t.Errorf("PostgreSQL: key %d on shard %d, out of range", key, sh)
		}
		seen[sh] = true
	}
	if len(seen) != campaign.Shards {
		t.Errorf("PostgreSQL: %d consecutive keys took %d shards, want all %d", 2*campaign.Shards, len(seen), campaign.Shards)
	}
}
