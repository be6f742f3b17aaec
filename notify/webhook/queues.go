package webhook

import (
	"context"
	"fmt"
	"time"

	"github.com/sillage/sillage/campaign/events"
)

// Extend tells the queues of campaign's endpoints that its log now holds
// events up to last; first is the first seq this round logged. The pump
// calls it in the transaction that logs them, so a queue never points past
// the log and never misses a committed event.
//
// An endpoint with no queue for the campaign yet gets one starting at
// first (no backfill of older events); a queue that exists keeps its
// cursor and only sees its end raised, whether its endpoint is enabled or
// not, so that an endpoint enabled again resumes where it stopped. Only
// the pump writes last_seq, and only the worker next_seq.
func Extend(ctx context.Context, tx events.Querier, campaign, first, last int64, now time.Time) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO webhook_queues (endpoint_id, campaign_id, next_seq, last_seq, next_attempt_at)
		SELECT id, $1, $2, $3, $4 FROM webhook_endpoints
		 WHERE (campaign_id = $1 OR campaign_id IS NULL) AND (enabled OR EXISTS
		       (SELECT 1 FROM webhook_queues q WHERE q.endpoint_id = webhook_endpoints.id AND q.campaign_id = $1))
		ON CONFLICT (endpoint_id, campaign_id) DO UPDATE SET last_seq = excluded.last_seq`,
		campaign, first, last, now.UnixMilli())
	if err != nil {
		return fmt.Errorf("webhook queues of campaign %d: %w", campaign, err)
	}
	return nil
}
