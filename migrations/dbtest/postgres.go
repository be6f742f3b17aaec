package dbtest

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/sillage/sillage/migrations"
	"github.com/sillage/sillage/migrations/storage"
	"github.com/sillage/sillage/migrations/testnote"
)

// The environment that turns PostgreSQL on for tests.
const (
	// PostgresEnv holds the URL of a PostgreSQL server whose user may
	// create databases, such as
	// postgres://postgres@/postgres?host=/tmp/pg&sslmode=disable. When it
	// is set, Open returns a fresh PostgreSQL database instead of a SQLite
	// file.
	PostgresEnv = "SILLAGE_TEST_POSTGRES"
	// RequirePostgresEnv set to 1 makes a missing or unreachable
	// PostgreSQL fail the tests that need it instead of skipping them, so
	// that CI cannot pass by testing SQLite twice.
	RequirePostgresEnv = "SILLAGE_REQUIRE_POSTGRES"
)

// testConns is the pool size of a test database: packages run their test
// binaries in parallel, each opening many databases.
const testConns = 8

// templateLock is the key of the advisory lock under which one test
// binary at a time makes the template database.
const templateLock = 0x5111a6e

// Target returns where a fresh, empty store for this test is: the URL of a
// new PostgreSQL database when PostgresEnv is set (dropped when the test
// ends), else the path of a SQLite file in a new temporary directory.
// storage.Open migrates it.
func Target(tb testing.TB) string {
	tb.Helper()
	if os.Getenv(PostgresEnv) == "" {
		if testnote.Required(tb, RequirePostgresEnv) {
			tb.Fatalf("%s=1 but %s is not set", RequirePostgresEnv, PostgresEnv)
		}
		return sqlitePath(tb)
	}
	return postgresDatabase(tb)
}

// PostgresOnly skips a test that means PostgreSQL when PostgresEnv is not
// set, through testnote, and fails it instead when RequirePostgresEnv is 1.
func PostgresOnly(t testing.TB) {
	t.Helper()
	if os.Getenv(PostgresEnv) != "" {
		return
	}
	if testnote.Required(t, RequirePostgresEnv) {
		t.Fatalf("%s=1 but %s is not set", RequirePostgresEnv, PostgresEnv)
		return
	}
	testnote.Skip(t, "PostgreSQL only: set "+PostgresEnv+" to a server's URL")
}

// SQLiteOnly skips, through testnote, a test that cannot hold on
// PostgreSQL when the tests run against it; why says what SQLite-only
// thing it checks.
func SQLiteOnly(t testing.TB, why string) {
	t.Helper()
	if os.Getenv(PostgresEnv) != "" {
		testnote.Skip(t, "SQLite only: "+why)
	}
}

// PostgresURL returns the URL of a new, empty PostgreSQL database, dropped
// when the test ends; it skips (or fails) as PostgresOnly does.
func PostgresURL(tb testing.TB) string {
	tb.Helper()
	PostgresOnly(tb)
	return postgresDatabase(tb)
}

// server is what a test binary shares to reach the PostgreSQL server.
var server struct {
	once     sync.Once
	err      error
	admin    *sql.DB  // on the database of the URL in PostgresEnv
	base     *url.URL // that URL
	template string   // migrated once per schema, copied per test
}

// postgresDatabase creates a database for one test from the migrated
// template and returns its URL.
func postgresDatabase(tb testing.TB) string {
	tb.Helper()
	server.once.Do(connect)
	if server.err != nil {
		tb.Fatalf("test PostgreSQL: %v", server.err)
	}
	ctx := context.Background()
	var b [8]byte
	rand.Read(b[:])
	name := "sillage_t_" + hex.EncodeToString(b[:])
	// The default strategy (WAL_LOG since PostgreSQL 15): create and drop
	// took a median 217 ms against 246 ms with STRATEGY FILE_COPY, whose
	// two checkpoints cost more than logging this small schema (60 of
	// each, alternated, on a shared 2-core machine with fsync on).
	if _, err := server.admin.ExecContext(ctx, `CREATE DATABASE `+name+` TEMPLATE `+server.template); err != nil {
		tb.Fatalf("test PostgreSQL: create database: %v", err)
	}
	tb.Cleanup(func() {
		if _, err := server.admin.ExecContext(ctx, `DROP DATABASE `+name+` WITH (FORCE)`); err != nil {
			tb.Errorf("test PostgreSQL: drop database %s: %v", name, err)
		}
	})
	return databaseURL(name)
}

