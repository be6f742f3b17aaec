package campaign_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sillage/sillage/campaign"
	"github.com/sillage/sillage/campaign/mediatest"
	"github.com/sillage/sillage/migrations/dbtest"
)

func newStore(t *testing.T) (*campaign.Store, string) {
	t.Helper()
	dir := t.TempDir()
	return campaign.NewStore(dbtest.Open(t), dir, time.Now), dir
}

func TestRulesValidate(t *testing.T) {
	for name, tc := range map[string]struct {
		edit  func(*campaign.Rules)
		field string // "" when valid
	}{
		"Defaults":          {func(r *campaign.Rules) {}, ""},
		"NoSeats":           {func(r *campaign.Rules) { r.SeatsPerLink = 0 }, "rules.seats_per_link"},
		"SeatsOverMax":      {func(r *campaign.Rules) { r.SeatsPerLink = 30 }, "rules.seats_per_link"},
		"MaxSeatsHuge":      {func(r *campaign.Rules) { r.MaxSeats = 1_000_000 }, "rules.max_seats"},
		"NegativeForwards":  {func(r *campaign.Rules) { r.ForwardsPerClaim = -1 }, "rules.forwards_per_claim"},
		"NoForwardsIsFine":  {func(r *campaign.Rules) { r.ForwardsPerClaim = 0 }, ""},
		"NegativeDepth":     {func(r *campaign.Rules) { r.MaxDepth = -3 }, "rules.max_depth"},
		"LifetimeNotHours":  {func(r *campaign.Rules) { r.LinkLifetime = 90 * time.Minute }, "rules.link_lifetime_hours"},
		"LifetimeTwoYears":  {func(r *campaign.Rules) { r.LinkLifetime = 2 * 365 * 24 * time.Hour }, "rules.link_lifetime_hours"},
		"NegativeViewCap":   {func(r *campaign.Rules) { r.ViewCap = -1 }, "rules.view_cap"},
		"GroupLinksAllowed": {func(r *campaign.Rules) { r.MaxSeats, r.SeatsPerLink = 50, 5 }, ""},
	} {
		t.Run(name, func(t *testing.T) {
			r := campaign.DefaultRules()
			tc.edit(&r)
			err := r.Validate()
			var v *campaign.ValidationError
			switch {
			case tc.field == "" && err != nil:
				t.Errorf("Validate() = %v, want nil", err)
			case tc.field != "" && (!errors.As(err, &v) || v.Field != tc.field):
				t.Errorf("Validate() = %v, want a validation error on %s", err, tc.field)
			}
		})
	}
}

