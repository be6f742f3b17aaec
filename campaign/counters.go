package campaign

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/sillage/sillage/migrations/storage"
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

// Shards is how many rows each counter of a campaign is spread over on
// PostgreSQL (SCALE-OUT.md 2.5). A write holds its counter row until
// commit, so one row per counter would run a hot campaign's views one at
// a time across every instance; writers with different keys mostly take
// different rows instead, and readers add the rows up.
const Shards = 16

// Shard is the row of a counter a write adds to.
type Shard int16

// ShardOf returns the shard of a write keyed by key: the id of a row the
// transaction already holds locked (the link being unlocked, the
// forwarder's claim), so that two writes that could run at once were
// already apart. SQLite has one writer and nothing to spread: shard 0.
func ShardOf(d storage.Dialect, key int64) Shard {
	if d != storage.Postgres {
		return 0
	}
	return Shard(uint64(key) % Shards) // ids are handed out in order: consecutive keys take consecutive shards
}

// AddTx adds delta to shard 0 of the counter name of campaign id inside
// the caller's transaction: for counters written rarely (seeds, releases).
func AddTx(ctx context.Context, q Querier, id ID, name string, delta int64) error {
	return AddShardTx(ctx, q, id, name, 0, delta)
}

// AddShardTx adds delta to one shard of the counter name of campaign id
// inside the caller's transaction. Counters are the last rows a
// transaction writes, in name order (SCALE-OUT.md 2.2).
func AddShardTx(ctx context.Context, q Querier, id ID, name string, sh Shard, delta int64) error {
	_, err := q.ExecContext(ctx, `INSERT INTO campaign_counters (campaign_id, name, shard, value)
		VALUES ($1, $2, $3, $4)
		ON CONFLICT (campaign_id, name, shard) DO UPDATE SET value = campaign_counters.value + excluded.value`,
		id, name, sh, delta)
	if err != nil {
		return fmt.Errorf("count %s: %w", name, err)
	}
	return nil
}

// RaiseShardTx sets one shard of the counter name to v if v is larger,
// inside the caller's transaction; readers take the largest shard.
func RaiseShardTx(ctx context.Context, q Querier, id ID, name string, sh Shard, v int64) error {
	_, err := q.ExecContext(ctx, `INSERT INTO campaign_counters (campaign_id, name, shard, value)
		VALUES ($1, $2, $3, $4)
		ON CONFLICT (campaign_id, name, shard) DO UPDATE SET value =
			CASE WHEN excluded.value > campaign_counters.value THEN excluded.value ELSE campaign_counters.value END`,
		id, name, sh, v)
	if err != nil {
		return fmt.Errorf("raise %s: %w", name, err)
	}
	return nil
}

// combined is the aggregate that folds a counter's shards into its value:
// the largest for max_depth, which is raised, the sum for the rest.
// SUM of a BIGINT is numeric on PostgreSQL: cast back.
const combined = `CAST(CASE WHEN name = 'max_depth' THEN MAX(value) ELSE SUM(value) END AS BIGINT)`

// CountTx returns the counter name of campaign id, 0 when never counted.
func CountTx(ctx context.Context, q Querier, id ID, name string) (int64, error) {
	var v int64
	err := q.QueryRowContext(ctx, `SELECT COALESCE(`+combined+`, 0) FROM campaign_counters
		WHERE campaign_id = $1 AND name = $2 GROUP BY name`, id, name).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("read %s: %w", name, err)
	}
	return v, nil
}

// Counters returns every headline counter of campaign id by name.
func (s *Store) Counters(ctx context.Context, id ID) (map[string]int64, error) {
	rows, err := s.db.Read.QueryContext(ctx, `SELECT name, `+combined+` FROM campaign_counters
		WHERE campaign_id = $1 GROUP BY name`, id)
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
	rows, err := s.db.Read.QueryContext(ctx, `SELECT campaign_id, name, `+combined+` FROM campaign_counters
		GROUP BY campaign_id, name ORDER BY campaign_id`)
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
