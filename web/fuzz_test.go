package web

import (
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/sillage/sillage/campaign"
	"github.com/sillage/sillage/web/internal/httpx"
)

// FuzzCampaignJSON: whatever the body, decoding, applying and validating a
// campaign never panics, and what passes validation is in range.
func FuzzCampaignJSON(f *testing.F) {
	for _, s := range []string{
		`{"title":"a","rules":{"seats_per_link":2,"max_seats":3}}`,
		`{"title":"a","starts_at":"2026-12-01T00:00:00Z","ends_at":null}`,
		`{"rules":{"link_lifetime_hours":9223372036854775807}}`,
		`{"title":"` + strings.Repeat("é", 300) + `"}`,
		`[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[`,
		`{"title":"\ud800"}`, "{\"title\":\"\xff\"}", `{"teaser":{"image_url":"https://x"}}`,
		`{"title":"a"} {"title":"b"}`, `null`, `{"rules":null}`, `{"starts_at":1}`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, body string) {
		r := httptest.NewRequest("POST", "/api/v1/campaigns", strings.NewReader(body))
		w := httptest.NewRecorder()
		var in campaignInput
		if err := httpx.DecodeJSON(w, r, &in); err != nil {
			if err.Error() == "" {
				t.Fatal("empty error message")
			}
			return
		}
		c := &campaign.Campaign{Language: "en", Rules: campaign.DefaultRules()}
		if err := in.apply(c); err != nil {
			return
		}
		if err := c.Validate(); err != nil {
			return
		}
		rl := c.Rules
		if rl.SeatsPerLink < 1 || rl.SeatsPerLink > rl.MaxSeats || rl.ForwardsPerClaim < 0 || rl.MaxDepth < 0 || rl.LinkLifetime < 0 || rl.ViewCap < 0 {
			t.Fatalf("validated rules out of range: %+v", rl)
		}
	})
}
