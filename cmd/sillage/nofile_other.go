//go:build !unix

package main

// openFileLimit is unknown outside Unix.
func openFileLimit() uint64 { return 0 }
