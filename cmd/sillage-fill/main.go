// Command sillage-fill writes a synthetic live campaign of N claims straight
// into a Sillage database, for measurements that need a big tree (memory
// with a million claims, the speed of figures) without minutes of HTTP
// load first.
//
//	sillage-fill -data-dir DIR -claims 1000000
//
// The tree is a random recursive one: each claim after the first ten seeds
// hangs under an earlier claim drawn at random, through a link of its own
// on a channel taken in turn. Counters are set as the server would have.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"time"

	"github.com/sillage/sillage/campaign"
	"github.com/sillage/sillage/migrations"
)

func main() {
	if err := run(context.Background(), os.Args[1:], os.Stdout, os.Stderr); err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(os.Stderr, "sillage-fill:", err)
		}
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("sillage-fill", flag.ContinueOnError)
	fs.SetOutput(stderr)
	dir := fs.String("data-dir", "data", "the server's data directory")
	claims := fs.Int("claims", 1_000_000, "claims to write")
	seed := fs.Uint64("seed", 1, "random seed")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *claims < 1 || *claims > 100_000_000 {
		return fmt.Errorf("claims %d: want 1 to 100,000,000", *claims)
	}
	if err := os.MkdirAll(*dir, 0o750); err != nil {
		return err
	}
	db, err := migrations.Open(ctx, filepath.Join(*dir, "sillage.db"))
	if err != nil {
		return err
	}
	defer db.Close()
	start := time.Now()
	store := campaign.NewStore(db, *dir, time.Now)
	c := &campaign.Campaign{Title: fmt.Sprintf("Synthetic, %d claims", *claims), Language: "en", Rules: campaign.DefaultRules()}
	if err := store.Create(ctx, c); err != nil {
		return err
	}
	if _, err := store.PutText(ctx, c.ID, "text/plain", "synthetic"); err != nil {
		return err
	}
	if _, err := store.SetStatus(ctx, c.ID, campaign.Live); err != nil {
		return err
	}
	if err := fill(ctx, db, c.ID, *claims, *seed); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "campaign %d: %d claims written in %s\n", c.ID, *claims, time.Since(start).Round(time.Millisecond))
	return nil
}

// fill writes the claims, their links and the campaign's counters in one
// transaction.
func fill(ctx context.Context, db *migrations.DB, id campaign.ID, n int, seed uint64) error {
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
	start := time.Now().Add(-time.Duration(n) * 100 * time.Millisecond).UnixMilli()
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
		at := start + int64(i)*100
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
