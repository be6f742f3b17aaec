package gating

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/sillage/sillage/campaign"
	"github.com/sillage/sillage/campaign/cascade"
)

// Tree loads campaign id's whole forward tree (claims and links, sorted by
// id) and its counts, for the figures in package cascade. It reads on one
// snapshot so that claims and links agree.
func (s *Store) Tree(ctx context.Context, id campaign.ID) (*cascade.Tree, error) {
	tx, err := s.db.Read.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	if _, err := campaign.FindTx(ctx, tx, id); err != nil {
		return nil, err
	}
	t := &cascade.Tree{}
	if t.Nodes, err = loadNodes(ctx, tx, id); err != nil {
		return nil, err
	}
	if t.Links, err = loadLinks(ctx, tx, id); err != nil {
		return nil, err
	}
	for name, dst := range map[string]*int{
		campaign.CountReviews:   &t.Reviews,
		campaign.CountExposures: &t.Exposures,
		campaign.CountPreviews:  &t.Previews,
	} {
		n, err := campaign.CountTx(ctx, tx, id, name)
		if err != nil {
			return nil, err
		}
		*dst = int(n)
	}
	return t, nil
}

func loadNodes(ctx context.Context, tx *sql.Tx, id campaign.ID) ([]cascade.Node, error) {
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM claims WHERE campaign_id = $1`, id).Scan(&n); err != nil {
		return nil, fmt.Errorf("count claims: %w", err)
	}
	rows, err := tx.QueryContext(ctx, `SELECT id, parent_id, depth, channel, link_id, claimed_at
		FROM claims WHERE campaign_id = $1 ORDER BY id`, id)
	if err != nil {
		return nil, fmt.Errorf("load claims: %w", err)
	}
	defer rows.Close()
	nodes := make([]cascade.Node, 0, n)
	for rows.Next() {
		var (
			node    cascade.Node
			parent  sql.NullInt64
			claimed int64
		)
		if err := rows.Scan(&node.ID, &parent, &node.Depth, &node.Channel, &node.Link, &claimed); err != nil {
			return nil, fmt.Errorf("load claims: %w", err)
		}
		node.Parent, node.ClaimedAt = parent.Int64, time.UnixMilli(claimed).UTC()
		nodes = append(nodes, node)
	}
	return nodes, rows.Err()
}

func loadLinks(ctx context.Context, tx *sql.Tx, id campaign.ID) ([]cascade.Link, error) {
	rows, err := tx.QueryContext(ctx, `SELECT id, sender_claim_id, channel, seats, claimed, refused, created_at, first_claimed_at
		FROM links WHERE campaign_id = $1 ORDER BY id`, id)
	if err != nil {
		return nil, fmt.Errorf("load links: %w", err)
	}
	defer rows.Close()
	var links []cascade.Link
	for rows.Next() {
		var (
			l             cascade.Link
			sender, first sql.NullInt64
			created       int64
		)
		if err := rows.Scan(&l.ID, &sender, &l.Channel, &l.Seats, &l.Claims, &l.Refused, &created, &first); err != nil {
			return nil, fmt.Errorf("load links: %w", err)
		}
		l.Sender, l.CreatedAt = sender.Int64, time.UnixMilli(created).UTC()
		if first.Valid {
			l.FirstClaimAt = time.UnixMilli(first.Int64).UTC()
		}
		links = append(links, l)
	}
	return links, rows.Err()
}
