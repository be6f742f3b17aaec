package dbcopy

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
)

// Copied is what Copy wrote: each table's rows, and for each table whose
// id comes from a sequence, the id the sequence was set to (the larger of
// the highest id copied and the highest SQLite ever handed out); the next
// id it hands out is above it.
type Copied struct {
	Rows  map[string]int64
	MaxID map[string]int64
}

// Copy copies the rows of tables (see Plan) from the SQLite database src
// into the PostgreSQL database dst, in one transaction: all of them or,
// on any error, none. dst must be empty (ErrNotEmpty), which Copy checks
// again inside the transaction. Ids are kept; booleans stored as 0 or 1
// become booleans; bytes go across as they are. The foreign keys are
// dropped for the copy (links and claims refer to each other, so no order
// of rows satisfies both) and added again before the commit, which checks
// every row against them in one pass, as pg_restore does.
//
// src should be a snapshot nobody writes to: Copy reads it table by
// table, not in one transaction.
func Copy(ctx context.Context, src, dst *sql.DB, tables []Table) (*Copied, error) {
	conn, err := dst.Conn(ctx)
	if err != nil {
		return nil, fmt.Errorf("copy: %w", err)
	}
	defer conn.Close()
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("copy: %w", err)
	}
	defer tx.Rollback()
	keys, err := dropForeignKeys(ctx, tx)
	if err != nil {
		return nil, fmt.Errorf("copy: %w", err)
	}
	// Dropping a foreign key locks its table: no other writer gets in
	// between this check and the commit.
	if err := checkEmpty(ctx, tx); err != nil {
		return nil, fmt.Errorf("copy: %w", err)
	}
	done := &Copied{Rows: map[string]int64{}, MaxID: map[string]int64{}}
	for i := range tables {
		t := &tables[i]
		n, err := copyTable(ctx, src, conn, t)
		if err != nil {
			return nil, fmt.Errorf("copy: %s: %w", t.Name, err)
		}
		done.Rows[t.Name] = n
	}
	for _, k := range keys {
		if _, err := tx.ExecContext(ctx, `ALTER TABLE `+quote(k.table)+` ADD CONSTRAINT `+quote(k.name)+` `+k.def); err != nil {
			return nil, fmt.Errorf("copy: foreign key %s of %s: %w", k.name, k.table, err)
		}
	}
	for _, t := range tables {
		if !t.Identity {
			continue
		}
		n, err := highestID(ctx, src, t.Name)
		if err != nil {
			return nil, fmt.Errorf("copy: %s: %w", t.Name, err)
		}
		// setval(seq, 1, false) hands out 1 next; setval(seq, n, true) n+1.
		if _, err := tx.ExecContext(ctx, `SELECT setval(pg_get_serial_sequence($1, 'id'), $2, $3)`,
			quote(t.Name), max(n, 1), n > 0); err != nil {
			return nil, fmt.Errorf("copy: %s: sequence: %w", t.Name, err)
		}
		done.MaxID[t.Name] = n
	}
	if err := tx.Commit(); err != nil {
		return nil, fmt.Errorf("copy: %w", err)
	}
	return done, nil
}

// foreignKey is a constraint dropped for the copy, and how to add it again.
type foreignKey struct{ table, name, def string }

// dropForeignKeys drops every foreign key of the target's schema and
// returns them.
func dropForeignKeys(ctx context.Context, tx *sql.Tx) ([]foreignKey, error) {
	rows, err := tx.QueryContext(ctx, `SELECT c.conrelid::regclass::text, c.conname, pg_get_constraintdef(c.oid)
		FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace
		WHERE c.contype = 'f' AND n.nspname = current_schema() ORDER BY 1, 2`)
	if err != nil {
		return nil, fmt.Errorf("foreign keys: %w", err)
	}
	var keys []foreignKey
	for rows.Next() {
		var k foreignKey
		if err := rows.Scan(&k.table, &k.name, &k.def); err != nil {
			rows.Close()
			return nil, fmt.Errorf("foreign keys: %w", err)
		}
		keys = append(keys, k)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("foreign keys: %w", err)
	}
	for _, k := range keys {
		// k.table is regclass text: already quoted where it needs to be.
		if _, err := tx.ExecContext(ctx, `ALTER TABLE `+k.table+` DROP CONSTRAINT `+quote(k.name)); err != nil {
			return nil, fmt.Errorf("drop foreign key %s: %w", k.name, err)
		}
	}
	for i := range keys {
		keys[i].table = unquoteRegclass(keys[i].table)
	}
	return keys, nil
}

// unquoteRegclass turns a regclass's text back into a bare name, which
// quote quotes again.
func unquoteRegclass(s string) string {
	if u, err := strconv.Unquote(s); err == nil && len(s) > 1 && s[0] == '"' {
		return u
	}
	return s
}

