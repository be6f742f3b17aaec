// Package dbcopy moves a whole SQLite database into an empty PostgreSQL
// one at the same schema version (`sillage db copy`, SCALE-OUT.md §7):
// it finds the tables and columns both stores hold, copies their rows in
// one PostgreSQL transaction with COPY, keeps every id and every
// sequence's place, and digests each table on both sides so that the copy
// can be checked row for row.
package dbcopy

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
)

// order is the order rows are read and written in (SCALE-OUT.md §7): a
// table's rows follow those they refer to, but for links and claims,
// which refer to each other; the foreign keys are dropped for the copy
// anyway. A table the schema gains later is copied after these, by name.
var order = []string{
	"users", "api_keys", "settings", "notify_keys", "suppressions",
	"campaigns", "campaign_templates", "contacts", "links", "claims",
	"exposures", "refusals", "seat_releases", "previews", "messages",
	"campaign_counters", "sessions",
}

// skipped are the tables not copied: tree_snapshots hold SQLite's id
// positions, not PostgreSQL's feed (the first read rebuilds them);
// write_probe is the readiness check's scratch row; goose_db_version is
// each store's own migration history.
var skipped = []string{"tree_snapshots", "write_probe", "goose_db_version"}

// skippedSettings are the prefixes of settings rows that belong to the
// running installation, not to its data: job leases, setup codes printed
// at a start, and the network salts of SQLite's single instance.
var skippedSettings = []string{"job:", "setup:", "network-salt:"}

// Class is how a column's values are compared and converted across the
// two stores.
type Class int

const (
	Int   Class = iota // INTEGER and BIGINT
	Text               // TEXT
	Bytes              // BLOB / BYTEA
	Bool               // BOOLEAN: 0 or 1 in SQLite
)

// Column is one column that both stores' table holds.
type Column struct {
	Name  string
	Class Class
}

// Table is one table to copy: its columns held by both stores (in
// PostgreSQL's order; a column PostgreSQL alone has takes its default),
// its primary key, and whether its id comes from a sequence.
type Table struct {
	Name     string
	Columns  []Column
	Key      []string // the primary key's columns, in order
	Identity bool     // id is an identity column: its sequence is moved past the copied ids
}

// skipRow reports whether a source row is left behind: the settings
// rows of skippedSettings. vals are the row's values, in Columns' order.
func (t *Table) skipRow(vals []any) bool {
	if t.Name != "settings" {
		return false
	}
	i := slices.IndexFunc(t.Columns, func(c Column) bool { return c.Name == "key" })
	if i < 0 {
		return false
	}
	key := asText(vals[i])
	return slices.ContainsFunc(skippedSettings, func(p string) bool { return strings.HasPrefix(key, p) })
}

// Plan returns the tables to copy from the SQLite database src into the
// PostgreSQL database dst, in copy order, each with the columns both
// hold. It fails when src holds a table or a column that dst lacks:
// the copy would lose it (the two are at different versions, or their
// migrations disagree).
func Plan(ctx context.Context, src, dst *sql.DB) ([]Table, error) {
	srcTables, err := strings1(ctx, src, `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`)
	if err != nil {
		return nil, fmt.Errorf("copy plan: source tables: %w", err)
	}
	dstTables, err := strings1(ctx, dst, `SELECT table_name FROM information_schema.tables
		WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'`)
	if err != nil {
		return nil, fmt.Errorf("copy plan: target tables: %w", err)
	}
	var names []string
	for _, name := range srcTables {
		if slices.Contains(skipped, name) {
			continue
		}
		if !slices.Contains(dstTables, name) {
			return nil, fmt.Errorf("copy plan: table %s is in the source only", name)
		}
		names = append(names, name)
	}
	slices.SortFunc(names, func(a, b string) int {
		ia, ib := slices.Index(order, a), slices.Index(order, b)
		if ia < 0 {
			ia = len(order)
		}
		if ib < 0 {
			ib = len(order)
		}
		if ia != ib {
			return ia - ib
		}
		return strings.Compare(a, b)
	})
	tables := make([]Table, 0, len(names))
	for _, name := range names {
		t, err := planTable(ctx, src, dst, name)
		if err != nil {
			return nil, fmt.Errorf("copy plan: %s: %w", name, err)
		}
		tables = append(tables, t)
	}
	return tables, nil
}

