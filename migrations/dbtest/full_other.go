//go:build !unix

package dbtest

import "testing"

// Full skips the test: a full disk is simulated on Unix only.
func Full(tb testing.TB) (restore func()) {
	tb.Skip("a full disk is simulated on Unix only")
	return func() {}
}
