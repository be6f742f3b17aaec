package gating

import "time"

// Batch is what one group commit of the recipient's writes did.
type Batch struct {
	Size   int           // writes the commit carried (1 to 128)
	Wait   time.Duration // how long its oldest write waited, queued, before the commit began
	Commit time.Duration // the transaction, begin to commit
}

// ObserveBatches has fn told about every group commit, from the writer's
// goroutine, before the writes it carried return: fn must be quick. On
// PostgreSQL every write commits alone (a Batch of Size 1), and fn is
// called from the writing goroutine before the write returns. Call it
// before the store's first write; later calls are not seen.
func (s *Store) ObserveBatches(fn func(Batch)) { s.batches = fn }

// TreeStats is the size of the in-memory tree cache.
type TreeStats struct {
	Trees int   // campaigns whose tree is in memory
	Nodes int64 // claims held, over every tree
	Links int64 // links held, over every tree
}

// TreeStats returns the tree cache's size as of each tree's last refresh.
// It never waits for a tree being read or refreshed.
func (s *Store) TreeStats() TreeStats {
	t := &s.trees
	t.mu.Lock()
	defer t.mu.Unlock()
	st := TreeStats{Trees: len(t.byID)}
	for _, c := range t.byID {
		st.Nodes += c.nodes.Load()
		st.Links += c.links.Load()
	}
	return st
}
