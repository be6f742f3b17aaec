package main

import (
	"os"
	"testing"

	"github.com/sillage/sillage/migrations/testnote"
)

// TestMain reports the tests that skipped for want of something outside
// Go (see testnote and the README's list).
func TestMain(m *testing.M) { os.Exit(testnote.Main(m)) }