// copyTable streams table t's rows from src into the target's
// transaction on conn with COPY, and returns how many it wrote.
func copyTable(ctx context.Context, src *sql.DB, conn *sql.Conn, t *Table) (int64, error) {
	rows, err := src.QueryContext(ctx, `SELECT `+t.columnList()+` FROM `+quote(t.Name)+` ORDER BY `+keyList(t, false))
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	source := newRowSource(t, rows)
	names := make([]string, len(t.Columns))
	for i, c := range t.Columns {
		names[i] = c.Name
	}
	var n int64
	err = conn.Raw(func(dc any) error {
		c, ok := dc.(*stdlib.Conn)
		if !ok {
			return errors.New("the target is not a PostgreSQL connection through pgx")
		}
		var err error
		n, err = c.Conn().CopyFrom(ctx, pgx.Identifier{t.Name}, names, source)
		return err
	})
	if err != nil {
		return 0, err
	}
	return n, nil
}

// rowSource hands a table's source rows to CopyFrom, converted to what
// PostgreSQL's columns take, leaving out those skipRow names.
type rowSource struct {
	t    *Table
	rows *sql.Rows
	vals []any
	ptrs []any
	err  error
}

func newRowSource(t *Table, rows *sql.Rows) *rowSource {
	s := &rowSource{t: t, rows: rows, vals: make([]any, len(t.Columns)), ptrs: make([]any, len(t.Columns))}
	for i := range s.vals {
		s.ptrs[i] = &s.vals[i]
	}
	return s
}

func (s *rowSource) Next() bool {
	for s.err == nil && s.rows.Next() {
		if s.err = s.rows.Scan(s.ptrs...); s.err != nil {
			return false
		}
		if s.t.skipRow(s.vals) {
			continue
		}
		for i, c := range s.t.Columns {
			if s.vals[i], s.err = convert(c, s.vals[i]); s.err != nil {
				return false
			}
		}
		return true
	}
	return false
}

func (s *rowSource) Values() ([]any, error) { return s.vals, s.err }

func (s *rowSource) Err() error {
	if s.err != nil {
		return s.err
	}
	return s.rows.Err()
}

// convert turns a value read from SQLite into one for PostgreSQL's
// column c. SQLite keeps booleans as integers, and may hold text in a
// BLOB column or the reverse: the column's class decides.
func convert(c Column, v any) (any, error) {
	if v == nil {
		return nil, nil
	}
	switch c.Class {
	case Bool:
		switch b := v.(type) {
		case bool:
			return b, nil
		case int64:
			if b == 0 || b == 1 {
				return b == 1, nil
			}
		}
	case Int:
		if n, ok := v.(int64); ok {
			return n, nil
		}
	case Text:
		switch s := v.(type) {
		case string:
			return s, nil
		case []byte:
			return string(s), nil
		}
	case Bytes:
		switch b := v.(type) {
		case []byte:
			return b, nil
		case string:
			return []byte(b), nil
		}
	}
	return nil, fmt.Errorf("column %s: cannot copy the value %v (%T)", c.Name, v, v)
}

// highestID returns the highest id SQLite handed out for table: its
// largest id, or, for an AUTOINCREMENT table, the largest it ever
// gave, deleted since (an erased contact) or not.
func highestID(ctx context.Context, src *sql.DB, table string) (int64, error) {
	var n int64
	if err := src.QueryRowContext(ctx, `SELECT COALESCE(MAX(id), 0) FROM `+quote(table)).Scan(&n); err != nil {
		return 0, err
	}
	var has int
	if err := src.QueryRowContext(ctx, `SELECT COUNT(*) FROM sqlite_master WHERE name = 'sqlite_sequence'`).Scan(&has); err != nil {
		return 0, err
	}
	if has == 0 {
		return n, nil
	}
	var seq sql.NullInt64
	err := src.QueryRowContext(ctx, `SELECT seq FROM sqlite_sequence WHERE name = $1`, table).Scan(&seq)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return 0, err
	}
	return max(n, seq.Int64), nil
}

// NextIDs returns, for each table of tables whose id comes from a
// sequence, the id the PostgreSQL database db's sequence hands out next,
// without taking it.
func NextIDs(ctx context.Context, db *sql.DB, tables []Table) (map[string]int64, error) {
	next := map[string]int64{}
	for _, t := range tables {
		if !t.Identity {
			continue
		}
		var seq string
		if err := db.QueryRowContext(ctx, `SELECT pg_get_serial_sequence($1, 'id')`, quote(t.Name)).Scan(&seq); err != nil {
			return nil, fmt.Errorf("%s: sequence: %w", t.Name, err)
		}
		var last int64
		var called bool
		// seq is pg_get_serial_sequence's answer: quoted where it needs to be.
		if err := db.QueryRowContext(ctx, `SELECT last_value, is_called FROM `+seq).Scan(&last, &called); err != nil {
			return nil, fmt.Errorf("%s: sequence: %w", t.Name, err)
		}
		if called {
			last++
		}
		next[t.Name] = last
	}
	return next, nil
}
