package gating_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/sillage/sillage/campaign"
	"github.com/sillage/sillage/gating"
)

func TestUnlockAndForwardBuildTheTree(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	c := e.liveCampaign(t, nil)
	seed := e.seed(t, c.ID, 1)
	alice, bob, carol := device(), device(), device()

	a, outcome, err := e.gate.Unlock(ctx, seed, alice)
	if err != nil || outcome != gating.NewView {
		t.Fatalf("Unlock(seed, alice) = %v, %v; want a new view", outcome, err)
	}
	if a.Depth != 1 || a.ParentID != 0 {
		t.Errorf("seed claim: depth %d parent %d, want depth 1 and no parent", a.Depth, a.ParentID)
	}

	t.Run("ReviewIsNotAView", func(t *testing.T) {
		again, outcome, err := e.gate.Unlock(ctx, seed, alice)
		if err != nil || outcome != gating.Review || again.ID != a.ID {
			t.Fatalf("second unlock = claim %v, %v, %v; want a review of claim %d", again, outcome, err, a.ID)
		}
	})
	t.Run("SeatTaken", func(t *testing.T) {
		if _, _, err := e.gate.Unlock(ctx, seed, bob); !errors.Is(err, gating.ErrSeatTaken) {
			t.Fatalf("bob on alice's seat: %v, want ErrSeatTaken", err)
		}
	})

	fwd, _, err := e.gate.Forward(ctx, seed, alice, gating.WhatsApp, 0)
	if err != nil {
		t.Fatal(err)
	}
	b, outcome, err := e.gate.Unlock(ctx, fwd.Token, bob)
	if err != nil || outcome != gating.NewView {
		t.Fatalf("bob on alice's forward: %v, %v", outcome, err)
	}
	if b.Depth != 2 || b.ParentID != a.ID || b.Channel != gating.WhatsApp {
		t.Errorf("bob's claim: depth %d parent %d channel %s; want 2, %d, whatsapp", b.Depth, b.ParentID, b.Channel, a.ID)
	}

	t.Run("OwnLinkCountsNothing", func(t *testing.T) {
		fwd2, _, err := e.gate.Forward(ctx, seed, alice, gating.SMS, 0)
		if err != nil {
			t.Fatal(err)
		}
		claim, outcome, err := e.gate.Unlock(ctx, fwd2.Token, alice)
		if err != nil || outcome != gating.OwnLink || claim.ID != a.ID {
			t.Fatalf("alice on her own forward: %v, %v", outcome, err)
		}
		v, err := e.gate.Visit(ctx, fwd2.Token, alice)
		if err != nil || !v.Access {
			t.Errorf("alice cannot see her own forwarded link: %+v, %v", v, err)
		}
	})
	t.Run("ExposureIsNotANode", func(t *testing.T) {
		other := e.seed(t, c.ID, 1)
		if _, _, err := e.gate.Unlock(ctx, other, carol); err != nil {
			t.Fatal(err)
		}
		fwd3, _, err := e.gate.Forward(ctx, seed, alice, gating.Email, 0)
		if err != nil {
			t.Fatal(err)
		}
		_, outcome, err := e.gate.Unlock(ctx, fwd3.Token, carol)
		if err != nil || outcome != gating.Exposure {
			t.Fatalf("carol on a second link: %v, %v; want an exposure", outcome, err)
		}
		// The exposure took no seat: a newcomer can still claim the link.
		if _, outcome, err := e.gate.Unlock(ctx, fwd3.Token, device()); err != nil || outcome != gating.NewView {
			t.Errorf("newcomer after an exposure: %v, %v; want a new view", outcome, err)
		}
	})

	got := e.counters(t, c.ID)
	want := map[string]int64{
		"views": 4, "reviews": 1, "exposures": 1, "refusals": 1, "max_depth": 2,
		"links": 5, "forwards.whatsapp": 1, "forwards.sms": 1, "forwards.email": 1,
	}
	for name, n := range want {
		if got[name] != n {
			t.Errorf("counter %s = %d, want %d", name, got[name], n)
		}
	}
	tree, err := e.gate.Tree(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(tree.Nodes) != 4 || tree.Nodes[1].Parent != a.ID || tree.Reviews != 1 || tree.Exposures != 1 {
		t.Errorf("tree = %+v; want 4 nodes, bob under alice, 1 review, 1 exposure", tree)
	}
}

func TestUnlockEnforcesRules(t *testing.T) {
	ctx := context.Background()
	t.Run("MaxDepth", func(t *testing.T) {
		e := newEnv(t)
		c := e.liveCampaign(t, func(r *campaign.Rules) { r.MaxDepth = 2 })
		tok := e.seed(t, c.ID, 1)
		dev := device()
		mustUnlock(t, e, tok, dev)
		fwd, _, err := e.gate.Forward(ctx, tok, dev, gating.SMS, 0)
		if err != nil {
			t.Fatal(err)
		}
		dev2 := device()
		mustUnlock(t, e, fwd.Token, dev2)
		if _, _, err := e.gate.Forward(ctx, fwd.Token, dev2, gating.SMS, 0); !errors.Is(err, gating.ErrTooDeep) {
			t.Errorf("forward at max depth: %v, want ErrTooDeep", err)
		}
		// Tightening the rule after minting still stops the deeper unlock.
		fwd3, _, err := e.gate.Forward(ctx, tok, dev, gating.SMS, 0)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.campaigns.Update(ctx, c.ID, func(c *campaign.Campaign) error { c.Rules.MaxDepth = 1; return nil }); err != nil {
			t.Fatal(err)
		}
		if _, _, err := e.gate.Unlock(ctx, fwd3.Token, device()); !errors.Is(err, gating.ErrTooDeep) {
			t.Errorf("unlock past max depth: %v, want ErrTooDeep", err)
		}
	})
	t.Run("ForwardsPerClaim", func(t *testing.T) {
		e := newEnv(t)
		c := e.liveCampaign(t, func(r *campaign.Rules) { r.ForwardsPerClaim = 2 })
		tok := e.seed(t, c.ID, 1)
		dev := device()
		mustUnlock(t, e, tok, dev)
		for i := range 2 {
			if _, _, err := e.gate.Forward(ctx, tok, dev, gating.WhatsApp, 0); err != nil {
				t.Fatalf("forward %d: %v", i+1, err)
			}
		}
		if _, _, err := e.gate.Forward(ctx, tok, dev, gating.WhatsApp, 0); !errors.Is(err, gating.ErrForwardLimit) {
			t.Errorf("third forward: %v, want ErrForwardLimit", err)
		}
		if _, _, err := e.gate.Forward(ctx, tok, device(), gating.WhatsApp, 0); !errors.Is(err, gating.ErrNoClaim) {
			t.Errorf("forward without a claim: %v, want ErrNoClaim", err)
		}
	})
	t.Run("SeatsPerLink", func(t *testing.T) {
		e := newEnv(t)
		c := e.liveCampaign(t, func(r *campaign.Rules) { r.MaxSeats = 3 })
		tok := e.seed(t, c.ID, 3)
		for range 3 {
			mustUnlock(t, e, tok, device())
		}
		if _, _, err := e.gate.Unlock(ctx, tok, device()); !errors.Is(err, gating.ErrSeatTaken) {
			t.Errorf("fourth device on a 3-seat link: %v, want ErrSeatTaken", err)
		}
		if _, err := e.gate.MintSeeds(ctx, c.ID, gating.SeedSpec{Count: 1, Channel: gating.Plain, Seats: 4}); !isValidation(err) {
			t.Errorf("4 seats over a max of 3: %v, want a validation error", err)
		}
	})
	t.Run("LinkLifetime", func(t *testing.T) {
		e := newEnv(t)
		c := e.liveCampaign(t, func(r *campaign.Rules) { r.LinkLifetime = time.Hour })
		tok := e.seed(t, c.ID, 1)
		dev := device()
		mustUnlock(t, e, tok, dev)
		fwd, _, err := e.gate.Forward(ctx, tok, dev, gating.SMS, 0)
		if err != nil {
			t.Fatal(err)
		}
		e.clock.Advance(time.Hour)
		if _, _, err := e.gate.Unlock(ctx, fwd.Token, device()); !errors.Is(err, gating.ErrExpired) {
			t.Errorf("unlock after the link's lifetime: %v, want ErrExpired", err)
		}
	})
	t.Run("ViewCap", func(t *testing.T) {
		e := newEnv(t)
		c := e.liveCampaign(t, func(r *campaign.Rules) { r.ViewCap = 2; r.MaxSeats = 5 })
		tok := e.seed(t, c.ID, 5)
		mustUnlock(t, e, tok, device())
		mustUnlock(t, e, tok, device())
		if _, _, err := e.gate.Unlock(ctx, tok, device()); !errors.Is(err, gating.ErrFull) {
			t.Errorf("third view over a cap of 2: %v, want ErrFull", err)
		}
	})
	t.Run("Schedule", func(t *testing.T) {
		e := newEnv(t)
		c := e.liveCampaign(t, nil)
		tok := e.seed(t, c.ID, 1)
		start, end := e.clock.Now().Add(time.Hour), e.clock.Now().Add(2*time.Hour)
		if _, err := e.campaigns.Update(ctx, c.ID, func(c *campaign.Campaign) error {
			c.StartsAt, c.EndsAt = &start, &end
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		if _, _, err := e.gate.Unlock(ctx, tok, device()); !errors.Is(err, campaign.ErrNotOpen) {
			t.Errorf("before starts_at: %v, want ErrNotOpen", err)
		}
		e.clock.Advance(90 * time.Minute)
		mustUnlock(t, e, tok, device())
		e.clock.Advance(time.Hour)
		if _, _, err := e.gate.Unlock(ctx, e.seed(t, c.ID, 1), device()); !errors.Is(err, campaign.ErrEnded) {
			t.Errorf("after ends_at: %v, want ErrEnded", err)
		}
	})
	t.Run("Status", func(t *testing.T) {
		e := newEnv(t)
		c := &campaign.Campaign{Title: "Draft", Language: "fr", Rules: campaign.DefaultRules()}
		if err := e.campaigns.Create(ctx, c); err != nil {
			t.Fatal(err)
		}
		tok := e.seed(t, c.ID, 1)
		if _, _, err := e.gate.Unlock(ctx, tok, device()); !errors.Is(err, campaign.ErrNotOpen) {
			t.Errorf("draft: %v, want ErrNotOpen", err)
		}
		if _, err := e.campaigns.SetStatus(ctx, c.ID, campaign.Live); !errors.Is(err, campaign.ErrNoContent) {
			t.Errorf("live without content: %v, want ErrNoContent", err)
		}
		e.campaigns.PutText(ctx, c.ID, "text/markdown", "# hi")
		for _, step := range []struct {
			to   campaign.Status
			want error
		}{{campaign.Live, nil}, {campaign.Paused, campaign.ErrPaused}, {campaign.Ended, campaign.ErrEnded}} {
			if _, err := e.campaigns.SetStatus(ctx, c.ID, step.to); err != nil {
				t.Fatal(err)
			}
			if _, _, err := e.gate.Unlock(ctx, tok, device()); step.want != nil && !errors.Is(err, step.want) {
				t.Errorf("%s: %v, want %v", step.to, err, step.want)
			}
		}
		if _, err := e.campaigns.SetStatus(ctx, c.ID, campaign.Live); !errors.Is(err, campaign.ErrTransition) {
			t.Errorf("ended -> live: %v, want ErrTransition", err)
		}
	})
	t.Run("RevokedLooksUnknown", func(t *testing.T) {
		e := newEnv(t)
		c := e.liveCampaign(t, nil)
		m, err := e.gate.MintSeeds(ctx, c.ID, gating.SeedSpec{Count: 1, Channel: gating.Plain})
		if err != nil {
			t.Fatal(err)
		}
		if err := e.gate.Revoke(ctx, c.ID, m[0].ID); err != nil {
			t.Fatal(err)
		}
		unknown, _ := gating.NewToken()
		for _, tok := range []string{m[0].Token, unknown, "garbage"} {
			if _, _, err := e.gate.Unlock(ctx, tok, device()); !errors.Is(err, gating.ErrNotFound) {
				t.Errorf("Unlock(%q) = %v, want ErrNotFound", tok, err)
			}
		}
	})
}

// Fifty devices race for the last seat: exactly one gets it (see
// lastSeatRace, in race_test.go with its variant across instances).
func TestUnlockRaceForLastSeat(t *testing.T) {
	e := newEnv(t)
	for round := 0; round < rounds && !t.Failed(); round++ {
		lastSeatRace(t, e, []*gating.Store{e.gate})
	}
}

func mustUnlock(tb testing.TB, e *env, token string, dev []byte) *gating.Claim {
	tb.Helper()
	c, _, err := e.gate.Unlock(context.Background(), token, dev)
	if err != nil {
		tb.Fatalf("unlock: %v", err)
	}
	return c
}

func isValidation(err error) bool {
	var v *campaign.ValidationError
	return errors.As(err, &v)
}
