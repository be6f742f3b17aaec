package gating

import (
	"context"
	"fmt"
	"time"

	"github.com/sillage/sillage/campaign"
)

// Forward mints a new link for channel from the device's claim in the
// campaign of the link token, with seats seats (0: the campaign's default). Checking
// the caps, minting and counting happen in one transaction. It returns
// ErrNotFound, ErrNoClaim, ErrForwardLimit, ErrTooDeep, the campaign's
// lifecycle errors, or a *campaign.ValidationError.
func (s *Store) Forward(ctx context.Context, token string, device []byte, ch Channel, seats int) (Minted, error) {
	if _, err := ParseChannel(string(ch)); err != nil {
		return Minted{}, err
	}
	hash, ok := HashToken(token)
	if !ok {
		return Minted{}, ErrNotFound
	}
	tx, err := s.db.Write.BeginTx(ctx, nil)
	if err != nil {
		return Minted{}, err
	}
	defer tx.Rollback()
	now := s.now()
	link, err := findLinkTx(ctx, tx, hash)
	if err != nil {
		return Minted{}, err
	}
	claim, err := deviceClaimTx(ctx, tx, link.CampaignID, device)
	if err != nil {
		return Minted{}, err
	}
	if link.RevokedAt != nil && !link.ownedBy(claim) {
		return Minted{}, ErrNotFound
	}
	c, err := s.campaignTx(ctx, tx, link.CampaignID)
	if err != nil {
		return Minted{}, err
	}
	if err := c.Open(now); err != nil {
		return Minted{}, err
	}
	if claim == nil {
		return Minted{}, ErrNoClaim
	}
	if claim.Forwards >= c.Rules.ForwardsPerClaim {
		return Minted{}, ErrForwardLimit
	}
	if max := c.Rules.MaxDepth; max > 0 && claim.Depth >= max {
		return Minted{}, ErrTooDeep // its child could never be unlocked
	}
	if seats == 0 {
		seats = c.Rules.SeatsPerLink
	}
	if seats < 1 || seats > c.Rules.MaxSeats {
		return Minted{}, &campaign.ValidationError{Field: "seats", Message: fmt.Sprintf("must be between 1 and %d", c.Rules.MaxSeats)}
	}
	var expires *time.Time
	if d := c.Rules.LinkLifetime; d > 0 {
		t := now.Add(d)
		expires = &t
	}
	m, err := s.insertLink(ctx, tx, c, claim.ID, ch, seats, "", expires)
	if err != nil {
		return Minted{}, err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE claims SET forwards = forwards + 1 WHERE id = $1`, claim.ID); err != nil {
		return Minted{}, fmt.Errorf("count forward: %w", err)
	}
	if err := campaign.AddTx(ctx, tx, c.ID, campaign.CountForwards+string(ch), 1); err != nil {
		return Minted{}, err
	}
	return m, tx.Commit()
}
