package gating_test

import (
	"context"
	"crypto/rand"
	"errors"
	"sync"
	"testing"

	"github.com/sillage/sillage/campaign"
	"github.com/sillage/sillage/gating"
)

// network returns a new client network's hash, as the web side makes it.
func network() []byte {
	b := make([]byte, 16)
	rand.Read(b)
	return b
}

// One client clearing its cookie on a 25-seat link, the issue's
// inflation: it gets the network cap, not the link's seats.
func TestNetworkCapSelfInflation(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	c := e.liveCampaign(t, nil) // the default cap
	cap := campaign.DefaultClaimsPerNetwork
	seed := e.seed(t, c.ID, 25)
	home := network()
	views := 0
	for range 25 {
		_, outcome, err := e.gate.UnlockFrom(ctx, seed, device(), home)
		switch {
		case err == nil && outcome == gating.NewView:
			views++
		case errors.Is(err, gating.ErrNetworkCap):
		default:
			t.Fatalf("unlock: %v, %v", outcome, err)
		}
	}
	if views != cap {
		t.Errorf("one network got %d views of a 25-seat link, want the cap %d", views, cap)
	}
	if got := e.counters(t, c.ID)[campaign.CountViews]; got != int64(cap) {
		t.Errorf("views counter %d, want %d", got, cap)
	}

	t.Run("OtherNetworkStillClaims", func(t *testing.T) {
		if _, _, err := e.gate.UnlockFrom(ctx, seed, device(), network()); err != nil {
			t.Fatalf("another network: %v", err)
		}
	})
	t.Run("HolderStillReviews", func(t *testing.T) {
		// A device of the capped network that holds a claim still sees it.
		dev := device()
		other := e.seed(t, c.ID, 1)
		if _, _, err := e.gate.UnlockFrom(ctx, other, dev, network()); err != nil {
			t.Fatal(err)
		}
		if _, outcome, err := e.gate.UnlockFrom(ctx, other, dev, home); err != nil || outcome != gating.Review {
			t.Fatalf("review from the capped network: %v, %v", outcome, err)
		}
	})
	t.Run("UnknownNetworkNotCapped", func(t *testing.T) {
		if _, _, err := e.gate.UnlockFrom(ctx, seed, device(), nil); err != nil {
			t.Fatalf("unknown network: %v", err)
		}
	})
	t.Run("ForwardToSelf", func(t *testing.T) {
		// Forwarding to oneself builds no tree past the cap either.
		c := e.liveCampaign(t, nil)
		me := network()
		tokens := []string{e.seed(t, c.ID, 1)}
		devs := map[string][]byte{}
		views := 0
		for len(tokens) > 0 && views < 200 {
			tok := tokens[0]
			tokens = tokens[1:]
			dev := device()
			if _, _, err := e.gate.UnlockFrom(ctx, tok, dev, me); errors.Is(err, gating.ErrNetworkCap) {
				continue
			} else if err != nil {
				t.Fatal(err)
			}
			views++
			devs[tok] = dev
			for range 3 {
				m, _, err := e.gate.Forward(ctx, tok, dev, gating.SMS, 0)
				if err != nil {
					t.Fatal(err)
				}
				tokens = append(tokens, m.Token)
			}
		}
		if views != cap {
			t.Errorf("forwarding to itself made %d views, want the cap %d", views, cap)
		}
	})
}

func TestNetworkCapRules(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	for _, tc := range []struct {
		name string
		cap  int
		want int
	}{
		{"Three", 3, 3},
		{"NoCap", 0, 12},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := e.liveCampaign(t, func(r *campaign.Rules) { r.MaxClaimsPerNetwork = tc.cap })
			seed := e.seed(t, c.ID, 12)
			net := network()
			got := 0
			for range 12 {
				if _, _, err := e.gate.UnlockFrom(ctx, seed, device(), net); err == nil {
					got++
				} else if !errors.Is(err, gating.ErrNetworkCap) {
					t.Fatal(err)
				}
			}
			if got != tc.want {
				t.Errorf("%d views from one network with cap %d, want %d", got, tc.cap, tc.want)
			}
		})
	}
	t.Run("PerCampaign", func(t *testing.T) {
		net := network()
		for range 2 {
			c := e.liveCampaign(t, func(r *campaign.Rules) { r.MaxClaimsPerNetwork = 1 })
			if _, _, err := e.gate.UnlockFrom(ctx, e.seed(t, c.ID, 1), device(), net); err != nil {
				t.Fatalf("the network's first view of another campaign: %v", err)
			}
		}
	})
}

// Fifty devices of one network unlocking at once get exactly the cap:
// the count and the claim share one transaction.
func TestNetworkCapRace(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	const cap = 7
	c := e.liveCampaign(t, func(r *campaign.Rules) { r.MaxClaimsPerNetwork = cap; r.MaxSeats = 100 })
	seed := e.seed(t, c.ID, 60)
	net := network()
	var (
		wg             sync.WaitGroup
		mu             sync.Mutex
		views, refused int
	)
	for range 50 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, _, err := e.gate.UnlockFrom(ctx, seed, device(), net)
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err == nil:
				views++
			case errors.Is(err, gating.ErrNetworkCap):
				refused++
			default:
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if views != cap || refused != 50-cap {
		t.Errorf("%d views and %d refusals, want %d and %d", views, refused, cap, 50-cap)
	}
	var rows int
	if err := e.db.Read.QueryRow(`SELECT COUNT(*) FROM claims WHERE campaign_id = $1 AND network = $2`, c.ID, net).Scan(&rows); err != nil {
		t.Fatal(err)
	}
	if rows != cap {
		t.Errorf("%d claims stored for the network, want %d", rows, cap)
	}
}

// The tree carries each claim's network, unknown (0) where none was
// recorded, and its figures say how concentrated the views are.
func TestTreeNetworks(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	c := e.liveCampaign(t, func(r *campaign.Rules) { r.MaxClaimsPerNetwork = 0 })
	seed := e.seed(t, c.ID, 25)
	one, two := network(), network()
	for range 12 {
		mustUnlockFrom(t, e, seed, one)
	}
	mustUnlockFrom(t, e, seed, two)
	mustUnlockFrom(t, e, seed, nil)
	mustUnlockFrom(t, e, seed, nil)
	tree, err := e.gate.Tree(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[uint32]int{}
	for _, n := range tree.Nodes {
		seen[n.Network]++
	}
	if len(seen) != 3 || seen[0] != 2 {
		t.Errorf("networks in the tree %v, want two unknown and two networks", seen)
	}
}

func mustUnlockFrom(tb testing.TB, e *env, token string, net []byte) {
	tb.Helper()
	if _, _, err := e.gate.UnlockFrom(context.Background(), token, device(), net); err != nil {
		tb.Fatalf("unlock: %v", err)
	}
}
