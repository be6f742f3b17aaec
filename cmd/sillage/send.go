package main

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strconv"
	"time"

	"github.com/sillage/sillage/campaign"
	"github.com/sillage/sillage/gating"
)

// send mints one seed link per contact of a campaign not seeded yet and
// queues a message carrying it, as POST /api/v1/campaigns/{id}/sends
// does. The running server's worker delivers them.
func send(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	cfg, rest, err := parseConfig("send", args, getenv, stderr, nil)
	if err != nil {
		return err
	}
	if len(rest) != 1 {
		return errors.New("usage: sillage send CAMPAIGN")
	}
	id, err := parseCampaignID(rest[0])
	if err != nil {
		return err
	}
	db, err := openDB(ctx, cfg)
	if err != nil {
		return err
	}
	defer db.Close()
	c, err := campaign.NewStore(db, cfg.DataDir, time.Now).Find(ctx, id)
	if err != nil {
		return err
	}
	if c.State(time.Now()) == campaign.Ended {
		return fmt.Errorf("campaign %d: %w: its links could not be opened", id, campaign.ErrEnded)
	}
	cfg.BaseURL = publicURL(cfg)
	gate := gating.NewStore(db, time.Now)
	defer gate.Close()
	mint := func(ctx context.Context, tx *sql.Tx, campaignID int64, channel string) (string, error) {
		ch, err := gating.ParseChannel(channel)
		if err != nil {
			return "", err
		}
		m, err := gate.MintSeedTx(ctx, tx, campaign.ID(campaignID), ch)
		if err != nil {
			return "", err
		}
		return cfg.BaseURL.String() + "/s/" + m.Token, nil
	}
	store, err := newNotifyStore(db, cfg, slog.New(slog.NewTextHandler(stderr, nil)))
	if err != nil {
		return err
	}
	res, err := store.Seed(ctx, int64(id), mint)
	fmt.Fprintf(stdout, "queued %d messages, skipped %d opted-out contacts\n", res.Queued, res.Suppressed)
	if err != nil {
		return err
	}
	if res.Queued > 0 {
		fmt.Fprintf(stdout, "the server's outbox worker sends them; see them with: sillage outbox --campaign %d\n", id)
	}
	return nil
}

// parseCampaignID reads a campaign's number from the command line.
func parseCampaignID(s string) (campaign.ID, error) {
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n <= 0 {
		return 0, fmt.Errorf("campaign %q: want its number", s)
	}
	return campaign.ID(n), nil
}
