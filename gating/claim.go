package gating

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/sillage/sillage/campaign"
)

// Claim is one device unlocking one link: a view, and a node of the
// campaign's forward tree.
type Claim struct {
	ID         int64
	CampaignID campaign.ID
	LinkID     int64
	ParentID   int64 // the sender's claim; 0 under a seed link
	Depth      int   // 1 under a seed link
	Channel    Channel
	Forwards   int
	ClaimedAt  time.Time
}

// Outcome says what an unlock counted.
type Outcome int

// The outcomes of a successful unlock.
const (
	NewView  Outcome = iota + 1 // a new node of the tree
	Review                      // the device re-opened its own claim
	Exposure                    // a reached device unlocked another link of the campaign
	OwnLink                     // the device opened a link it forwarded itself: nothing counted
	TakeOver                    // a new device took over a released seat: the same node, no new view
)

// Unlock claims a seat of the link token for the device whose cookie hashes
// to device, in one transaction with every check and counter. It returns
// the device's claim and what was counted, or ErrNotFound, ErrExpired,
// ErrSeatTaken, ErrTooDeep, ErrFull, or the campaign's ErrNotOpen,
// ErrPaused or ErrEnded. A device turned away by a full link is recorded,
// so links posted publicly show up as leaks. The client's network is
// unknown: see UnlockFrom.
func (s *Store) Unlock(ctx context.Context, token string, device []byte) (*Claim, Outcome, error) {
	return s.UnlockFrom(ctx, token, device, nil)
}

// UnlockFrom is Unlock for a client on network, an opaque hash of its
// address whose salt changes every day (nil: unknown, never capped). A new
// view is refused with ErrNetworkCap once the campaign holds its rule
// MaxClaimsPerNetwork views from that network, counted in the same
// transaction as the claim. The network is kept on the claim, for the
// cap and for the campaign's concentration figures.
func (s *Store) UnlockFrom(ctx context.Context, token string, device, network []byte) (*Claim, Outcome, error) {
	hash, ok := HashToken(token)
	if !ok {
		return nil, 0, ErrNotFound
	}
	var (
		claim   *Claim
		outcome Outcome
	)
	err := s.write(ctx, func(tx *sql.Tx) (err error) {
		claim, outcome, err = s.unlockTx(ctx, tx, hash, device, network)
		return err
	})
	if err != nil {
		return nil, 0, err
	}
	return claim, outcome, nil
}

func (s *Store) unlockTx(ctx context.Context, tx *sql.Tx, hash, device, network []byte) (*Claim, Outcome, error) {
	now := s.now()
	link, err := s.lockLinkTx(ctx, tx, hash)
	if err != nil {
		return nil, 0, err
	}
	held, err := deviceClaimTx(ctx, tx, link.CampaignID, device)
	if err != nil {
		return nil, 0, err
	}
	if link.RevokedAt != nil && !link.ownedBy(held) {
		return nil, 0, ErrNotFound // a revoked link looks unknown to newcomers
	}
	c, err := s.campaignTx(ctx, tx, link.CampaignID)
	if err != nil {
		return nil, 0, err
	}
	if err := c.Open(now); err != nil {
		return nil, 0, err
	}
	if held != nil {
		outcome, err := s.revisit(ctx, tx, link, held, now)
		if err != nil {
			return nil, 0, err
		}
		return held, outcome, nil
	}
	if link.Expired(now) {
		return nil, 0, ErrExpired
	}
	if link.Claimed >= link.Seats {
		if err := s.refuse(ctx, tx, c, link, device, now); err != nil {
			return nil, 0, err
		}
		return nil, 0, keep{ErrSeatTaken} // the refusal is recorded all the same
	}
	if link.Released > 0 {
		return s.takeOver(ctx, tx, link, device, now)
	}
	claim, err := newClaimTx(ctx, tx, c, link, now)
	if err != nil {
		return nil, 0, err
	}
	if err := s.checkCapsTx(ctx, tx, c, network); err != nil {
		return nil, 0, err
	}
	inserted, err := s.insertClaim(ctx, tx, claim, device, network)
	if err != nil {
		return nil, 0, err
	}
	if !inserted {
		// The device won a race through another link of the campaign:
		// the insert waited for that transaction's commit, which a new
		// statement now sees.
		held, outcome, err := s.revisitWinner(ctx, tx, link, device, now)
		if err != nil {
			return nil, 0, fmt.Errorf("insert claim: %w", err)
		}
		return held, outcome, nil
	}
	return claim, NewView, nil
}

