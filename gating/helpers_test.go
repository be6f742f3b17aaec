package gating_test

import (
	"context"
	"testing"
	"time"

	"github.com/sillage/sillage/campaign"
	"github.com/sillage/sillage/campaign/campaigntest"
	"github.com/sillage/sillage/campaign/clocktest"
	"github.com/sillage/sillage/gating"
	"github.com/sillage/sillage/migrations/dbtest"
	"github.com/sillage/sillage/migrations/storage"
)

// env is a real database with both stores on one clock.
type env struct {
	db        *storage.DB
	clock     *clocktest.Clock
	campaigns *campaign.Store
	gate      *gating.Store
}

func newEnv(tb testing.TB) *env {
	tb.Helper()
	db := dbtest.Open(tb)
	clk := clocktest.New(time.Date(2026, 11, 23, 20, 0, 0, 0, time.UTC))
	e := &env{
		db:        db,
		clock:     clk,
		campaigns: campaign.NewStore(db, tb.TempDir(), clk.Now),
		gate:      gating.NewStore(db, clk.Now),
	}
	e.campaigns.Watch(e.gate.Forget)
	return e
}

// liveCampaign creates a live campaign with text content and rules edited by
// edit.
func (e *env) liveCampaign(tb testing.TB, edit func(*campaign.Rules)) *campaign.Campaign {
	tb.Helper()
	return campaigntest.Live(tb, e.campaigns, edit)
}

// seed mints one seed link with seats seats.
func (e *env) seed(tb testing.TB, id campaign.ID, seats int) string {
	tb.Helper()
	m, err := e.gate.MintSeeds(context.Background(), id, gating.SeedSpec{Count: 1, Channel: gating.Plain, Seats: seats})
	if err != nil {
		tb.Fatal(err)
	}
	return m[0].Token
}

// device returns a new device's cookie hash.
func device() []byte {
	_, h := gating.NewDevice()
	return h
}

func (e *env) counters(tb testing.TB, id campaign.ID) map[string]int64 {
	tb.Helper()
	m, err := e.campaigns.Counters(context.Background(), id)
	if err != nil {
		tb.Fatal(err)
	}
	return m
}
