package campaign_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/sillage/sillage/campaign"
	"github.com/sillage/sillage/campaign/mediatest"
	"github.com/sillage/sillage/migrations/dbtest"
	"github.com/sillage/sillage/migrations/storage"
)

// plantAged writes an unreferenced file of the content folder last
// modified age ago, and returns its name.
func plantAged(t *testing.T, dir, name string, age time.Duration) string {
	t.Helper()
	p := filepath.Join(dir, "content", name)
	if err := os.WriteFile(p, []byte("orphan"), 0o640); err != nil {
		t.Fatal(err)
	}
	at := time.Now().Add(-age)
	if err := os.Chtimes(p, at, at); err != nil {
		t.Fatal(err)
	}
	return name
}

// Sweep removes no file younger than SweepGrace, referenced or not: it may
// be another instance's upload whose row has not committed yet.
func TestSweepGrace(t *testing.T) {
	ctx := context.Background()
	s, dir := newStore(t)
	c := newCampaign(t, s)
	got, err := s.PutFile(ctx, c.ID, "video/mp4", "clip.mp4", bytes.NewReader(mediatest.MP4([]byte("clip"))), 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		filepath.Base(got.Content.Path),
		plantAged(t, dir, "00000000000000000000000000000001", 0),                                  // renamed, row not committed yet
		plantAged(t, dir, ".upload-fresh", time.Second),                                           // being written
		plantAged(t, dir, "00000000000000000000000000000002", campaign.SweepGrace-10*time.Minute), // just under the grace age
	}
	plantAged(t, dir, "00000000000000000000000000000003", campaign.SweepGrace+10*time.Minute)
	plantAged(t, dir, ".upload-old", 3*campaign.SweepGrace)
	if err := s.Sweep(ctx); err != nil {
		t.Fatal(err)
	}
	slices.Sort(want)
	if got := contentFiles(t, dir); !slices.Equal(got, want) {
		t.Errorf("after Sweep the content folder holds %v, want %v", got, want)
	}
}

// Of instances starting together on one database and one content
// folder, one sweeps; another sweeps once the hour's lease has passed.
func TestSweepOnce(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	target := dbtest.Target(t) // a SQLite file or a PostgreSQL database
	var now atomic.Int64
	now.Store(time.Now().UnixNano())
	clock := func() time.Time { return time.Unix(0, now.Load()) }
	var stores []*campaign.Store
	for range 3 {
		db, err := storage.Open(ctx, target)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		stores = append(stores, campaign.NewStore(db, dir, clock))
	}
	c := newCampaign(t, stores[0])
	if _, err := stores[0].PutFile(ctx, c.ID, "video/mp4", "clip.mp4", bytes.NewReader(mediatest.MP4([]byte("clip"))), 1<<20); err != nil {
		t.Fatal(err)
	}
	sweepAll := func() int {
		t.Helper()
		var (
			ran atomic.Int32
			wg  sync.WaitGroup
		)
		for _, s := range stores {
			wg.Go(func() {
				ok, err := s.SweepOnce(ctx, storage.InstanceName())
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
	orphan := plantAged(t, dir, "00000000000000000000000000000003", 2*campaign.SweepGrace)
	if got := sweepAll(); got != 1 {
		t.Fatalf("%d instances swept, want 1", got)
	}
	if slices.Contains(contentFiles(t, dir), orphan) {
		t.Error("the sweep left an orphan two days old")
	}
	orphan = plantAged(t, dir, "00000000000000000000000000000004", 2*campaign.SweepGrace)
	now.Add(int64(59 * time.Minute))
	if got := sweepAll(); got != 0 {
		t.Errorf("%d instances swept again within the hour, want 0", got)
	}
	now.Add(int64(time.Minute))
	if got := sweepAll(); got != 1 {
		t.Errorf("an hour later %d instances swept, want 1", got)
	}
	if slices.Contains(contentFiles(t, dir), orphan) {
		t.Error("the sweep an hour later left an orphan two days old")
	}
}
