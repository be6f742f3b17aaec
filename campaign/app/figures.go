package app

import (
	"context"

	"github.com/sillage/sillage/campaign"
	"github.com/sillage/sillage/campaign/cascade"
)

// Figures are every figure of a campaign: the forward tree's and those
// kept at write time for the dashboard's O(1) headline.
type Figures struct {
	cascade.Figures
	Refusals int64 // devices turned away by full links, campaign total
}

// Figures computes every figure of campaign id over win: the API's /stats
// and the dashboard's live view both show them. Errors:
// campaign.ErrNotFound.
func (a *App) Figures(ctx context.Context, id campaign.ID, win cascade.Window) (Figures, error) {
	var f Figures
	err := a.gate.WithTree(ctx, id, func(t *cascade.Tree) error {
		f.Figures = cascade.Compute(*t, win)
		return nil
	})
	if err != nil {
		return Figures{}, err
	}
	counters, err := a.campaigns.Counters(ctx, id)
	if err != nil {
		return Figures{}, err
	}
	f.Refusals = counters[campaign.CountRefusals]
	return f, nil
}
