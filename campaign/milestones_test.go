package campaign_test

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/sillage/sillage/campaign"
	"github.com/sillage/sillage/migrations/dbtest"
)

// A new campaign gets the default milestones; its own, and none at all,
// read back as saved; bad ones are refused with their field.
func TestMilestonesStored(t *testing.T) {
	ctx := context.Background()
	s := campaign.NewStore(dbtest.Open(t), t.TempDir(), time.Now)
	c := newCampaign(t, s)
	got, err := s.Find(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if def := campaign.DefaultMilestones(); !slices.Equal(got.Milestones.Views, def.Views) || !slices.Equal(got.Milestones.Depth, def.Depth) {
		t.Fatalf("new campaign's milestones = %+v, want the defaults %+v", got.Milestones, def)
	}
	for _, m := range []campaign.Milestones{
		{Views: []int64{50, 500}, Depth: []int64{3}},
		{Views: []int64{}, Depth: []int64{}},
	} {
		if _, err := s.Update(ctx, c.ID, func(c *campaign.Campaign) error { c.Milestones = m; return nil }); err != nil {
			t.Fatal(err)
		}
		got, err := s.Find(ctx, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(got.Milestones.Views, m.Views) || !slices.Equal(got.Milestones.Depth, m.Depth) || got.Milestones.Views == nil {
			t.Fatalf("milestones = %#v, want %#v", got.Milestones, m)
		}
	}
	for _, bad := range []struct {
		m     campaign.Milestones
		field string
	}{
		{campaign.Milestones{Views: []int64{0}}, "milestones.views"},
		{campaign.Milestones{Views: []int64{10, 10}}, "milestones.views"},
		{campaign.Milestones{Depth: []int64{5, 3}}, "milestones.depth"},
		{campaign.Milestones{Depth: make([]int64, 21)}, "milestones.depth"},
	} {
		_, err := s.Update(ctx, c.ID, func(c *campaign.Campaign) error { c.Milestones = bad.m; return nil })
		var v *campaign.ValidationError
		if !errors.As(err, &v) || v.Field != bad.field {
			t.Errorf("milestones %+v: err = %v, want a validation error on %s", bad.m, err, bad.field)
		}
	}
}

func TestParseThresholds(t *testing.T) {
	got, err := campaign.ParseThresholds("milestones.views", "1000, 100;100 10_000")
	if err != nil || !slices.Equal(got, []int64{100, 1000, 10000}) {
		t.Fatalf("ParseThresholds = %v, %v", got, err)
	}
	var v *campaign.ValidationError
	if _, err := campaign.ParseThresholds("milestones.views", "100, ten"); !errors.As(err, &v) || v.Field != "milestones.views" {
		t.Fatalf("a word: err = %v", err)
	}
}
