package main

import (
	"bytes"
	"context"
	"io"
	"path/filepath"
	"testing"
	"time"

	"github.com/sillage/sillage/campaign"
	"github.com/sillage/sillage/campaign/cascade"
	"github.com/sillage/sillage/gating"
	"github.com/sillage/sillage/migrations/dbtest"
	"github.com/sillage/sillage/migrations/storage"
)

func TestFillMakesAConsistentCampaign(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	args, target := []string{"-data-dir", dir, "-claims", "500"}, filepath.Join(dir, "sillage.db")
	if pg := dbtest.Target(t); storage.DialectOf(pg) == storage.Postgres {
		args, target = append(args, "-db", pg), pg
	}
	var out bytes.Buffer
	for range 2 { // a second campaign continues the ids
		if err := run(ctx, args, &out, io.Discard); err != nil {
			t.Fatal(err)
		}
	}
	db, err := storage.Open(ctx, target)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	store := campaign.NewStore(db, dir, time.Now)
	gate := gating.NewStore(db, time.Now)
	defer gate.Close()
	for _, id := range []campaign.ID{1, 2} {
		counters, _ := store.Counters(ctx, id)
		err := gate.WithTree(ctx, id, func(tr *cascade.Tree) error {
			f := cascade.Compute(*tr, cascade.Window{Now: time.Now()})
			if f.Views != 500 || int64(f.Depth.Max) != counters[campaign.CountMaxDepth] ||
				int64(f.Forwards.All) != counters["forwards.whatsapp"]+counters["forwards.sms"]+counters["forwards.email"]+counters["forwards.link"] ||
				f.Forwards.All != 490 || len(f.Cascades) != 10 {
				t.Errorf("campaign %d: figures %+v disagree with counters %v", id, f, counters)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if err := run(ctx, []string{"-claims", "0"}, io.Discard, io.Discard); err == nil {
		t.Error("-claims 0 accepted")
	}
}
