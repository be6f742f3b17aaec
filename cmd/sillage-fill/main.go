// Command sillage-fill writes a synthetic live campaign of N claims straight
// into a Sillage database, for measurements that need a big tree (memory
// with a million claims, the speed of figures) without minutes of HTTP
// load first.
//
//	sillage-fill -data-dir DIR -claims 1000000
//	sillage-fill -db postgres://… -claims 1000000
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
	"os"
	"path/filepath"
	"time"

	"github.com/sillage/sillage/campaign"
	"github.com/sillage/sillage/gating/gatingtest"
	"github.com/sillage/sillage/migrations/storage"
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
	target := fs.String("db", "", "SQLite database `file`, or a postgres:// URL (default DATA_DIR/sillage.db)")
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
	if *target == "" {
		*target = filepath.Join(*dir, "sillage.db")
	}
	db, err := storage.Open(ctx, *target)
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
	if err := gatingtest.Synthesize(ctx, db, c.ID, *claims, *seed, time.Now().Add(-time.Duration(*claims)*100*time.Millisecond)); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "campaign %d: %d claims written in %s\n", c.ID, *claims, time.Since(start).Round(time.Millisecond))
	return nil
}
