package useragent_test

import (
	"os"
	"testing"

	"github.com/sillage/sillage/migrations/testnote"
)

// TestMain reports, at the end of the run, the tests that skipped for want
// of something outside Go (the crawler-user-agents list).
func TestMain(m *testing.M) { os.Exit(testnote.Main(m)) }
