package migrations_test

import (
	"context"
	"database/sql"
	"maps"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/sillage/sillage/migrations"
	"github.com/sillage/sillage/migrations/dbtest"
	"github.com/sillage/sillage/migrations/storage"
)

// column is what TestSchemaParity compares of a column on both stores.
type column struct {
	class   string // int, text, bytes or bool
	notNull bool
}

// postgresOnlyColumns are the columns that only PostgreSQL has, by
// "table.column": the transaction that wrote each claim and link, which
// the tree refresh reads by (SCALE-OUT.md §3); SQLite commits in id order
// and needs none.
var postgresOnlyColumns = []string{"claims.txid", "links.txid"}

// The two stores hold the same tables and columns, each as nullable and of
// the same kind, at the same version: code written against one reads and
// writes the other. goose's own table differs by design and is left out.
func TestSchemaParity(t *testing.T) {
	ctx := context.Background()
	target := dbtest.PostgresURL(t)
	lite, err := storage.Open(ctx, filepath.Join(t.TempDir(), "s.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer lite.Close()
	pg, err := storage.Open(ctx, target)
	if err != nil {
		t.Fatal(err)
	}
	defer pg.Close()

	want := sqliteSchema(t, lite.Read)
	got := postgresSchema(t, pg.Read)
	for _, name := range postgresOnlyColumns {
		if _, ok := got[name]; !ok {
			t.Errorf("%s is listed as PostgreSQL only but PostgreSQL lacks it", name)
		}
		delete(got, name)
	}
	for _, name := range slices.Sorted(maps.Keys(want)) {
		g, ok := got[name]
		switch {
		case !ok:
			t.Errorf("%s: in SQLite, not in PostgreSQL", name)
		case g != want[name]:
			t.Errorf("%s: PostgreSQL %+v, SQLite %+v", name, g, want[name])
		}
	}
	for _, name := range slices.Sorted(maps.Keys(got)) {
		if _, ok := want[name]; !ok {
			t.Errorf("%s: in PostgreSQL, not in SQLite", name)
		}
	}
	if len(want) < 100 {
		t.Errorf("SQLite schema has %d columns: the introspection missed some", len(want))
	}
	lv, _ := migrations.Version(ctx, lite.Read)
	pv, _ := migrations.Version(ctx, pg.Read)
	if lv != pv || lv == 0 {
		t.Errorf("versions: SQLite %d, PostgreSQL %d", lv, pv)
	}
}

// sqliteSchema maps "table.column" to its kind, from the declared types.
// A column of the primary key counts as NOT NULL: it is one on
// PostgreSQL, and the code never stores a NULL key on SQLite.
func sqliteSchema(t *testing.T, db *sql.DB) map[string]column {
	t.Helper()
	rows, err := db.Query(`SELECT m.name, p.name, p.type, p."notnull", p.pk
		FROM sqlite_master m, pragma_table_info(m.name) p
		WHERE m.type = 'table' AND m.name NOT IN ('goose_db_version', 'sqlite_sequence')`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[string]column{}
	for rows.Next() {
		var table, name, typ string
		var notNull, pk int
		if err := rows.Scan(&table, &name, &typ, &notNull, &pk); err != nil {
			t.Fatal(err)
		}
		out[table+"."+name] = column{class: typeClass(t, typ), notNull: notNull == 1 || pk > 0}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// postgresSchema maps "table.column" to its kind.
func postgresSchema(t *testing.T, db *sql.DB) map[string]column {
	t.Helper()
	rows, err := db.Query(`SELECT c.table_name, c.column_name, c.data_type, c.is_nullable
		FROM information_schema.columns c JOIN information_schema.tables t
			ON t.table_schema = c.table_schema AND t.table_name = c.table_name
		WHERE c.table_schema = current_schema() AND t.table_type = 'BASE TABLE'
			AND c.table_name <> 'goose_db_version'`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[string]column{}
	for rows.Next() {
		var table, name, typ, nullable string
		if err := rows.Scan(&table, &name, &typ, &nullable); err != nil {
			t.Fatal(err)
		}
		out[table+"."+name] = column{class: typeClass(t, typ), notNull: nullable == "NO"}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// typeClass sorts a declared (SQLite) or catalogued (PostgreSQL) type
// into int, text, bytes or bool.
func typeClass(t *testing.T, typ string) string {
	t.Helper()
	switch strings.ToLower(typ) {
	case "integer", "bigint", "smallint":
		return "int"
	case "text", "character varying":
		return "text"
	case "blob", "bytea":
		return "bytes"
	case "boolean":
		return "bool"
	case "xid8":
		return "xid8" // PostgreSQL only
	}
	t.Errorf("type %q: no class", typ)
	return typ
}
