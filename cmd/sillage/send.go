package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"strconv"
	"time"

	"github.com/sillage/sillage/campaign"
	"github.com/sillage/sillage/campaign/app"
	"github.com/sillage/sillage/gating"
	"github.com/sillage/sillage/gating/publicurl"
	"github.com/sillage/sillage/migrations/storage"
)

var sendSpec = spec{Usage: "send CAMPAIGN [--base-url URL]", BaseURL: true}

// send mints one seed link per contact of a campaign not seeded yet and
// queues a message carrying it, as POST /api/v1/campaigns/{id}/sends
// does. The running server's worker delivers them.
func send(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	cfg, rest, err := parseConfig(sendSpec, args, getenv, stdout, stderr)
	if err != nil {
		return err
	}
	if len(rest) != 1 {
		return errors.New("usage: sillage " + sendSpec.Usage)
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
	// The campaign first: a missing or ended one is the answer, whatever
	// the links' address would have been.
	campaigns := campaign.NewStore(db, cfg.DataDir, time.Now)
	c, err := campaigns.Find(ctx, id)
	if err == nil {
		err = app.Sendable(c, time.Now())
	}
	if err != nil {
		return sendError(id, err)
	}
	if cfg.BaseURL, err = linkBase(ctx, db, cfg.BaseURL, stderr); err != nil {
		return err
	}
	gate := gating.NewStore(db, time.Now)
	defer gate.Close()
	store, err := newNotifyStore(ctx, db, cfg, slog.New(slog.NewTextHandler(stderr, nil)))
	if err != nil {
		return err
	}
	// No WakeOutbox: the running server's worker finds the messages.
	ops := app.New(app.Config{BaseURL: cfg.BaseURL.String(), Now: time.Now}, campaigns, gate, store)
	res, err := ops.SendTo(ctx, c)
	if errors.Is(err, campaign.ErrEnded) || errors.Is(err, campaign.ErrNotFound) { // it ended, or went, meanwhile
		return sendError(id, err)
	}
	fmt.Fprintf(stdout, "%s, %s\n", count(nQueued, res.Queued), count(nSkipped, res.Suppressed))
	if err != nil {
		return err
	}
	if res.Queued > 0 {
		fmt.Fprintf(stdout, "the server's outbox worker sends them; see them with: sillage outbox --campaign %d\n", id)
	}
	return nil
}

// sendError says why campaign id cannot be sent.
func sendError(id campaign.ID, err error) error {
	if errors.Is(err, campaign.ErrEnded) {
		return fmt.Errorf("campaign %d: %w: its links could not be opened", id, err)
	}
	return err
}

// linkBase is the public address the links of a command carry: the one
// the running server recorded, or the one given with -base-url. With
// neither it refuses: a link on a guessed address would leave the machine
// broken, and nothing would say so.
func linkBase(ctx context.Context, db *storage.DB, given *url.URL, stderr io.Writer) (*url.URL, error) {
	recorded, err := publicurl.Recorded(ctx, db)
	if err != nil {
		return nil, err
	}
	switch {
	case given == nil && recorded == nil:
		return nil, fmt.Errorf("no public address for the links: no server has run on %s yet (it records the address it serves); start it once, or pass -base-url https://your.host", db.Path)
	case given == nil:
		return recorded, nil
	case recorded != nil && given.String() != recorded.String():
		fmt.Fprintf(stderr, "note: links will carry -base-url %s, not %s where the server last ran\n", given, recorded)
	}
	return given, nil
}

// parseCampaignID reads a campaign's number from the command line.
func parseCampaignID(s string) (campaign.ID, error) {
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n <= 0 {
		return 0, fmt.Errorf("campaign %q: want its number", s)
	}
	return campaign.ID(n), nil
}
