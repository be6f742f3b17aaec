package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"text/tabwriter"
	"time"

	"github.com/sillage/sillage/campaign"
	"github.com/sillage/sillage/campaign/cascade"
	"github.com/sillage/sillage/gating"
)

var statsSpec = spec{Usage: "stats CAMPAIGN"}

// stats prints a campaign's figures, read from the database directly.
func stats(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	cfg, rest, err := parseConfig(statsSpec, args, getenv, stdout, stderr)
	if err != nil {
		return err
	}
	if len(rest) != 1 {
		return errors.New("usage: sillage " + statsSpec.Usage)
	}
	n, err := strconv.ParseInt(rest[0], 10, 64)
	if err != nil || n <= 0 {
		return fmt.Errorf("campaign %q: want its number", rest[0])
	}
	db, err := openDB(ctx, cfg)
	if err != nil {
		return err
	}
	defer db.Close()
	id := campaign.ID(n)
	c, err := campaign.NewStore(db, cfg.DataDir, time.Now).Find(ctx, id)
	if err != nil {
		return err
	}
	var f cascade.Figures
	gate := gating.NewStore(db, time.Now)
	defer gate.Close()
	err = gate.WithTree(ctx, id, func(t *cascade.Tree) error {
		f = cascade.Compute(*t, cascade.Window{Now: time.Now()})
		return nil
	})
	if err != nil {
		return err
	}
	printFigures(stdout, c, &f)
	return nil
}

// printFigures writes the figures a marketer reads first, as a table.
func printFigures(w io.Writer, c *campaign.Campaign, f *cascade.Figures) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	row := func(name string, value any) { fmt.Fprintf(tw, "%s\t%v\n", name, value) }
	fmt.Fprintf(tw, "campaign %d\t%s (%s)\n", c.ID, c.Title, c.State(time.Now()))
	row("views", f.Views)
	row("reach (devices that saw it)", f.Reach)
	row("re-views / exposures", fmt.Sprintf("%d / %d", f.Reviews, f.Exposures))
	row("previews (pasted in a chat)", f.Previews)
	row("links minted / opened", fmt.Sprintf("%d / %d", f.Links, f.LinksOpened))
	row("depth max / mean / median", fmt.Sprintf("%d / %.2f / %.1f", f.Depth.Max, f.Depth.Mean, f.Depth.Median))
	row("views per generation", f.Generations)
	row("max breadth", f.MaxBreadth)
	if v := f.StructuralVirality; v != nil {
		row("structural virality", fmt.Sprintf("%.3f (mean over cascades of 2+ people, weighted by size)", *v))
	} else {
		row("structural virality", "none: no cascade of 2 people or more")
	}
	row("viewers who forwarded", fmt.Sprintf("%d (%.1f%%)", f.Forwarders, 100*f.ForwarderShare))
	fmt.Fprintln(tw, "\t")
	fmt.Fprintln(tw, "channel\tforwards\topened\tconversion\tK-factor (new viewers per viewer)")
	for _, ch := range []struct {
		name             string
		forwards, opened int
		conversion, k    float64
	}{
		{"whatsapp", f.Forwards.WhatsApp, f.ForwardsOpened.WhatsApp, f.Conversion.WhatsApp, f.KFactor.WhatsApp},
		{"sms", f.Forwards.SMS, f.ForwardsOpened.SMS, f.Conversion.SMS, f.KFactor.SMS},
		{"email", f.Forwards.Email, f.ForwardsOpened.Email, f.Conversion.Email, f.KFactor.Email},
		{"link", f.Forwards.Link, f.ForwardsOpened.Link, f.Conversion.Link, f.KFactor.Link},
		{"all", f.Forwards.All, f.ForwardsOpened.All, f.Conversion.All, f.KFactor.All},
	} {
		fmt.Fprintf(tw, "%s\t%d\t%d\t%.1f%%\t%.3f\n", ch.name, ch.forwards, ch.opened, 100*ch.conversion, ch.k)
	}
	fmt.Fprintln(tw, "\t")
	row("time to open, median / p90", fmt.Sprintf("%s / %s", seconds(f.TimeToOpen.Median), seconds(f.TimeToOpen.P90)))
	row("viral cycle, median / p90", fmt.Sprintf("%s / %s", seconds(f.CycleTime.Median), seconds(f.CycleTime.P90)))
	if f.Forecast.Possible {
		row("forecast of final reach", fmt.Sprintf("%d (R = %.2f)", f.Forecast.FinalReach, f.Forecast.R))
	} else {
		row("forecast of final reach", "none: "+f.Forecast.Reason)
	}
	row("leaked links", len(f.Leaks))
	for i, a := range f.Ambassadors.BySubtree {
		if i == 5 {
			break
		}
		row(fmt.Sprintf("ambassador %d", i+1), fmt.Sprintf("claim %d: %s, %d direct", a.Claim, count(nDownstream, a.Descendants), a.Children))
	}
	tw.Flush()
}

func seconds(s float64) string {
	return (time.Duration(s * float64(time.Second))).Round(time.Second).String()
}