// connect opens the admin pool and makes sure the template database for
// the embedded schema exists. Test binaries run in parallel: an advisory
// lock lets one make it while the others wait, and it gets its name only
// once migrated, so a binary that dies halfway leaves no broken template.
func connect() {
	ctx := context.Background()
	target := os.Getenv(PostgresEnv)
	u, err := url.Parse(target)
	if err != nil || storage.DialectOf(target) != storage.Postgres {
		server.err = fmt.Errorf("%s is not a postgres:// URL", PostgresEnv)
		return
	}
	server.base = u
	admin, err := sql.Open("pgx", target)
	if err != nil {
		server.err = err
		return
	}
	admin.SetMaxOpenConns(4)
	server.admin = admin
	server.template = "sillage_tpl_" + schemaHash()[:12]
	conn, err := admin.Conn(ctx)
	if err != nil {
		server.err = err
		return
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, `SELECT pg_advisory_lock($1)`, templateLock); err != nil {
		server.err = err
		return
	}
	defer conn.ExecContext(ctx, `SELECT pg_advisory_unlock($1)`, templateLock)
	var exists bool
	if err := conn.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)`, server.template).Scan(&exists); err != nil {
		server.err = err
		return
	}
	if exists {
		return
	}
	building := server.template + "_new"
	for _, q := range []string{`DROP DATABASE IF EXISTS ` + building + ` WITH (FORCE)`, `CREATE DATABASE ` + building} {
		if _, err := conn.ExecContext(ctx, q); err != nil {
			server.err = fmt.Errorf("template: %w", err)
			return
		}
	}
	db, err := storage.Open(ctx, databaseURL(building))
	if err != nil {
		server.err = fmt.Errorf("template: %w", err)
		return
	}
	db.Close()
	if _, err := conn.ExecContext(ctx, `ALTER DATABASE `+building+` RENAME TO `+server.template); err != nil {
		server.err = fmt.Errorf("template: %w", err)
	}
}

// databaseURL is the URL of PostgresEnv with another database.
func databaseURL(name string) string {
	u := *server.base
	u.Path = "/" + name
	u.RawPath = ""
	return u.String()
}

// schemaHash is the SHA-256 of the embedded PostgreSQL migrations, so
// that a changed schema gets a template of its own.
func schemaHash() string {
	h := sha256.New()
	files := migrations.FS(migrations.Postgres)
	fs.WalkDir(files, ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(files, path)
		if err != nil {
			return err
		}
		fmt.Fprintf(h, "%s\x00%d\x00", path, len(b))
		h.Write(b)
		return nil
	})
	return hex.EncodeToString(h.Sum(nil))
}

// PostgresURLCollated returns the URL of a new, empty PostgreSQL database
// (dropped when the test ends) whose default collation is the ICU locale
// given, such as "en-US", rather than the server's: a test of a query
// that must not depend on the collation runs where it would. It skips (or
// fails) as PostgresOnly does. storage.Open migrates it.
func PostgresURLCollated(tb testing.TB, icuLocale string) string {
	tb.Helper()
	return emptyDatabase(tb, fmt.Sprintf(`LOCALE_PROVIDER icu ICU_LOCALE '%s'`, strings.ReplaceAll(icuLocale, "'", "")))
}

// EmptyPostgresURL returns the URL of a new PostgreSQL database with no
// table at all, not even goose's (dropped when the test ends), for tests
// of what a first migration does. It skips (or fails) as PostgresOnly
// does.
func EmptyPostgresURL(tb testing.TB) string {
	tb.Helper()
	return emptyDatabase(tb, "")
}

// emptyDatabase creates a database from template0 with the options given.
func emptyDatabase(tb testing.TB, options string) string {
	tb.Helper()
	PostgresOnly(tb)
	server.once.Do(connect)
	if server.err != nil {
		tb.Fatalf("test PostgreSQL: %v", server.err)
	}
	ctx := context.Background()
	var b [8]byte
	rand.Read(b[:])
	name := "sillage_t_" + hex.EncodeToString(b[:])
	if _, err := server.admin.ExecContext(ctx, `CREATE DATABASE `+name+` TEMPLATE template0 `+options); err != nil {
		tb.Fatalf("test PostgreSQL: create database: %v", err)
	}
	tb.Cleanup(func() {
		if _, err := server.admin.ExecContext(ctx, `DROP DATABASE `+name+` WITH (FORCE)`); err != nil {
			tb.Errorf("test PostgreSQL: drop database %s: %v", name, err)
		}
	})
	return databaseURL(name)
}

// targets holds the URL each PostgreSQL database of Open was opened with.
var targets sync.Map // *storage.DB → string

// Instances returns n more handles on db's PostgreSQL database, each with
// pools of its own, as n other processes sharing it would have; they are
// closed when the test ends. Tests of locks that must hold across
// instances spread their work over them. On SQLite, whose file one
// process owns, it skips (or fails, as PostgresOnly does).
func Instances(tb testing.TB, db *storage.DB, n int) []*storage.DB {
	tb.Helper()
	PostgresOnly(tb)
	if db.Dialect != storage.Postgres {
		tb.Fatalf("Instances: the test's database is not PostgreSQL")
	}
	dbs := make([]*storage.DB, n)
	for i := range dbs {
		target, ok := targets.Load(db)
		if !ok {
			tb.Fatalf("Instances: db was not opened by dbtest.Open")
		}
		other, err := storage.Open(context.Background(), target.(string))
		if err != nil {
			tb.Fatalf("open instance %d: %v", i, err)
		}
		other.Write.SetMaxOpenConns(testConns)
		tb.Cleanup(func() { other.Close() })
		dbs[i] = other
	}
	return dbs
}
