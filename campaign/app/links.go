package app

import (
	"context"
	"time"

	"github.com/sillage/sillage/campaign"
	"github.com/sillage/sillage/gating"
)

// Link is a freshly minted link: its URL is known this once (tokens are
// stored hashed).
type Link struct {
	ID  int64
	URL string
}

// MintLinks mints seed links to hand out and returns their public
// addresses. Its errors are gating.Store.MintSeeds'.
func (a *App) MintLinks(ctx context.Context, id campaign.ID, spec gating.SeedSpec) ([]Link, error) {
	minted, err := a.gate.MintSeeds(ctx, id, spec)
	if err != nil {
		return nil, err
	}
	out := make([]Link, len(minted))
	for i, m := range minted {
		out[i] = Link{ID: m.ID, URL: a.LinkURL(m.Token)}
	}
	return out, nil
}

// Revoke revokes link of campaign id: it opens nothing from now on.
// Errors: gating.ErrNotFound, for a link of another campaign, unknown or
// revoked already.
func (a *App) Revoke(ctx context.Context, id campaign.ID, link int64) error {
	return a.gate.Revoke(ctx, id, link)
}

// Release frees the seat of claim, for a recipient who changed phone, and
// returns when. Errors: gating.ErrNotFound, gating.ErrReleased.
func (a *App) Release(ctx context.Context, id campaign.ID, claim int64) (time.Time, error) {
	return a.gate.Release(ctx, id, claim)
}

// Leaks returns the links of campaign id more devices tried than they
// have seats, revoked or not. Errors: campaign.ErrNotFound.
func (a *App) Leaks(ctx context.Context, id campaign.ID) ([]gating.Leak, error) {
	if _, err := a.campaigns.Find(ctx, id); err != nil {
		return nil, err
	}
	return a.gate.Leaks(ctx, id)
}

// RevokedLeaks returns, for each leaked link of campaign id, whether it
// is revoked: the figures name leaks but do not say so.
func (a *App) RevokedLeaks(ctx context.Context, id campaign.ID) (map[int64]bool, error) {
	leaks, err := a.gate.Leaks(ctx, id)
	if err != nil {
		return nil, err
	}
	revoked := make(map[int64]bool, len(leaks))
	for _, k := range leaks {
		revoked[k.LinkID] = k.Revoked
	}
	return revoked, nil
}
