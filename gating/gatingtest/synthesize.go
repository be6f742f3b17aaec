// Package gatingtest writes test data into gating's tables: a big
// forward tree without minutes of unlocking first, for gating's, web's
// and cmd/sillage's tests and for the sillage-fill command. It is test
// data, so it lives outside the production package, beside the tables'
// owner so that its SQL follows their schema.
package gatingtest

import (
	"context"
	"math/rand/v2"
	"time"

	"github.com/sillage/sillage/campaign"
	"github.com/sillage/sillage/migrations/storage"
)

// Synthesize writes a synthetic tree of n claims into campaign id, with
// their links and the campaign's counters, in one transaction: for
// measurements and tests that need a big tree without minutes of
// unlocking first. The tree is a random recursive one drawn from seed: each
// claim after the first ten seeds hangs under an earlier claim drawn at
// random, through a link of its own on a channel taken in turn; claims come
// 100 ms apart from start.
func Synthesize(ctx context.Context, db *storage.DB, id campaign.ID, n int, seed uint64, start time.Time) error {
	tx, err := db.Write.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	var first int64 // ids continue after whatever the database holds
	if err := tx.QueryRowContext(ctx, `SELECT MAX(m) FROM (SELECT COALESCE(MAX(id), 0) AS m FROM claims UNION ALL SELECT COALESCE(MAX(id), 0) FROM links) AS ids`).Scan(&first); err != nil {
		return err
	}
	link, err := tx.PrepareContext(ctx, `INSERT INTO links (id, campaign_id, token_hash, sender_claim_id, channel, seats, claimed, created_at, first_claimed_at)
		VALUES ($1, $2, $3, $4, $5, 1, 1, $6, $7)`)
	if err != nil {
		return err
	}
	claim, err := tx.PrepareContext(ctx, `INSERT INTO claims (id, campaign_id, link_id, parent_id, device_hash, depth, channel, claimed_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`)
	if err != nil {
		return err
	}
	rng := rand.New(rand.NewPCG(seed, 2))
	channels := []string{"whatsapp", "sms", "email", "link"}
	depth := make([]int32, n+1)
	forwards := map[string]int64{}
	startMs := start.UnixMilli()
	maxDepth := int32(1)
	hash := make([]byte, 32)
	for i := 1; i <= n; i++ {
		var parent any
		ch := "link"
		depth[i] = 1
		if i > 10 {
			p := 1 + rng.IntN(i-1)
			parent, depth[i] = first+int64(p), depth[p]+1
			ch = channels[i%4]
			forwards[ch]++
		}
		maxDepth = max(maxDepth, depth[i])
		at := startMs + int64(i)*100
		rowID := first + int64(i)
		fillHash(hash, rng, rowID)
		if _, err := link.ExecContext(ctx, rowID, id, hash, parent, ch, at-50, at); err != nil {
			return err
		}
		fillHash(hash, rng, rowID)
		if _, err := claim.ExecContext(ctx, rowID, id, rowID, parent, hash, depth[i], ch, at); err != nil {
			return err
		}
	}
	counts := map[string]int64{campaign.CountViews: int64(n), campaign.CountLinks: int64(n), campaign.CountMaxDepth: int64(maxDepth)}
	for ch, c := range forwards {
		counts[campaign.CountForwards+ch] = c
	}
	for name, v := range counts {
		if err := campaign.AddTx(ctx, tx, id, name, v); err != nil {
			return err
		}
	}
	if db.Dialect == storage.Postgres {
		// The rows above took their ids by hand: move the identity
		// sequences past them, or the next link or claim collides.
		for _, table := range []string{"links", "claims"} {
			if _, err := tx.ExecContext(ctx, `SELECT setval(pg_get_serial_sequence('`+table+`', 'id'), (SELECT MAX(id) FROM `+table+`))`); err != nil {
				return err
			}
		}
	}
	return tx.Commit()
}

// fillHash makes a random hash that starts with the row id: unique even
// when the same seed fills two campaigns.
func fillHash(b []byte, rng *rand.Rand, id int64) {
	for i := 0; i < len(b); i += 8 {
		v := rng.Uint64()
		if i == 0 {
			v = uint64(id)
		}
		for j := range 8 {
			b[i+j] = byte(v >> (8 * j))
		}
	}
}