func TestCreateUpdateAndLifecycle(t *testing.T) {
	ctx := context.Background()
	s, _ := newStore(t)
	c := &campaign.Campaign{Title: "Clip", Language: "fr", Rules: campaign.DefaultRules(),
		Teaser: campaign.Teaser{Title: "Quelque chose arrive", ImageURL: "https://cdn.example.com/t.jpg"}}
	if err := s.Create(ctx, c); err != nil {
		t.Fatal(err)
	}
	got, err := s.Find(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Status != campaign.Draft || got.Teaser.Title != "Quelque chose arrive" || got.Rules != campaign.DefaultRules() {
		t.Errorf("found %+v, want the draft as created", got)
	}
	if _, err := s.Update(ctx, c.ID, func(c *campaign.Campaign) error { c.Language = "de"; return nil }); err == nil {
		t.Error("Update accepted language de")
	}
	if again, _ := s.Find(ctx, c.ID); again.Language != "fr" {
		t.Errorf("a refused update changed the language to %q", again.Language)
	}
	if _, err := s.Find(ctx, 999); !errors.Is(err, campaign.ErrNotFound) {
		t.Errorf("Find(999) = %v, want ErrNotFound", err)
	}

	for _, step := range []struct {
		to   campaign.Status
		want error
	}{
		{campaign.Paused, campaign.ErrTransition},
		{campaign.Live, campaign.ErrNoContent},
	} {
		if _, err := s.SetStatus(ctx, c.ID, step.to); !errors.Is(err, step.want) {
			t.Errorf("draft -> %s: %v, want %v", step.to, err, step.want)
		}
	}
}

func TestState(t *testing.T) {
	now := time.Date(2026, 11, 23, 20, 0, 0, 0, time.UTC)
	before, after := now.Add(-time.Hour), now.Add(time.Hour)
	for name, tc := range map[string]struct {
		c    campaign.Campaign
		want campaign.Status
	}{
		"Draft":         {campaign.Campaign{Status: campaign.Draft}, campaign.Draft},
		"Live":          {campaign.Campaign{Status: campaign.Live, StartsAt: &before, EndsAt: &after}, campaign.Live},
		"Scheduled":     {campaign.Campaign{Status: campaign.Live, StartsAt: &after}, campaign.Scheduled},
		"PastItsEnd":    {campaign.Campaign{Status: campaign.Live, EndsAt: &before}, campaign.Ended},
		"PausedStaysSo": {campaign.Campaign{Status: campaign.Paused, EndsAt: &after}, campaign.Paused},
	} {
		if got := tc.c.State(now); got != tc.want {
			t.Errorf("%s: State = %s, want %s", name, got, tc.want)
		}
	}
}

func TestPutFile(t *testing.T) {
	ctx := context.Background()
	s, dir := newStore(t)
	c := &campaign.Campaign{Title: "Clip", Language: "en", Rules: campaign.DefaultRules()}
	if err := s.Create(ctx, c); err != nil {
		t.Fatal(err)
	}
	video := mediatest.MP4(bytes.Repeat([]byte("frame"), 1000))
	got, err := s.PutFile(ctx, c.ID, "video/mp4", "../../clip.mp4", bytes.NewReader(video), 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	if got.Content.Kind != campaign.Video || got.Content.Size != int64(len(video)) || got.Content.Name != "clip.mp4" {
		t.Errorf("content = %+v, want a %d-byte video named clip.mp4", got.Content, len(video))
	}
	if filepath.IsAbs(got.Content.Path) || !strings.HasPrefix(got.Content.Path, "content/") {
		t.Errorf("file stored at %s, want a path relative to the data directory", got.Content.Path)
	}
	first := filepath.Join(dir, got.Content.Path)
	if b, err := os.ReadFile(first); err != nil || !bytes.Equal(b, video) {
		t.Errorf("file at %s: %d bytes, %v; want the video", first, len(b), err)
	}

	t.Run("TooLarge", func(t *testing.T) {
		_, err := s.PutFile(ctx, c.ID, "video/mp4", "big.mp4", bytes.NewReader(mediatest.MP4(make([]byte, 2048))), 1024)
		if !errors.Is(err, campaign.ErrTooLarge) {
			t.Errorf("PutFile over the limit = %v, want ErrTooLarge", err)
		}
		if tooLarge, ok := errors.AsType[*campaign.TooLargeError](err); !ok || tooLarge.Limit != 1024 {
			t.Errorf("PutFile over the limit = %#v, want a *TooLargeError of 1024 bytes", err)
		}
	})
	t.Run("Unsupported", func(t *testing.T) {
		for _, ct := range []string{"text/html", "image/svg+xml", "application/x-sh", "nonsense"} {
			if _, err := s.PutFile(ctx, c.ID, ct, "x", strings.NewReader("x"), 1024); err == nil {
				t.Errorf("PutFile accepted %s", ct)
			}
		}
	})
	after, _ := s.Find(ctx, c.ID)
	if filepath.Join(dir, after.Content.Path) != first {
		t.Error("a refused upload replaced the content")
	}
	entries, _ := os.ReadDir(dir + "/content")
	if len(entries) != 1 {
		t.Errorf("%d files in the content directory, want 1: refused uploads must leave nothing", len(entries))
	}

	if _, err := s.PutText(ctx, c.ID, "text/markdown", "# Exclusive"); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(first); !os.IsNotExist(err) {
		t.Error("the replaced file is still on disk")
	}
}
