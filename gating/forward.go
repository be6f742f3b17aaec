package gating

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/sillage/sillage/campaign"
)

// Forward mints a new link for channel from the device's claim, which must
// hold this link (claimed, forwarded or unlocked as an exposure), with seats
// seats (0: the campaign's default). Checking the caps, minting and
// counting happen in one transaction. It returns the campaign (also with
// most errors, for the page's language) and ErrNotFound, ErrNoClaim,
// ErrForwardLimit, ErrTooDeep, the campaign's lifecycle errors, or a
// *campaign.ValidationError.
func (s *Store) Forward(ctx context.Context, token string, device []byte, ch Channel, seats int) (Minted, *campaign.Campaign, error) {
	if _, err := ParseChannel(string(ch)); err != nil {
		return Minted{}, nil, err
	}
	hash, ok := HashToken(token)
	if !ok {
		return Minted{}, nil, ErrNotFound
	}
	var (
		m Minted
		c *campaign.Campaign
	)
	err := s.write(ctx, func(tx *sql.Tx) (err error) {
		m, c, err = s.forwardTx(ctx, tx, hash, device, ch, seats)
		return err
	})
	return m, c, err
}

// ForwardTx is Forward inside the caller's transaction, with the
// campaign's default seats: "send it for me" queues the message carrying
// the link in the same commit.
func (s *Store) ForwardTx(ctx context.Context, tx *sql.Tx, token string, device []byte, ch Channel) (Minted, *campaign.Campaign, error) {
	if _, err := ParseChannel(string(ch)); err != nil {
		return Minted{}, nil, err
	}
	hash, ok := HashToken(token)
	if !ok {
		return Minted{}, nil, ErrNotFound
	}
	return s.forwardTx(ctx, tx, hash, device, ch, 0)
}

func (s *Store) forwardTx(ctx context.Context, tx *sql.Tx, hash, device []byte, ch Channel, seats int) (Minted, *campaign.Campaign, error) {
	now := s.now()
	link, err := findLinkTx(ctx, tx, hash)
	if err != nil {
		return Minted{}, nil, err
	}
	claim, err := deviceClaimTx(ctx, tx, link.CampaignID, device)
	if err != nil {
		return Minted{}, nil, err
	}
	if link.RevokedAt != nil && !link.ownedBy(claim) {
		return Minted{}, nil, ErrNotFound
	}
	c, err := s.campaignTx(ctx, tx, link.CampaignID)
	if err != nil {
		return Minted{}, nil, err
	}
	if err := c.Open(now); err != nil {
		return Minted{}, c, err
	}
	if ok, err := holds(ctx, tx, link, claim); err != nil || !ok {
		return Minted{}, c, cmp.Or(err, ErrNoClaim)
	}
	if claim.Forwards >= c.Rules.ForwardsPerClaim { // early, for the error's precedence; the UPDATE below decides
		return Minted{}, c, ErrForwardLimit
	}
	if max := c.Rules.MaxDepth; max > 0 && claim.Depth >= max {
		return Minted{}, c, ErrTooDeep // its child could never be unlocked
	}
	if seats == 0 {
		seats = c.Rules.SeatsPerLink
	}
	if seats < 1 || seats > c.Rules.MaxSeats {
		return Minted{}, c, campaign.Invalid("seats", "must be between 1 and %d", c.Rules.MaxSeats)
	}
	var expires *time.Time
	if d := c.Rules.LinkLifetime; d > 0 {
		t := now.Add(d)
		expires = &t
	}
	// The check and the count are one statement, on the claim's row: of
	// concurrent forwards, each waits for the one before and re-checks
	// against its count (PostgreSQL's re-check under READ COMMITTED).
	// Exec, not RETURNING: no row to read back, which SQLite's driver
	// makes cheaper.
	res, err := tx.ExecContext(ctx, `UPDATE claims SET forwards = forwards + 1 WHERE id = $1 AND forwards < $2`,
		claim.ID, c.Rules.ForwardsPerClaim)
	if err != nil {
		return Minted{}, c, fmt.Errorf("count forward: %w", err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return Minted{}, c, fmt.Errorf("count forward: %w", err)
	} else if n == 0 {
		return Minted{}, c, ErrForwardLimit
	}
	m, err := s.insertLink(ctx, tx, c, claim.ID, ch, seats, "", expires)
	if err != nil {
		return Minted{}, c, err
	}
	// Counters last, in name order: forwards.<channel>, then links, on
	// the shard of the forwarder's claim, whose row is locked above.
	sh := campaign.ShardOf(s.db.Dialect, claim.ID)
	if err := campaign.AddShardTx(ctx, tx, c.ID, campaign.CountForwards+string(ch), sh, 1); err != nil {
		return Minted{}, c, err
	}
	if err := campaign.AddShardTx(ctx, tx, c.ID, campaign.CountLinks, sh, 1); err != nil {
		return Minted{}, c, err
	}
	return m, c, nil
}
