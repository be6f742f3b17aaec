//go:build unix

package main

import "syscall"

// openFileLimit returns the process's limit of open files, which the Go
// runtime raised to the hard limit at start, or 0 when unknown.
func openFileLimit() uint64 {
	var l syscall.Rlimit
	if syscall.Getrlimit(syscall.RLIMIT_NOFILE, &l) != nil {
		return 0
	}
	return uint64(l.Cur)
}
