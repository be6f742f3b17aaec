package gating_test

import (
	"context"
	"reflect"
	"testing"

	"github.com/sillage/sillage/campaign"
	"github.com/sillage/sillage/gating"
)

// The in-memory tree, refreshed by what was added, always equals a tree
// read from scratch, whatever happened in between.
func TestTreeCacheFollowsWrites(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	c := e.liveCampaign(t, func(r *campaign.Rules) { r.MaxSeats = 3 })
	check := func(step string) {
		t.Helper()
		cached, err := e.gate.Tree(ctx, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		fresh, err := gating.NewStore(e.db, e.clock.Now).Tree(ctx, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(cached, fresh) {
			t.Fatalf("after %s the cached tree differs:\ncached %+v\nfresh  %+v", step, cached, fresh)
		}
	}
	check("nothing")
	seed := e.seed(t, c.ID, 2)
	a := device()
	mustUnlock(t, e, seed, a)
	check("a first claim")
	fwd, _, _ := e.gate.Forward(ctx, seed, a, gating.WhatsApp, 0)
	check("a forward")
	b := device()
	mustUnlock(t, e, fwd.Token, b)
	e.gate.Unlock(ctx, fwd.Token, device()) // refused
	mustUnlock(t, e, seed, b)               // exposure
	mustUnlock(t, e, seed, a)               // review
	check("refusals, exposures and reviews")
	other := e.liveCampaign(t, nil)
	mustUnlock(t, e, e.seed(t, other.ID, 1), device())
	mustUnlock(t, e, e.seed(t, c.ID, 1), device())
	check("claims of another campaign in between")
	tree, _ := e.gate.Tree(ctx, c.ID)
	if len(tree.Nodes) != 3 || tree.Nodes[1].Depth != 2 || tree.Nodes[1].Channel != "whatsapp" ||
		tree.Links[1].Claims != 1 || tree.Links[1].Refused != 1 || tree.Exposures != 1 || tree.Reviews != 1 {
		t.Errorf("tree = %+v", tree)
	}
	if _, err := e.gate.Tree(ctx, 999); err == nil {
		t.Error("Tree of an unknown campaign succeeded")
	}

	// A refresh cut short after reading the new links but not their
	// claims (here the claims table is out of reach for a moment) must not
	// leave the next refresh to count those claims twice.
	mustUnlock(t, e, e.seed(t, c.ID, 1), device())
	rename := func(from, to string) {
		t.Helper()
		if _, err := e.db.Write.Exec(`ALTER TABLE ` + from + ` RENAME TO ` + to); err != nil {
			t.Fatal(err)
		}
	}
	rename("claims", "claims_aside")
	if _, err := e.gate.Tree(ctx, c.ID); err == nil {
		t.Fatal("the tree was read without its claims")
	}
	rename("claims_aside", "claims")
	check("a refresh that failed halfway")
}
