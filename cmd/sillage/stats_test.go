package main

import (
	"bytes"
	"context"
	"io"
	"regexp"
	"testing"
	"time"

	"github.com/sillage/sillage/campaign"
	"github.com/sillage/sillage/gating"
	"github.com/sillage/sillage/migrations/storage"
)

func TestStatsPrintsFigures(t *testing.T) {
	ctx := context.Background()
	dir := newDataDir(t)
	db, err := storage.Open(ctx, storeOf(dir))
	if err != nil {
		t.Fatal(err)
	}
	campaigns, gate := campaign.NewStore(db, dir, time.Now), gating.NewStore(db, time.Now)
	campaigns.Watch(gate.Forget)
	c := &campaign.Campaign{Title: "Clip", Language: "en", Rules: campaign.DefaultRules()}
	campaigns.Create(ctx, c)
	campaigns.PutText(ctx, c.ID, "text/plain", "hi")
	campaigns.SetStatus(ctx, c.ID, campaign.Live)
	seeds, _ := gate.MintSeeds(ctx, c.ID, gating.SeedSpec{Count: 1, Channel: gating.Plain})
	_, a := gating.NewDevice()
	if _, _, err := gate.Unlock(ctx, seeds[0].Token, a); err != nil {
		t.Fatal(err)
	}
	fwd, _, err := gate.Forward(ctx, seeds[0].Token, a, gating.WhatsApp, 0)
	if err != nil {
		t.Fatal(err)
	}
	_, b := gating.NewDevice()
	gate.Unlock(ctx, fwd.Token, b)
	gate.Close()
	db.Close()

	var out bytes.Buffer
	getenv := func(string) string { return "" }
	if err := run(ctx, append(append([]string{"stats"}, dataFlags(dir)...), "1"), getenv, &out, io.Discard); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		`views\s+2\n`,
		`depth max / mean / median\s+2 / 1.50 / 1.5\n`,
		`views per generation\s+\[1 1\]\n`,
		`reach \(devices that saw it\)\s+2\n`,
		`whatsapp\s+1\s+1\s+100.0%\s+0.500\n`, // 1 new viewer per 2 viewers, by WhatsApp
		// One cascade of 2, the seed claim and its child: distance 1.
		`structural virality\s+1.000 \(mean over cascades of 2\+ people, weighted by size\)\n`,
		// The plural through x/text's rules, not by hand: 1 view, not 1 views.
		`ambassador 1\s+claim 1: 1 view downstream, 1 direct\n`,
	} {
		if !regexp.MustCompile(want).MatchString(out.String()) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
	for _, args := range [][]string{{"stats"}, append(append([]string{"stats"}, dataFlags(dir)...), "x"), append(append([]string{"stats"}, dataFlags(dir)...), "42")} {
		if err := run(ctx, args, getenv, io.Discard, io.Discard); err == nil {
			t.Errorf("run(%q) succeeded", args)
		}
	}
}
