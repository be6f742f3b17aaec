package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"regexp"
	"text/tabwriter"
	"time"

	"github.com/sillage/sillage/notify"
)

var outboxSpec = spec{Usage: "outbox [--campaign N] [--status S] [--after ID] [--limit N]"}

// outbox lists the outbox's messages. Those the development sender kept
// (nothing configured; status kept, explained under the table) show their
// personal link, so a demo works offline; messages sent through a real
// provider lose their body, link included, once they are sent.
func outbox(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	var f notify.Filter
	var status string
	sp := outboxSpec
	sp.Flags = func(fs *flag.FlagSet) {
		fs.Int64Var(&f.CampaignID, "campaign", 0, "only the messages of campaign `N`")
		fs.StringVar(&status, "status", "", "only messages in this `status`: queued, sending, sent, kept, delivered, undelivered, failed")
		fs.Int64Var(&f.After, "after", 0, "messages after this `id`, for the next page")
		fs.IntVar(&f.Limit, "limit", 100, "at most `N` messages (up to 1000)")
	}
	cfg, rest, err := parseConfig(sp, args, getenv, stdout, stderr)
	if err != nil {
		return err
	}
	if len(rest) != 0 {
		return errors.New("usage: sillage " + sp.Usage)
	}
	if f.CampaignID < 0 || f.After < 0 || f.Limit < 1 {
		return errors.New("outbox: --campaign, --after and --limit take positive numbers")
	}
	f.Status = notify.Status(status)
	db, err := openDB(ctx, cfg)
	if err != nil {
		return err
	}
	defer db.Close()
	store, err := newNotifyStore(ctx, db, cfg, slog.New(slog.NewTextHandler(stderr, nil)))
	if err != nil {
		return err
	}
	msgs, err := store.Outbox(ctx, f)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tCAMPAIGN\tCHANNEL\tTO\tSTATUS\tATTEMPTS\tUPDATED\tLINK\tERROR")
	kept := false
	for _, m := range msgs {
		kept = kept || m.Status == notify.Kept
		link := personalLink.FindString(m.Text)
		if link == "" {
			link = "-"
		}
		fmt.Fprintf(tw, "%d\t%d\t%s\t%s\t%s\t%d\t%s\t%s\t%s\n", m.ID, m.CampaignID, m.Channel, orDash(m.To),
			m.Status, m.Attempts, m.UpdatedAt.Local().Format(time.DateTime), link, orDash(m.LastError))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if kept {
		fmt.Fprintln(stdout, keptLegend)
	}
	if len(msgs) == f.Limit {
		fmt.Fprintf(stdout, "more: sillage outbox --after %d\n", msgs[len(msgs)-1].ID)
	}
	return nil
}

// keptLegend follows a listing with kept messages: the word alone could
// pass for sent.
const keptLegend = "kept: kept by the development sender (not delivered): no SMTP server or Twilio account was configured for its channel"

// personalLink finds a share link in a message's text.
var personalLink = regexp.MustCompile(`https?://[^\s/]+/s/[A-Za-z0-9_-]+`)

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
