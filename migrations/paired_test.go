package migrations_test

import (
	"compress/gzip"
	"context"
	"database/sql"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/pressly/goose/v3"

	"github.com/sillage/sillage/migrations"
	"github.com/sillage/sillage/migrations/storage"
)

// versions lists the migration numbers of one dialect, in order.
func versions(t *testing.T, d string) []int64 {
	t.Helper()
	names, err := fs.Glob(migrations.FS(d), "*.sql")
	if err != nil {
		t.Fatal(err)
	}
	var vs []int64
	for _, name := range names {
		num, _, _ := strings.Cut(name, "_")
		v, err := strconv.ParseInt(num, 10, 64)
		if err != nil {
			t.Fatalf("%s/%s: no version number", d, name)
		}
		vs = append(vs, v)
	}
	slices.Sort(vs)
	return vs
}

// Every migration from PostgreSQL's base on exists for both stores under
// the same number, so that a version means the same schema on both: the
// PostgreSQL base is a SQLite version, and the two lists agree after it.
func TestMigrationsPaired(t *testing.T) {
	lite, pg := versions(t, migrations.SQLite), versions(t, migrations.Postgres)
	if len(pg) == 0 {
		t.Fatal("no PostgreSQL migration")
	}
	base := pg[0]
	i := slices.Index(lite, base)
	if i < 0 {
		t.Fatalf("the PostgreSQL base %05d is no SQLite version (SQLite has %v)", base, lite)
	}
	if got, want := pg, lite[i:]; !slices.Equal(got, want) {
		t.Errorf("PostgreSQL migrations %v, SQLite migrations from the base %v: each must exist in both folders", got, want)
	}
	latest, err := migrations.Latest()
	if err != nil {
		t.Fatal(err)
	}
	if got := pg[len(pg)-1]; got != latest {
		t.Errorf("newest PostgreSQL migration %05d, migrations.Latest() = %05d", got, latest)
	}
}

// A database that main made at 00015, before the migrations moved to
// sqlite/, opens with nothing to apply but the migrations written since:
// goose keeps only the version numbers, which did not change. (testdata/main-00015.db.gz was written
// by migrations.Open at commit d6e03c0, with one settings row.)
func TestOldSQLiteDatabaseAppliesNothing(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "old.db")
	gunzip(t, filepath.Join("testdata", "main-00015.db.gz"), path)

	raw, err := sql.Open("sqlite3", storage.SQLiteDSN(path, nil))
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	p, err := goose.NewProvider(goose.DialectSQLite3, raw, migrations.FS(migrations.SQLite))
	if err != nil {
		t.Fatal(err)
	}
	// Only the migrations written after the move are pending.
	status, err := p.Status(ctx)
	if err != nil {
		t.Fatal(err)
	}
	since := 0
	for _, s := range status {
		if s.Source.Version > 15 {
			since++
		}
		if (s.State == goose.StatePending) != (s.Source.Version > 15) {
			t.Errorf("a database at 00015 made before the move: migration %05d is %s", s.Source.Version, s.State)
		}
	}
	raw.Close()

	db, err := storage.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	v, err := migrations.Version(ctx, db.Read)
	if err != nil {
		t.Fatal(err)
	}
	var rows int
	if err := db.Read.QueryRow("SELECT COUNT(*) FROM goose_db_version").Scan(&rows); err != nil {
		t.Fatal(err)
	}
	var made string
	if err := db.Read.QueryRow("SELECT value FROM settings WHERE key = 'made_by'").Scan(&made); err != nil {
		t.Fatal(err)
	}
	// 12 migrations to 00015, goose's own row 0, and those written since.
	latest, err := migrations.Latest()
	if err != nil {
		t.Fatal(err)
	}
	if want := 13 + since; v != latest || rows != want || made != "main at 00015" {
		t.Errorf("after Open: version %d, %d goose rows, made_by %q; want %d, %d, %q", v, rows, made, latest, want, "main at 00015")
	}
}

func gunzip(t *testing.T, from, to string) {
	t.Helper()
	f, err := os.Open(from)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	z, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	out, err := os.OpenFile(to, os.O_CREATE|os.O_WRONLY, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	defer out.Close()
	if _, err := io.Copy(out, z); err != nil {
		t.Fatal(err)
	}
}
