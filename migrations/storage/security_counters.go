package storage

import (
	"context"
	"fmt"
	"maps"
	"slices"
)

// SecurityCounters keeps the security alert counters (token-guessing
// bursts, unlocks refused by the limits) of every instance on the
// database, by name and day: each instance adds what it counted, and the
// alerts sum the rows.
type SecurityCounters struct {
	db *DB
}

// NewSecurityCounters returns the security counters kept in db.
func NewSecurityCounters(db *DB) *SecurityCounters {
	return &SecurityCounters{db: db}
}

// Add adds each delta to its counter's row of day (days since the Unix
// epoch, UTC), in one transaction: all of them or, on an error, none.
func (c *SecurityCounters) Add(ctx context.Context, day int64, deltas map[string]int64) error {
	tx, err := c.db.Write.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("add security counters: %w", err)
	}
	defer tx.Rollback()
	// In name order: two instances adding the same names lock their rows
	// in the same order, and cannot deadlock on PostgreSQL.
	for _, name := range slices.Sorted(maps.Keys(deltas)) {
		if deltas[name] == 0 {
			continue
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO security_counters (name, day, value) VALUES ($1, $2, $3)
			ON CONFLICT (name, day) DO UPDATE SET value = security_counters.value + excluded.value`,
			name, day, deltas[name]); err != nil {
			return fmt.Errorf("add security counter %s: %w", name, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("add security counters: %w", err)
	}
	return nil
}

// Sum returns each counter summed over the days from from on; a counter
// with no row is absent.
func (c *SecurityCounters) Sum(ctx context.Context, from int64) (map[string]int64, error) {
	rows, err := c.db.Read.QueryContext(ctx, `SELECT name, CAST(SUM(value) AS BIGINT) FROM security_counters
		WHERE day >= $1 GROUP BY name`, from)
	if err != nil {
		return nil, fmt.Errorf("sum security counters: %w", err)
	}
	defer rows.Close()
	sums := map[string]int64{}
	for rows.Next() {
		var name string
		var sum int64
		if err := rows.Scan(&name, &sum); err != nil {
			return nil, fmt.Errorf("sum security counters: %w", err)
		}
		sums[name] = sum
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sum security counters: %w", err)
	}
	return sums, nil
}
