package gating_test

import (
	"context"
	"sync"
	"testing"

	"github.com/sillage/sillage/campaign/cascade"
	"github.com/sillage/sillage/gating"
)

// Every unlock goes through a group commit that ObserveBatches reports,
// and TreeStats counts the trees and their claims once they are read.
func TestStats(t *testing.T) {
	e := newEnv(t)
	defer e.gate.Close()
	var mu sync.Mutex
	var batches []gating.Batch
	e.gate.ObserveBatches(func(b gating.Batch) {
		mu.Lock()
		batches = append(batches, b)
		mu.Unlock()
	})
	ctx := context.Background()
	if got := e.gate.TreeStats(); got != (gating.TreeStats{}) {
		t.Fatalf("TreeStats before any tree = %+v, want zero", got)
	}
	c := e.liveCampaign(t, nil)
	token := e.seed(t, c.ID, 3)
	for range 3 {
		if _, _, err := e.gate.Unlock(ctx, token, device()); err != nil {
			t.Fatal(err)
		}
	}
	mu.Lock()
	writes := 0
	for _, b := range batches {
		if b.Size < 1 || b.Wait < 0 || b.Commit <= 0 {
			t.Errorf("batch %+v: want a size of at least 1 and a commit that took time", b)
		}
		writes += b.Size
	}
	mu.Unlock()
	if writes < 3 {
		t.Errorf("batches carried %d writes, want at least the 3 unlocks", writes)
	}

	if err := e.gate.WithTree(ctx, c.ID, func(*cascade.Tree) error { return nil }); err != nil {
		t.Fatal(err)
	}
	if got, want := e.gate.TreeStats(), (gating.TreeStats{Trees: 1, Nodes: 3, Links: 1}); got != want {
		t.Errorf("TreeStats = %+v, want %+v", got, want)
	}
}
