// Package campaigntest makes the campaigns that tests of the packages
// above campaign (gating, campaign/app) start from.
package campaigntest

import (
	"context"
	"testing"

	"github.com/sillage/sillage/campaign"
)

// Live creates a live campaign in s with text content and the default
// rules, edited by edit when it is not nil.
func Live(tb testing.TB, s *campaign.Store, edit func(*campaign.Rules)) *campaign.Campaign {
	tb.Helper()
	ctx := context.Background()
	c := &campaign.Campaign{Title: "Clip", Language: "en", Rules: campaign.DefaultRules()}
	if edit != nil {
		edit(&c.Rules)
	}
	if err := s.Create(ctx, c); err != nil {
		tb.Fatal(err)
	}
	if _, err := s.PutText(ctx, c.ID, "text/plain", "the exclusive"); err != nil {
		tb.Fatal(err)
	}
	c, err := s.SetStatus(ctx, c.ID, campaign.Live)
	if err != nil {
		tb.Fatal(err)
	}
	return c
}
