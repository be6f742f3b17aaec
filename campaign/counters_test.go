package campaign_test

import (
	"context"
	"maps"
	"testing"
	"time"

	"github.com/sillage/sillage/campaign"
	"github.com/sillage/sillage/migrations/dbtest"
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
		{"raise", func() error { return campaign.RaiseTx(ctx, db.Write, c.ID, campaign.CountMaxDepth, 4) }, campaign.CountMaxDepth, 4},
		{"raise lower", func() error { return campaign.RaiseTx(ctx, db.Write, c.ID, campaign.CountMaxDepth, 3) }, campaign.CountMaxDepth, 4},
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
