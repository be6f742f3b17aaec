package gating_test

import (
	"context"
	"errors"
	"testing"

	"github.com/sillage/sillage/campaign"
	"github.com/sillage/sillage/campaign/cascade"
	"github.com/sillage/sillage/gating"
)

// A revoked link stops newcomers but keeps serving the device that claimed
// it, and an expired link too.
func TestRevokedLinkKeepsItsHolder(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	c := e.liveCampaign(t, nil)
	m, err := e.gate.MintSeeds(ctx, c.ID, gating.SeedSpec{Count: 1, Channel: gating.Plain, Seats: 2})
	if err != nil {
		t.Fatal(err)
	}
	holder := device()
	mustUnlock(t, e, m[0].Token, holder)
	if err := e.gate.Revoke(ctx, c.ID, m[0].ID); err != nil {
		t.Fatal(err)
	}
	if v, err := e.gate.Visit(ctx, m[0].Token, holder); err != nil || !v.Access {
		t.Errorf("holder after revocation: %+v, %v; want access", v, err)
	}
	if _, outcome, err := e.gate.Unlock(ctx, m[0].Token, holder); err != nil || outcome != gating.Review {
		t.Errorf("holder unlock after revocation: %v, %v; want a review", outcome, err)
	}
	if _, _, err := e.gate.Forward(ctx, m[0].Token, holder, gating.SMS, 0); err != nil {
		t.Errorf("holder forward after revocation: %v", err)
	}
	newcomer := device()
	if _, _, err := e.gate.Unlock(ctx, m[0].Token, newcomer); !errors.Is(err, gating.ErrNotFound) {
		t.Errorf("newcomer on a revoked link: %v, want ErrNotFound", err)
	}
	if _, err := e.gate.Visit(ctx, m[0].Token, newcomer); !errors.Is(err, gating.ErrNotFound) {
		t.Errorf("newcomer visit of a revoked link: %v, want ErrNotFound", err)
	}
}

func TestLeaks(t *testing.T) {
	ctx := context.Background()
	for _, revoke := range []bool{false, true} {
		e := newEnv(t)
		c := e.liveCampaign(t, func(r *campaign.Rules) { r.RevokeLeaks = revoke })
		m, err := e.gate.MintSeeds(ctx, c.ID, gating.SeedSpec{Count: 2, Channel: gating.Plain, Label: "poster"})
		if err != nil {
			t.Fatal(err)
		}
		mustUnlock(t, e, m[0].Token, device())
		mustUnlock(t, e, m[1].Token, device())
		again := device()
		e.gate.Unlock(ctx, m[1].Token, again) // one refusal: not a leak
		e.gate.Unlock(ctx, m[1].Token, again) // the same device twice counts once
		for range 2 {
			e.gate.Unlock(ctx, m[0].Token, device())
		}
		leaks, err := e.gate.Leaks(ctx, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(leaks) != 1 || leaks[0].LinkID != m[0].ID || leaks[0].Refused != 2 || leaks[0].Seats != 1 || leaks[0].Label != "poster" {
			t.Fatalf("revoke=%v: leaks = %+v, want link %d refused to 2 devices", revoke, leaks, m[0].ID)
		}
		if leaks[0].Revoked != revoke {
			t.Errorf("revoke_leaks=%v but the leaked link's revoked = %v", revoke, leaks[0].Revoked)
		}
		_, _, err = e.gate.Unlock(ctx, m[0].Token, device())
		if want := map[bool]error{false: gating.ErrSeatTaken, true: gating.ErrNotFound}[revoke]; !errors.Is(err, want) {
			t.Errorf("revoke=%v: next device on the leaked link: %v, want %v", revoke, err, want)
		}
		// The last device was refused too, unless the link was revoked.
		want := map[bool]int64{false: 4, true: 3}[revoke]
		if got := e.counters(t, c.ID)["refusals"]; got != want {
			t.Errorf("revoke=%v: refusals = %d, want %d", revoke, got, want)
		}
	}
}

// A recipient changed phone: the marketer releases the seat, the new phone
// takes the node over (same place, same children, no new view) and the old
// phone loses access.
func TestReleaseSeat(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	c := e.liveCampaign(t, nil)
	tok := e.seed(t, c.ID, 1)
	oldPhone, newPhone := device(), device()
	claim := mustUnlock(t, e, tok, oldPhone)
	fwd, _, err := e.gate.Forward(ctx, tok, oldPhone, gating.WhatsApp, 0)
	if err != nil {
		t.Fatal(err)
	}
	child := mustUnlock(t, e, fwd.Token, device())

	if _, _, err := e.gate.Unlock(ctx, tok, newPhone); !errors.Is(err, gating.ErrSeatTaken) {
		t.Fatalf("before release: %v, want ErrSeatTaken", err)
	}
	// The tree is cached before the release: a refresh must see the takeover.
	if tree, _ := e.gate.Tree(ctx, c.ID); len(tree.TakeOvers) != 0 {
		t.Errorf("takeovers before any release: %v", tree.TakeOvers)
	}
	if _, err := e.gate.Release(ctx, c.ID, claim.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := e.gate.Release(ctx, c.ID, claim.ID); !errors.Is(err, gating.ErrReleased) {
		t.Errorf("second release: %v, want ErrReleased", err)
	}
	if _, err := e.gate.Release(ctx, c.ID, 9999); !errors.Is(err, gating.ErrNotFound) {
		t.Errorf("release of an unknown claim: %v, want ErrNotFound", err)
	}
	if v, _ := e.gate.Visit(ctx, tok, oldPhone); v.Access {
		t.Error("the old phone kept access after the release")
	}
	views := e.counters(t, c.ID)["views"]
	got, outcome, err := e.gate.Unlock(ctx, tok, newPhone)
	if err != nil || outcome != gating.TakeOver || got.ID != claim.ID || got.Depth != 1 {
		t.Fatalf("new phone: claim %+v, %v, %v; want to take over claim %d", got, outcome, err, claim.ID)
	}
	if after := e.counters(t, c.ID)["views"]; after != views {
		t.Errorf("views went from %d to %d on a takeover", views, after)
	}
	tree, _ := e.gate.Tree(ctx, c.ID)
	if len(tree.Nodes) != 2 || tree.Nodes[1].ID != child.ID || tree.Nodes[1].Parent != claim.ID {
		t.Errorf("tree after takeover = %+v, want the child still under claim %d", tree.Nodes, claim.ID)
	}
	// Three phones saw the content: two views and a takeover.
	f := cascade.Compute(*tree, cascade.Window{})
	if got, want := [2]int{f.Views, f.Reach}, [2]int{2, 3}; got != want {
		t.Errorf("views, reach = %v, want %v", got, want)
	}
	if got, want := e.counters(t, c.ID)[campaign.CountTakeOvers], int64(1); got != want {
		t.Errorf("takeovers counter = %d, want %d", got, want)
	}
	var events int
	e.db.Read.QueryRow(`SELECT COUNT(*) FROM seat_releases WHERE claim_id = $1 AND taken_over_at IS NOT NULL`, claim.ID).Scan(&events)
	if events != 1 {
		t.Errorf("%d recorded release events, want 1", events)
	}
	if _, _, err := e.gate.Unlock(ctx, tok, device()); !errors.Is(err, gating.ErrSeatTaken) {
		t.Errorf("after the takeover the seat is free again: %v", err)
	}
}