// newClaimTx returns the claim a new device makes by unlocking link, one
// generation below the sender's claim, or ErrTooDeep past the campaign's
// MaxDepth.
func newClaimTx(ctx context.Context, tx *sql.Tx, c *campaign.Campaign, link *Link, now time.Time) (*Claim, error) {
	claim := &Claim{CampaignID: c.ID, LinkID: link.ID, ParentID: link.SenderClaimID, Depth: 1, Channel: link.Channel, ClaimedAt: now}
	if link.SenderClaimID != 0 {
		var parentDepth int
		if err := tx.QueryRowContext(ctx, `SELECT depth FROM claims WHERE id = $1`, link.SenderClaimID).Scan(&parentDepth); err != nil {
			return nil, fmt.Errorf("parent claim: %w", err)
		}
		claim.Depth = parentDepth + 1
	}
	if max := c.Rules.MaxDepth; max > 0 && claim.Depth > max {
		return nil, ErrTooDeep
	}
	return claim, nil
}

// checkCapsTx returns ErrFull once campaign c holds its ViewCap views, or
// ErrNetworkCap once it holds MaxClaimsPerNetwork views from network.
// The caps are checked under advisory locks, taken after the link and
// before any claim or counter row (SCALE-OUT.md 2.2): the count read
// inside one includes every view committed by the holders before.
func (s *Store) checkCapsTx(ctx context.Context, tx *sql.Tx, c *campaign.Campaign, network []byte) error {
	if max := c.Rules.ViewCap; max > 0 {
		if err := s.db.Dialect.Lock(ctx, tx, fmt.Sprintf("viewcap:%d", c.ID)); err != nil {
			return err
		}
		views, err := campaign.CountTx(ctx, tx, c.ID, campaign.CountViews)
		if err != nil {
			return err
		}
		if views >= max {
			return ErrFull
		}
	}
	if max := c.Rules.MaxClaimsPerNetwork; max > 0 && len(network) > 0 {
		if err := s.db.Dialect.Lock(ctx, tx, fmt.Sprintf("net:%d:%x", c.ID, network)); err != nil {
			return err
		}
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM claims WHERE campaign_id = $1 AND network = $2`,
			c.ID, network).Scan(&n); err != nil {
			return fmt.Errorf("count network claims: %w", err)
		}
		if n >= max {
			return ErrNetworkCap
		}
	}
	return nil
}

// errNoWinner says a write that lost to the same device's claim found no
// such claim after all: something other than that race stopped it.
var errNoWinner = errors.New("the device holds no claim of the campaign")

// revisitWinner is the way of a write that lost a race to the same
// device's claim through another link of the campaign (one device, one
// node): that claim committed meanwhile, a new statement sees it, and
// this visit is a revisit of it. errNoWinner when there is none.
func (s *Store) revisitWinner(ctx context.Context, tx *sql.Tx, link *Link, device []byte, now time.Time) (*Claim, Outcome, error) {
	held, err := deviceClaimTx(ctx, tx, link.CampaignID, device)
	if err != nil {
		return nil, 0, err
	}
	if held == nil {
		return nil, 0, errNoWinner
	}
	outcome, err := s.revisit(ctx, tx, link, held, now)
	if err != nil {
		return nil, 0, err
	}
	return held, outcome, nil
}

// insertClaim stores a new claim and takes its seat. It reports false,
// writing nothing, when the device already holds a claim in the campaign.
func (s *Store) insertClaim(ctx context.Context, tx *sql.Tx, claim *Claim, device, network []byte) (bool, error) {
	var parent any
	if claim.ParentID != 0 {
		parent = claim.ParentID
	}
	now := claim.ClaimedAt.UnixMilli()
	var net any // NULL, not an empty blob, when unknown
	if len(network) > 0 {
		net = network
	}
	err := tx.QueryRowContext(ctx, `INSERT INTO claims (campaign_id, link_id, parent_id, device_hash, depth, channel, claimed_at, network)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
		ON CONFLICT (campaign_id, device_hash) DO NOTHING RETURNING id`,
		claim.CampaignID, claim.LinkID, parent, device, claim.Depth, claim.Channel, now, net).Scan(&claim.ID)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("insert claim: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `UPDATE links SET claimed = claimed + 1,
		first_claimed_at = COALESCE(first_claimed_at, $1) WHERE id = $2`, now, claim.LinkID); err != nil {
		return false, fmt.Errorf("take seat: %w", err)
	}
	// Counters last, in name order: max_depth, then views, on the shard
	// of the link this transaction holds locked.
	sh := campaign.ShardOf(s.db.Dialect, claim.LinkID)
	if err := campaign.RaiseShardTx(ctx, tx, claim.CampaignID, campaign.CountMaxDepth, sh, int64(claim.Depth)); err != nil {
		return false, err
	}
	return true, campaign.AddShardTx(ctx, tx, claim.CampaignID, campaign.CountViews, sh, 1)
}

// revisit handles a device that already holds a claim in the campaign.
func (s *Store) revisit(ctx context.Context, tx *sql.Tx, link *Link, held *Claim, now time.Time) (Outcome, error) {
	switch {
	case held.LinkID == link.ID:
		return Review, campaign.AddShardTx(ctx, tx, held.CampaignID, campaign.CountReviews, campaign.ShardOf(s.db.Dialect, link.ID), 1)
	case link.SenderClaimID == held.ID:
		return OwnLink, nil
	}
	res, err := tx.ExecContext(ctx, `INSERT INTO exposures (claim_id, link_id, created_at) VALUES ($1, $2, $3)
		ON CONFLICT (claim_id, link_id) DO NOTHING`, held.ID, link.ID, now.UnixMilli())
	if err != nil {
		return 0, fmt.Errorf("record exposure: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 1 {
		return Exposure, campaign.AddShardTx(ctx, tx, held.CampaignID, campaign.CountExposures, campaign.ShardOf(s.db.Dialect, link.ID), 1)
	}
	return Exposure, nil
}

// refuse records that device was turned away by a full link, once per
// device, and revokes the link once it leaked if the campaign says so.
func (s *Store) refuse(ctx context.Context, tx *sql.Tx, c *campaign.Campaign, link *Link, device []byte, now time.Time) error {
	res, err := tx.ExecContext(ctx, `INSERT INTO refusals (link_id, device_hash, created_at) VALUES ($1, $2, $3)
		ON CONFLICT (link_id, device_hash) DO NOTHING`, link.ID, device, now.UnixMilli())
	if err != nil {
		return fmt.Errorf("record refusal: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return nil
	}
	var refused int
	if err := tx.QueryRowContext(ctx, `UPDATE links SET refused = refused + 1 WHERE id = $1 RETURNING refused`, link.ID).Scan(&refused); err != nil {
		return fmt.Errorf("record refusal: %w", err)
	}
	if c.Rules.RevokeLeaks && refused > link.Seats {
		if _, err := tx.ExecContext(ctx, `UPDATE links SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL`, now.UnixMilli(), link.ID); err != nil {
			return fmt.Errorf("revoke leaked link: %w", err)
		}
	}
	return campaign.AddShardTx(ctx, tx, link.CampaignID, campaign.CountRefusals, campaign.ShardOf(s.db.Dialect, link.ID), 1)
}

const claimColumns = `id, campaign_id, link_id, parent_id, depth, channel, forwards, claimed_at`

// deviceClaimTx returns the device's claim in campaign id, or nil.
func deviceClaimTx(ctx context.Context, q campaign.Querier, id campaign.ID, device []byte) (*Claim, error) {
	if device == nil {
		return nil, nil
	}
	var (
		c       Claim
		parent  sql.NullInt64
		claimed int64
	)
	err := q.QueryRowContext(ctx, `SELECT `+claimColumns+` FROM claims WHERE campaign_id = $1 AND device_hash = $2`, id, device).
		Scan(&c.ID, &c.CampaignID, &c.LinkID, &parent, &c.Depth, &c.Channel, &c.Forwards, &claimed)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("device claim: %w", err)
	}
	c.ParentID, c.ClaimedAt = parent.Int64, time.UnixMilli(claimed).UTC()
	return &c, nil
}
