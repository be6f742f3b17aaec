package notify_test

import (
	"context"
	"database/sql"
	"fmt"
	"testing"

	"github.com/sillage/sillage/migrations/dbtest"
	"github.com/sillage/sillage/notify"
)

// raceRounds is how many times each race below runs: one round lost
// without its lock is likely, five near certain.
const raceRounds = 5

// "Send it for me" counts messages, then queues one: requests at once,
// on one store or spread over three instances of it (PostgreSQL only),
// get exactly the cap of their campaign, and of their network.
func TestSendForMeRace(t *testing.T) {
	for _, instances := range []bool{false, true} {
		t.Run(map[bool]string{false: "OneInstance", true: "ThreeInstances"}[instances], func(t *testing.T) {
			e := newEnv(t)
			stores := []*notify.Store{e.store}
			if instances {
				stores = nil
				for _, db := range dbtest.Instances(t, e.db, 3) {
					stores = append(stores, newEnvOn(t, db).store)
				}
			}
			t.Run("PerCampaignHour", func(t *testing.T) {
				for round := 0; round < raceRounds && !t.Failed(); round++ {
					id := e.campaign(t, "fr")
					const limit, n = 5, 30
					errs := dbtest.Race(n, stores, func(i int, s *notify.Store) error {
						_, err := s.SendForMe(context.Background(), id, int64(1000*round+i), fmt.Sprintf("friend%d@example.com", i),
							notify.ForwardLimits{PerCampaignHour: limit}, urlMint)
						return err
					})
					if ok, busy := dbtest.Tally(t, errs, notify.ErrCampaignBusy); ok != limit || busy != n-limit {
						t.Errorf("%d sent and %d ErrCampaignBusy, want %d and %d", ok, busy, limit, n-limit)
					}
				}
			})
			t.Run("PerNetworkDay", func(t *testing.T) {
				for round := 0; round < raceRounds && !t.Failed(); round++ {
					const limit, n = 4, 30
					ids := make([]int64, n) // a campaign each: only the network is shared
					for i := range ids {
						ids[i] = e.campaign(t, "fr")
					}
					network := fmt.Appendf(nil, "network-%d-of-race", round)
					errs := dbtest.Race(n, stores, func(i int, s *notify.Store) error {
						_, err := s.SendForMeFrom(context.Background(), ids[i], int64(1000*round+i), "friend@example.com", network,
							notify.ForwardLimits{PerNetworkDay: limit}, urlMint)
						return err
					})
					if ok, busy := dbtest.Tally(t, errs, notify.ErrNetworkBusy); ok != limit || busy != n-limit {
						t.Errorf("%d sent and %d ErrNetworkBusy, want %d and %d", ok, busy, limit, n-limit)
					}
				}
			})
		})
	}
}

// urlMint mints nothing: the races count messages.
func urlMint(_ context.Context, _ *sql.Tx, ch notify.Channel) (string, error) {
	return "https://share.example.com/s/tok-" + string(ch), nil
}
