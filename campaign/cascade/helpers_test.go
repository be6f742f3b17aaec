package cascade

import (
	"math/rand/v2"
	"testing"
	"time"

	"github.com/sillage/sillage/migrations/testnote"
)

// t0 is the start of every test campaign.
var t0 = time.Date(2025, 3, 14, 9, 0, 0, 0, time.UTC)

// build returns a campaign whose claim i+1 has parent parents[i] (0 for a
// seed claim), claimed i minutes after t0, each through its own link.
func build(tb testing.TB, parents ...int64) Tree {
	tb.Helper()
	var t Tree
	for i, p := range parents {
		id := int64(i + 1)
		if p >= id {
			tb.Fatalf("claim %d: parent %d is not older", id, p)
		}
		depth := 1
		if p != 0 {
			depth = t.Nodes[p-1].Depth + 1
		}
		at := t0.Add(time.Duration(i) * time.Minute)
		t.Nodes = append(t.Nodes, Node{ID: id, Parent: p, Depth: depth, Channel: chWhatsApp, Link: id, ClaimedAt: at})
		t.Links = append(t.Links, Link{ID: id, Sender: p, Channel: chWhatsApp, Seats: 1, Claims: 1, CreatedAt: at.Add(-time.Second), FirstClaimAt: at})
	}
	return t
}

// star returns parents for a seed claim with n children.
func star(n int) []int64 {
	p := make([]int64, n+1)
	for i := 1; i <= n; i++ {
		p[i] = 1
	}
	return p
}

// path returns parents for a chain of n claims.
func path(n int) []int64 {
	p := make([]int64, n)
	for i := 1; i < n; i++ {
		p[i] = int64(i)
	}
	return p
}

// Shapes of random trees.
const (
	recursive = "recursive" // parent drawn among all older claims: shallow and bushy
	deep      = "deep"      // mostly the previous claim: long chains
	wide      = "wide"      // a few hubs with very many children
	mixed     = "mixed"     // each claim picks one of the above
)

var shapes = []string{recursive, deep, wide, mixed}

var channels = []string{chWhatsApp, chSMS, chEmail, chLink}

// randomTree returns a tree of n claims of the given shape. With sparse
// ids, ids grow by random gaps up to gap, as when campaigns share a table.
// Each claim has its own link, minted just before, and one link in four
// more stays unclaimed.
func randomTree(r *rand.Rand, shape string, n int, gap int64) Tree {
	t := Tree{Nodes: make([]Node, 0, n), Links: make([]Link, 0, n+n/4)}
	ids := make([]int64, n)
	id, at := int64(0), t0
	hubs := 1 + r.IntN(5)
	for i := range n {
		id += 1 + r.Int64N(gap)
		ids[i] = id
		at = at.Add(time.Duration(r.IntN(120_000)) * time.Millisecond)
		parent := -1 // index of the parent, -1 for a seed claim
		s := shape
		if s == mixed {
			s = shapes[r.IntN(3)]
		}
		if i > 0 {
			switch s {
			case recursive:
				if r.IntN(50) != 0 {
					parent = r.IntN(i)
				}
			case deep:
				if r.IntN(200) != 0 {
					parent = i - 1
					if r.IntN(20) == 0 {
						parent = r.IntN(i)
					}
				}
			case wide:
				if i >= hubs {
					parent = r.IntN(hubs)
				}
			}
		}
		ch := channels[r.IntN(len(channels))]
		nd := Node{ID: id, Depth: 1, Channel: ch, Link: int64(i + 1), ClaimedAt: at}
		if parent >= 0 {
			nd.Parent, nd.Depth = ids[parent], t.Nodes[parent].Depth+1
		}
		t.Nodes = append(t.Nodes, nd)
		t.Links = append(t.Links, Link{ID: int64(i + 1), Sender: nd.Parent, Channel: ch, Seats: 1, Claims: 1,
			CreatedAt: at.Add(-time.Duration(r.IntN(3600)) * time.Second), FirstClaimAt: at})
	}
	for i := range n / 4 {
		t.Links = append(t.Links, Link{ID: int64(n + i + 1), Sender: ids[r.IntN(n)], Channel: channels[r.IntN(len(channels))],
			Seats: 1, Refused: r.IntN(2), CreatedAt: at})
	}
	return t
}

// OracleMissing skips, unless SILLAGE_REQUIRE_ORACLE=1 demands the oracle
// (python3 and NetworkX). It is exported for the tests of cascade_test
// too, which run in the same test binary.
func OracleMissing(t *testing.T, what string) {
	t.Helper()
	if testnote.Required(t, "SILLAGE_REQUIRE_ORACLE") {
		t.Fatalf("%s is missing and SILLAGE_REQUIRE_ORACLE=1", what)
	}
	testnote.Skipf(t, "%s is missing: apt-get install python3-networkx", what)
}
