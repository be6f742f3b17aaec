package storage_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/sillage/sillage/migrations/dbtest"
	"github.com/sillage/sillage/migrations/storage"
)

// A server that is not there is an error naming the target, password
// left out, and one that Unwritable recognises (a 503, not a 500).
func TestOpenPostgresDown(t *testing.T) {
	target := "postgres://sillage:hunter2@/sillage?host=" + t.TempDir() + "&connect_timeout=2"
	_, err := storage.Open(context.Background(), target)
	if err == nil {
		t.Fatal("opened a server that does not exist")
	}
	if strings.Contains(err.Error(), "hunter2") {
		t.Errorf("error %q shows the password", err)
	}
	if !storage.Unwritable(err) {
		t.Errorf("Unwritable(%v) = false", err)
	}
}

// PostgreSQL's refusals that pass (disk, memory, connections, a standby,
// a restart) are unwritable; its refusals of the query are not.
func TestUnwritablePostgresCodes(t *testing.T) {
	for _, tc := range []struct {
		code string
		want bool
	}{
		{"53100", true},  // disk_full
		{"53200", true},  // out_of_memory
		{"53300", true},  // too_many_connections
		{"25006", true},  // read_only_sql_transaction
		{"57P01", true},  // admin_shutdown
		{"57P03", true},  // cannot_connect_now
		{"08006", true},  // connection_failure
		{"58030", true},  // io_error
		{"23505", false}, // unique_violation
		{"23502", false}, // not_null_violation
		{"40P01", false}, // deadlock_detected: retried, not a 503
		{"40001", false}, // serialization_failure
		{"42601", false}, // syntax_error
		{"57014", false}, // query_canceled
	} {
		err := fmt.Errorf("insert: %w", &pgconn.PgError{Code: tc.code})
		if got := storage.Unwritable(err); got != tc.want {
			t.Errorf("Unwritable(SQLSTATE %s) = %v, want %v", tc.code, got, tc.want)
		}
	}
}

// Against a real server: a write in a read-only transaction (what a
// standby answers) is unwritable, a constraint violation is not.
func TestUnwritablePostgres(t *testing.T) {
	dbtest.PostgresOnly(t)
	db := dbtest.Open(t)
	ctx := context.Background()
	tx, err := db.Write.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, "SET TRANSACTION READ ONLY"); err != nil {
		t.Fatal(err)
	}
	_, err = tx.ExecContext(ctx, "INSERT INTO api_keys (name, key_hash, created_at) VALUES ('x', '\\x00', 0)")
	if err == nil || !storage.Unwritable(err) {
		t.Errorf("insert in a read-only transaction: err %v, Unwritable %v", err, storage.Unwritable(err))
	}
	tx.Rollback()
	_, err = db.Write.ExecContext(ctx, "INSERT INTO api_keys (name, key_hash, created_at) VALUES (NULL, '\\x00', 0)")
	if err == nil || storage.Unwritable(err) {
		t.Errorf("a constraint violation: err %v, Unwritable %v", err, storage.Unwritable(err))
	}
}
