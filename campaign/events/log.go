package events

import (
	"context"
	"encoding/json"
	"fmt"
	"time"
)

// Inbox records an event of campaign in q, the transaction that causes it:
// it is logged when that transaction commits, and never if it rolls back.
// Only the rare events go through here; views and forwards are read from
// their own rows by the pump.
func Inbox(ctx context.Context, q Querier, campaign int64, typ string, data any, now time.Time) error {
	b, err := json.Marshal(data)
	if err != nil {
		return fmt.Errorf("event %s: %w", typ, err)
	}
	if _, err := q.ExecContext(ctx, `INSERT INTO event_inbox (campaign_id, type, body, created_at) VALUES ($1, $2, $3, $4)`,
		campaign, typ, string(b), now.UnixMilli()); err != nil {
		return fmt.Errorf("event %s of campaign %d: %w", typ, campaign, err)
	}
	return nil
}

// After returns campaign's logged events after seq, in order, at most limit.
func After(ctx context.Context, q Querier, campaign, seq int64, limit int) ([]Record, error) {
	rows, err := q.QueryContext(ctx, `SELECT seq, type, body, created_at FROM event_log
		WHERE campaign_id = $1 AND seq > $2 ORDER BY seq LIMIT $3`, campaign, seq, limit)
	if err != nil {
		return nil, fmt.Errorf("events of campaign %d: %w", campaign, err)
	}
	defer rows.Close()
	var out []Record
	for rows.Next() {
		r := Record{CampaignID: campaign}
		var body string
		var created int64
		if err := rows.Scan(&r.Seq, &r.Type, &body, &created); err != nil {
			return nil, fmt.Errorf("events of campaign %d: %w", campaign, err)
		}
		r.Data, r.CreatedAt = json.RawMessage(body), time.UnixMilli(created).UTC()
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("events of campaign %d: %w", campaign, err)
	}
	return out, nil
}

// Get returns campaign's event seq, and false when the log holds none
// (never written, or trimmed by retention).
func Get(ctx context.Context, q Querier, campaign, seq int64) (Record, bool, error) {
	rs, err := After(ctx, q, campaign, seq-1, 1)
	if err != nil || len(rs) == 0 || rs[0].Seq != seq {
		return Record{}, false, err
	}
	return rs[0], true, nil
}

// Oldest returns the first seq campaign's log still holds, 0 when it holds
// none: a reader whose cursor is below it lost events to retention.
func Oldest(ctx context.Context, q Querier, campaign int64) (int64, error) {
	var seq int64
	if err := q.QueryRowContext(ctx, `SELECT COALESCE(MIN(seq), 0) FROM event_log WHERE campaign_id = $1`, campaign).Scan(&seq); err != nil {
		return 0, fmt.Errorf("oldest event of campaign %d: %w", campaign, err)
	}
	return seq, nil
}

// Pending is an event the pump is about to log.
type Pending struct {
	Type string
	Data any // marshalled to JSON
	At   time.Time
}

// Append logs evs for campaign in tx after seq, the cursor's last, and
// returns the new last seq. The caller moves the cursor to it in tx: the
// primary key (campaign_id, seq) refuses a second writer of the same seq.
func Append(ctx context.Context, tx Querier, campaign, seq int64, evs []Pending) (int64, error) {
	for _, e := range evs {
		b, err := json.Marshal(e.Data)
		if err != nil {
			return seq, fmt.Errorf("event %s: %w", e.Type, err)
		}
		seq++
		if _, err := tx.ExecContext(ctx, `INSERT INTO event_log (campaign_id, seq, type, body, created_at) VALUES ($1, $2, $3, $4, $5)`,
			campaign, seq, e.Type, string(b), e.At.UnixMilli()); err != nil {
			return seq, fmt.Errorf("log event %d of campaign %d: %w", seq, campaign, err)
		}
	}
	return seq, nil
}
