package gating

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/sillage/sillage/campaign"
)

// Visit is what a GET of a link may show: the link, its campaign, and the
// visiting device's claim in that campaign, if any.
type Visit struct {
	Link     *Link
	Campaign *campaign.Campaign
	Claim    *Claim // nil when the device holds no claim in the campaign
	// Access is true when the device may see the content through this
	// link: it claimed it, forwarded it, or unlocked it as an exposure.
	Access bool
}

// Visit looks up the link token for the device whose cookie hashes to
// device (nil for none), reading only: a GET never claims or counts. It
// returns ErrNotFound for an unknown, malformed or revoked token.
func (s *Store) Visit(ctx context.Context, token string, device []byte) (*Visit, error) {
	hash, ok := HashToken(token)
	if !ok {
		return nil, ErrNotFound
	}
	q := s.db.Read
	link, err := findLinkTx(ctx, q, hash)
	if err != nil {
		return nil, err
	}
	c, err := s.campaignTx(ctx, q, link.CampaignID)
	if err != nil {
		return nil, err
	}
	v := &Visit{Link: link, Campaign: c}
	if v.Claim, err = deviceClaimTx(ctx, q, c.ID, device); err != nil {
		return nil, err
	}
	if v.Claim == nil {
		if link.RevokedAt != nil {
			return nil, ErrNotFound
		}
		return v, nil
	}
	if link.RevokedAt != nil && !link.ownedBy(v.Claim) {
		return nil, ErrNotFound
	}
	if v.Access, err = holds(ctx, q, link, v.Claim); err != nil {
		return nil, err
	}
	return v, nil
}

// holds reports whether claim (possibly nil) may see the content through
// link: it claimed it, forwarded it, or unlocked it as an exposure.
func holds(ctx context.Context, q campaign.Querier, link *Link, claim *Claim) (bool, error) {
	if claim == nil {
		return false, nil
	}
	if link.ownedBy(claim) {
		return true, nil
	}
	var n int
	err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM exposures WHERE claim_id = $1 AND link_id = $2`, claim.ID, link.ID).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("exposure: %w", err)
	}
	return n > 0, nil
}

// RecordPreview counts a link-preview fetch of link id by agent (the app's
// short name): never a view, but a sign the link was pasted into a chat.
func (s *Store) RecordPreview(ctx context.Context, link *Link, agent string) error {
	return s.write(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO previews (campaign_id, link_id, agent, created_at) VALUES ($1, $2, $3, $4)`,
			link.CampaignID, link.ID, agent, s.now().UnixMilli()); err != nil {
			return fmt.Errorf("record preview: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE links SET previews = previews + 1 WHERE id = $1`, link.ID); err != nil {
			return fmt.Errorf("record preview: %w", err)
		}
		return campaign.AddTx(ctx, tx, link.CampaignID, campaign.CountPreviews, 1)
	})
}
