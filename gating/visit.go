package gating

import (
	"context"
	"database/sql"
	"fmt"
	"time"

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

// PreviewBucket is how long one app's previews of one link count once:
// apps fetch a pasted link again for every member of a chat, and a script
// could fetch it in a loop.
const PreviewBucket = time.Hour

// RecordPreview counts a link-preview fetch of link by agent (the app's
// short name): never a view, but a sign the link was pasted into a chat.
// It counts once per link, agent and PreviewBucket, and reports whether
// this fetch was the one counted, that is, whether anything was written.
func (s *Store) RecordPreview(ctx context.Context, link *Link, agent string) (bool, error) {
	now := s.now()
	bucket := now.UnixMilli() / PreviewBucket.Milliseconds()
	// A repeated fetch stops at this read, off the write queue.
	var seen int
	if err := s.db.Read.QueryRowContext(ctx, `SELECT COUNT(*) FROM previews WHERE link_id = $1 AND agent = $2 AND bucket = $3`,
		link.ID, agent, bucket).Scan(&seen); err != nil {
		return false, fmt.Errorf("record preview: %w", err)
	}
	if seen > 0 {
		return false, nil
	}
	added := false
	err := s.write(ctx, func(tx *sql.Tx) error {
		added = false
		res, err := tx.ExecContext(ctx, `INSERT INTO previews (campaign_id, link_id, agent, bucket, created_at) VALUES ($1, $2, $3, $4, $5)
			ON CONFLICT (link_id, agent, bucket) DO NOTHING`,
			link.CampaignID, link.ID, agent, bucket, now.UnixMilli())
		if err != nil {
			return fmt.Errorf("record preview: %w", err)
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			return err // counted meanwhile by a parallel fetch
		}
		if _, err := tx.ExecContext(ctx, `UPDATE links SET previews = previews + 1 WHERE id = $1`, link.ID); err != nil {
			return fmt.Errorf("record preview: %w", err)
		}
		if err := campaign.AddTx(ctx, tx, link.CampaignID, campaign.CountPreviews, 1); err != nil {
			return err
		}
		added = true
		return nil
	})
	return added && err == nil, err
}