// planTable reads one table's columns, key and identity from both stores.
func planTable(ctx context.Context, src, dst *sql.DB, name string) (Table, error) {
	t := Table{Name: name}
	srcCols, err := strings1(ctx, src, `SELECT name FROM pragma_table_info($1)`, name)
	if err != nil {
		return t, err
	}
	rows, err := dst.QueryContext(ctx, `SELECT column_name, data_type, is_identity = 'YES'
		FROM information_schema.columns
		WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position`, name)
	if err != nil {
		return t, err
	}
	defer rows.Close()
	var dstCols []string
	for rows.Next() {
		var col, typ string
		var identity bool
		if err := rows.Scan(&col, &typ, &identity); err != nil {
			return t, err
		}
		dstCols = append(dstCols, col)
		if !slices.Contains(srcCols, col) {
			continue // PostgreSQL's own (such as txid): its default
		}
		class, ok := classes[typ]
		if !ok {
			return t, fmt.Errorf("column %s: type %s has no copy rule", col, typ)
		}
		t.Columns = append(t.Columns, Column{Name: col, Class: class})
		if identity && col == "id" {
			t.Identity = true
		}
	}
	if err := rows.Err(); err != nil {
		return t, err
	}
	for _, col := range srcCols {
		if !slices.Contains(dstCols, col) {
			return t, fmt.Errorf("column %s is in the source only", col)
		}
	}
	t.Key, err = strings1(ctx, dst, `SELECT a.attname FROM pg_index i
		JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY (i.indkey)
		WHERE i.indrelid = to_regclass($1) AND i.indisprimary
		ORDER BY array_position(i.indkey::int2[], a.attnum)`, name)
	if err != nil {
		return t, err
	}
	if len(t.Key) == 0 { // no primary key: every column orders the rows
		for _, c := range t.Columns {
			t.Key = append(t.Key, c.Name)
		}
	}
	return t, nil
}

// classes maps PostgreSQL's data_type to a copy class.
var classes = map[string]Class{
	"bigint": Int, "integer": Int, "smallint": Int,
	"text": Text, "character varying": Text,
	"bytea":   Bytes,
	"boolean": Bool,
}

// ErrNotEmpty is returned by CheckEmpty when the target holds rows.
var ErrNotEmpty = errors.New("the target database is not empty")

// CheckEmpty returns an error wrapping ErrNotEmpty, naming the tables
// that hold rows, unless every table of the PostgreSQL database db but
// goose's is empty.
func CheckEmpty(ctx context.Context, db *sql.DB) error {
	return checkEmpty(ctx, db)
}

// querier is what checkEmpty reads through: a pool, or the copy's
// transaction.
type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

func checkEmpty(ctx context.Context, db querier) error {
	tables, err := strings1(ctx, db, `SELECT table_name FROM information_schema.tables
		WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' AND table_name != 'goose_db_version'
		ORDER BY table_name`)
	if err != nil {
		return fmt.Errorf("target tables: %w", err)
	}
	var full []string
	for _, t := range tables {
		n, err := strings1(ctx, db, `SELECT 1 FROM `+quote(t)+` LIMIT 1`)
		if err != nil {
			return fmt.Errorf("target table %s: %w", t, err)
		}
		if len(n) > 0 {
			full = append(full, t)
		}
	}
	if len(full) > 0 {
		return fmt.Errorf("%w: %s hold rows; copy into a new database (CREATE DATABASE)", ErrNotEmpty, strings.Join(full, ", "))
	}
	return nil
}

// strings1 returns the first column of every row of query, as text.
func strings1(ctx context.Context, db querier, query string, args ...any) ([]string, error) {
	rows, err := db.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// quote quotes an identifier for both stores.
func quote(name string) string {
	return `"` + strings.ReplaceAll(name, `"`, `""`) + `"`
}

// columnList is the table's columns, quoted and separated by commas.
func (t *Table) columnList() string {
	q := make([]string, len(t.Columns))
	for i, c := range t.Columns {
		q[i] = quote(c.Name)
	}
	return strings.Join(q, ", ")
}
