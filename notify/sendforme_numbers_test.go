package notify_test

import (
	"context"
	"database/sql"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/sillage/sillage/notify"
)

// "Send it for me" texts mobiles of the campaign's countries only (by
// default the server's region, FR here): the pumping numbers are
// refused and nothing is minted or queued; emails go anywhere.
func TestSendForMeNumbers(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	var sender int64
	for _, tc := range []struct {
		name      string
		countries string // the campaign's; "" the server's region
		to        string
		want      error // nil: queued
	}{
		{"FrenchMobile", "", "+33612345678", nil},
		{"FrenchMobileNational", "", "06 12 34 56 78", nil},
		{"WhatsAppFrenchMobile", "", "whatsapp:+33612345678", nil},
		{"Satellite", "", "+882161234567", notify.ErrNotMobile},
		{"UKMobileWhenOnlyFR", "", "+447911123456", notify.ErrCountry},
		{"USPremium", "", "+19005550123", notify.ErrNotMobile},
		{"USPremiumWhenUSAllowed", "US", "+19005550123", notify.ErrNotMobile},
		{"FrenchPremium", "", "+33891234567", notify.ErrNotMobile},
		{"FrenchSharedCost", "", "+33811234567", notify.ErrNotMobile},
		{"FrenchLandline", "", "+33123456789", notify.ErrNotMobile},
		{"BelgianMobileWhenFROnly", "", "+32470123456", notify.ErrCountry},
		{"BelgianMobileWhenBEAllowed", "FR,BE", "+32470123456", nil},
		{"FrenchMobileWhenOnlyBE", "BE", "+33612345678", notify.ErrCountry},
		{"USMobileWhenUSAllowed", "US", "+12015550123", nil},
		{"EmailAnywhere", "BE", "friend@example.co.uk", nil},
	} {
		sender++ // each case its own recipient: one is capped at 3 sends
		t.Run(tc.name, func(t *testing.T) {
			id := e.campaign(t, "en")
			if _, err := e.db.Write.Exec(`UPDATE campaigns SET send_for_me_countries = $1 WHERE id = $2`, tc.countries, id); err != nil {
				t.Fatal(err)
			}
			m := &minter{}
			mint := func(ctx context.Context, tx *sql.Tx, ch notify.Channel) (string, error) {
				return m.mint(ctx, tx, id, string(ch))
			}
			_, err := e.store.SendForMe(ctx, id, sender, tc.to, notify.ForwardLimits{}, mint)
			if !errors.Is(err, tc.want) || (tc.want == nil) != (err == nil) {
				t.Fatalf("SendForMe(%s) = %v, want %v", tc.to, err, tc.want)
			}
			queued := e.count(t, `SELECT COUNT(*) FROM messages WHERE campaign_id = $1`, id)
			if tc.want != nil && (queued != 0 || m.n.Load() != 0) {
				t.Errorf("refused, yet %d messages queued and %d links minted", queued, m.n.Load())
			}
			if tc.want == nil && queued != 1 {
				t.Errorf("%d messages queued, want 1", queued)
			}
			var ce *notify.CountryError
			if errors.As(err, &ce) {
				want := []string{"FR"}
				if tc.countries != "" {
					want = strings.Split(tc.countries, ",")
				}
				if !slices.Equal(ce.Allowed, want) {
					t.Errorf("allowed %q, want %q", ce.Allowed, want)
				}
			}
		})
	}
}

// Two claims on one network share its daily count; another network, or
// an unknown one, has its own.
func TestSendForMePerNetwork(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	id := e.campaign(t, "fr")
	m := &minter{}
	mint := func(ctx context.Context, tx *sql.Tx, ch notify.Channel) (string, error) {
		return m.mint(ctx, tx, id, string(ch))
	}
	home, other := []byte("home-network-hsh"), []byte("other-network-hs")
	limits := notify.ForwardLimits{PerNetworkDay: 3}
	send := func(sender int64, to string, network []byte) error {
		_, err := e.store.SendForMeFrom(ctx, id, sender, to, network, limits, mint)
		return err
	}
	for i, c := range []struct {
		sender int64
		to     string
	}{{1, "a@example.com"}, {1, "b@example.com"}, {2, "+33612345601"}} {
		if err := send(c.sender, c.to, home); err != nil {
			t.Fatalf("send %d: %v", i+1, err)
		}
	}
	if err := send(2, "c@example.com", home); !errors.Is(err, notify.ErrNetworkBusy) {
		t.Fatalf("the network's fourth send, from a second claim: %v, want ErrNetworkBusy", err)
	}
	if err := send(2, "c@example.com", other); err != nil {
		t.Errorf("another network: %v", err)
	}
	if err := send(3, "d@example.com", nil); err != nil {
		t.Errorf("an unknown network: %v", err)
	}
	if n := e.count(t, `SELECT COUNT(*) FROM messages WHERE network = $1`, home); n != 3 {
		t.Errorf("%d messages of the network, want 3", n)
	}
	e.clock.Advance(25 * time.Hour)
	if err := send(4, "e@example.com", home); err != nil {
		t.Errorf("a day later: %v", err)
	}
}
