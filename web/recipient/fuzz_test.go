package recipient

import (
	"errors"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/sillage/sillage/campaign"
	"github.com/sillage/sillage/gating"
)

// FuzzForwardForm: any form body to the forward route is parsed into a
// valid request or refused with a message safe to show, never a panic.
func FuzzForwardForm(f *testing.F) {
	for _, s := range []string{"channel=whatsapp", "channel=sms&seats=3", "channel=%zz", "seats=-1&channel=link", strings.Repeat("a=b&", 2000)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, body string) {
		r := httptest.NewRequest("POST", "/s/AAAAAAAAAAAAAAAAAAAAAA/forward", strings.NewReader(body))
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req, err := parseForward(httptest.NewRecorder(), r)
		if err != nil {
			var invalid *campaign.ValidationError
			if !errors.As(err, &invalid) {
				t.Fatalf("%q: error %v is not safe to show", body, err)
			}
			return
		}
		if _, err := gating.ParseChannel(string(req.Channel)); err != nil || req.Seats < 0 {
			t.Fatalf("%q: accepted %+v", body, req)
		}
	})
}
