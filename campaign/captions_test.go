package campaign_test

import (
	"bytes"
	"context"
	"errors"
	"image"
	"image/jpeg"
	"image/png"
	"io"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/sillage/sillage/campaign"
	"github.com/sillage/sillage/campaign/mediatest"
	"github.com/sillage/sillage/migrations/dbtest"
)

// Captions are checked before a byte is written; a new file replaces the
// old one on disk; a new video keeps them, and the descriptions too.
func TestPutCaptions(t *testing.T) {
	ctx := context.Background()
	s, dir := newStore(t)
	c := newCampaign(t, s)
	for _, tc := range []struct {
		name, ct, body string
		invalid        bool
	}{
		{"WrongType", "text/plain", "WEBVTT\n", true},
		{"Empty", "text/vtt", "", true},
		{"NoHeader", "text/vtt", "1\n00:00.000 --> 00:01.000\nhi\n", true},
		{"HeaderGlued", "text/vtt", "WEBVTTS\n", true},
		{"Binary", "text/vtt", "WEBVTT\n\x00\x01", true},
		{"Latin1", "text/vtt", "WEBVTT\n\nCaf\xe9\n", true},
		{"TooLarge", "text/vtt", "WEBVTT\n" + strings.Repeat("a", campaign.MaxCaptions), false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := s.PutCaptions(ctx, c.ID, tc.ct, strings.NewReader(tc.body))
			var invalid *campaign.ValidationError
			switch {
			case tc.invalid && !errors.As(err, &invalid):
				t.Errorf("err = %v, want a *ValidationError", err)
			case !tc.invalid && !errors.Is(err, campaign.ErrTooLarge):
				t.Errorf("err = %v, want ErrTooLarge", err)
			}
			if got := contentFiles(t, dir); len(got) != 0 {
				t.Errorf("a refused upload left %v", got)
			}
		})
	}
	if _, err := s.PutCaptions(ctx, 999, "text/vtt", strings.NewReader("WEBVTT\n")); !errors.Is(err, campaign.ErrNotFound) {
		t.Errorf("unknown campaign: %v", err)
	}

	for _, header := range []string{"WEBVTT", "WEBVTT\r\n", "\ufeffWEBVTT - Sous-titres\n\n00:00.000 --> 00:01.000\nÇa va\n"} {
		if _, err := s.PutCaptions(ctx, c.ID, "text/vtt; charset=utf-8", strings.NewReader(header)); err != nil {
			t.Errorf("PutCaptions(%q): %v", header, err)
		}
	}
	if got := contentFiles(t, dir); len(got) != 1 {
		t.Errorf("after three uploads the folder holds %v, want the last file only", got)
	}
	c, err := s.Update(ctx, c.ID, func(c *campaign.Campaign) error {
		c.Content.Alt, c.Content.Transcript = "Un chien", "Bonjour"
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	captions := c.Content.CaptionsPath
	c, err = s.PutFile(ctx, c.ID, "video/mp4", "clip.mp4", bytes.NewReader(mediatest.MP4([]byte("clip"))), 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	if c, _ = s.Find(ctx, c.ID); c.Content.CaptionsPath != captions || c.Content.Alt != "Un chien" || c.Content.Transcript != "Bonjour" {
		t.Errorf("after a new video: captions %q alt %q transcript %q", c.Content.CaptionsPath, c.Content.Alt, c.Content.Transcript)
	}
	f, err := s.OpenFile(ctx, captions)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(f)
	f.Close()
	if !strings.HasSuffix(string(b), "Ça va\n") {
		t.Errorf("captions file holds %q", b)
	}

	if c, err = s.RemoveCaptions(ctx, c.ID); err != nil || c.Content.CaptionsPath != "" {
		t.Fatalf("RemoveCaptions: %v, path %q", err, c.Content.CaptionsPath)
	}
	if slices.Contains(contentFiles(t, dir), filepath.Base(captions)) {
		t.Error("removed captions left their file")
	}
}

// The size of uploaded PNG, JPEG and GIF images is kept; a WebP's is
// unknown (no decoder in the standard library).
func TestImageSizes(t *testing.T) {
	ctx := context.Background()
	s, _ := newStore(t)
	c := newCampaign(t, s)
	img := image.NewRGBA(image.Rect(0, 0, 64, 36))
	var p, j bytes.Buffer
	png.Encode(&p, img)
	jpeg.Encode(&j, img, nil)

	got, err := s.PutTeaserImage(ctx, c.ID, "image/png", &p, 1<<20)
	if err != nil || got.Teaser.ImageWidth != 64 || got.Teaser.ImageHeight != 36 {
		t.Errorf("PNG teaser: %v, %d×%d, want 64×36", err, got.Teaser.ImageWidth, got.Teaser.ImageHeight)
	}
	got, err = s.PutFile(ctx, c.ID, "image/jpeg", "a.jpg", &j, 1<<20)
	if err != nil || got.Content.Width != 64 || got.Content.Height != 36 {
		t.Errorf("JPEG content: %v, %d×%d, want 64×36", err, got.Content.Width, got.Content.Height)
	}
	if found, _ := s.Find(ctx, c.ID); found.Content.Width != 64 || found.Teaser.ImageHeight != 36 {
		t.Errorf("stored sizes: content %d wide, teaser %d high", found.Content.Width, found.Teaser.ImageHeight)
	}
	got, err = s.PutTeaserImage(ctx, c.ID, "image/webp", bytes.NewReader(mediatest.WebP(nil)), 1<<20)
	if err != nil || got.Teaser.ImageWidth != 0 || got.Teaser.ImageHeight != 0 {
		t.Errorf("WebP teaser: %v, %d×%d, want 0×0", err, got.Teaser.ImageWidth, got.Teaser.ImageHeight)
	}
}

// Images uploaded before sizes were kept are measured by Sweep at start.
func TestSweepMeasuresOldImages(t *testing.T) {
	ctx := context.Background()
	db := dbtest.Open(t)
	s := campaign.NewStore(db, t.TempDir(), time.Now)
	c := newCampaign(t, s)
	var p1, p2 bytes.Buffer
	png.Encode(&p1, image.NewGray(image.Rect(0, 0, 120, 63)))
	png.Encode(&p2, image.NewGray(image.Rect(0, 0, 50, 70)))
	if _, err := s.PutTeaserImage(ctx, c.ID, "image/png", &p1, 1<<20); err != nil {
		t.Fatal(err)
	}
	if _, err := s.PutFile(ctx, c.ID, "image/png", "a.png", &p2, 1<<20); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Write.Exec(`UPDATE campaigns SET teaser_image_width = 0, teaser_image_height = 0, content_width = 0, content_height = 0`); err != nil {
		t.Fatal(err)
	}
	if err := s.Sweep(ctx); err != nil {
		t.Fatal(err)
	}
	got, err := s.Find(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Teaser.ImageWidth != 120 || got.Teaser.ImageHeight != 63 || got.Content.Width != 50 || got.Content.Height != 70 {
		t.Errorf("after Sweep: teaser %d×%d, content %d×%d; want 120×63 and 50×70",
			got.Teaser.ImageWidth, got.Teaser.ImageHeight, got.Content.Width, got.Content.Height)
	}
}
