package gating_test

import (
	"context"
	"maps"
	"testing"

	"github.com/sillage/sillage/campaign"
	"github.com/sillage/sillage/gating"
	"github.com/sillage/sillage/migrations/storage"
)

// On PostgreSQL, unlocks and forwards add to the shard of the link or
// claim they hold locked, so a campaign's views through four links land on
// four rows; SQLite keeps one row per counter. Either way the counters read
// the same.
func TestCountersSpreadOverShards(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	c := e.liveCampaign(t, nil)
	seeds := e.seeds(t, c.ID, 4)
	devices := make([][]byte, len(seeds))
	for i, tok := range seeds {
		devices[i] = device()
		mustUnlock(t, e, tok, devices[i])
	}
	if _, out, err := e.gate.Unlock(ctx, seeds[0], devices[0]); err != nil || out != gating.Review {
		t.Fatalf("re-open: %v, %v; want a review", out, err)
	}
	var forwards []string
	for i := range 2 { // two claims forward, each through its own seed
		m, _, err := e.gate.Forward(ctx, seeds[i], devices[i], gating.WhatsApp, 0)
		if err != nil {
			t.Fatal(err)
		}
		forwards = append(forwards, m.Token)
	}
	mustUnlock(t, e, forwards[0], device())
	want := map[string]int64{
		campaign.CountViews: 5, campaign.CountMaxDepth: 2, campaign.CountReviews: 1,
		campaign.CountLinks: 6, campaign.CountForwards + string(gating.WhatsApp): 2,
	}
	if got := e.counters(t, c.ID); !maps.Equal(got, want) {
		t.Errorf("counters = %v, want %v", got, want)
	}
	rows := e.count(t, `SELECT COUNT(*) FROM campaign_counters WHERE campaign_id = $1 AND name = 'views'`, c.ID)
	forwardRows := e.count(t, `SELECT COUNT(*) FROM campaign_counters WHERE campaign_id = $1 AND name = 'forwards.whatsapp'`, c.ID)
	nonZero := e.count(t, `SELECT COUNT(*) FROM campaign_counters WHERE campaign_id = $1 AND shard <> 0`, c.ID)
	if e.db.Dialect == storage.Postgres {
		// Four seeds minted together have consecutive ids, so four shards;
		// the view through a forward takes a fifth or shares one.
		if rows < 4 || forwardRows != 2 {
			t.Errorf("PostgreSQL: views on %d rows, forwards on %d; want at least 4 and 2", rows, forwardRows)
		}
	} else if rows != 1 || forwardRows != 1 || nonZero != 0 {
		t.Errorf("SQLite: views on %d rows, forwards on %d, %d rows off shard 0; want 1, 1, 0", rows, forwardRows, nonZero)
	}
}
