package storage_test

import (
	"os"
	"testing"

	"github.com/sillage/sillage/migrations/testnote"
)

// TestMain reports the tests that skipped for want of PostgreSQL (or ran
// on it and skipped as SQLite only).
func TestMain(m *testing.M) { os.Exit(testnote.Main(m)) }
