package campaign

import (
	"context"
	"fmt"
)

// Names of the headline counters kept at write time. Forwards are counted
// per channel as "forwards." + channel.
const (
	CountViews     = "views"     // claims: one per device per campaign
	CountReviews   = "reviews"   // a device re-opening its own claim
	CountExposures = "exposures" // a reached device unlocking another link
	CountPreviews  = "previews"  // link-preview fetches
	CountLinks     = "links"     // links minted, seeds and forwards
	CountMaxDepth  = "max_depth" // deepest claim
	CountRefusals  = "refusals"  // devices turned away by a full link
	CountReleases  = "releases"  // seats a marketer released
	CountTakeOvers = "takeovers" // released seats a new device took over: reach is views + takeovers
	CountForwards  = "forwards." // prefix, followed by the channel
)

// AddTx adds delta to the counter name of campaign id inside the caller's
// transaction.
func AddTx(ctx context.Context, q Querier, id ID, name string, delta int64) error {
	_, err := q.ExecContext(ctx, `INSERT INTO campaign_counters (campaign_id, name, value)
		VALUES ($1, $2, $3)
		ON CONFLICT (campaign_id, name) DO UPDATE SET value = campaign_counters.value + excluded.value`,
		id, name, delta)
	if err != nil {
		return fmt.Errorf("count %s: %w", name, err)
	}
	return nil
}

// RaiseTx sets the counter name to v if v is larger, inside the caller's
// transaction.
func RaiseTx(ctx context.Context, q Querier, id ID, name string, v int64) error {
	_, err := q.ExecContext(ctx, `INSERT INTO campaign_counters (campaign_id, name, value)
		VALUES ($1, $2, $3)
		ON CONFLICT (campaign_id, name) DO UPDATE SET value =
			CASE WHEN excluded.value > campaign_counters.value THEN excluded.value ELSE campaign_counters.value END`,
		id, name, v)
	if err != nil {
		return fmt.Errorf("raise %s: %w", name, err)
	}
	return nil
}

// CountTx returns the counter name of campaign id, 0 when never counted.
func CountTx(ctx context.Context, q Querier, id ID, name string) (int64, error) {
	var v int64
	err := q.QueryRowContext(ctx, `SELECT CAST(COALESCE(SUM(value), 0) AS BIGINT) FROM campaign_counters
		WHERE campaign_id = $1 AND name = $2`, id, name).Scan(&v)
	if err != nil {
		return 0, fmt.Errorf("read %s: %w", name, err)
	}
	return v, nil
}

// Counters returns every headline counter of campaign id by name.
func (s *Store) Counters(ctx context.Context, id ID) (map[string]int64, error) {
	rows, err := s.db.Read.QueryContext(ctx, `SELECT name, value FROM campaign_counters WHERE campaign_id = $1`, id)
	if err != nil {
		return nil, fmt.Errorf("counters of campaign %d: %w", id, err)
	}
	defer rows.Close()
	m := make(map[string]int64)
	for rows.Next() {
		var name string
		var v int64
		if err := rows.Scan(&name, &v); err != nil {
			return nil, err
		}
		m[name] = v
	}
	return m, rows.Err()
}

// AllCounters returns the headline counters of every campaign, by campaign
// and name, read in one statement: what the metrics report at each scrape.
func (s *Store) AllCounters(ctx context.Context) (map[ID]map[string]int64, error) {
	rows, err := s.db.Read.QueryContext(ctx, `SELECT campaign_id, name, value FROM campaign_counters ORDER BY campaign_id`)
	if err != nil {
		return nil, fmt.Errorf("counters: %w", err)
	}
	defer rows.Close()
	all := make(map[ID]map[string]int64)
	for rows.Next() {
		var id ID
		var name string
		var v int64
		if err := rows.Scan(&id, &name, &v); err != nil {
			return nil, fmt.Errorf("counters: %w", err)
		}
		if all[id] == nil {
			all[id] = make(map[string]int64)
		}
		all[id][name] = v
	}
	return all, rows.Err()
}
