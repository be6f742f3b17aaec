//go:build unix

package dbtest

import (
	"sync"
	"syscall"
	"testing"
)

// Full makes every write to a file by this process fail, as on a full
// disk, until the function it returns is called (or the test ends): it
// lowers the process's file size limit (RLIMIT_FSIZE) to zero, so the
// kernel refuses any write with EFBIG, SIGXFSZ being ignored by Go. Reads
// keep working. A test calling Full runs in a process of its own (see
// Alone), and its subtests not in parallel.
//
// SQLite's PRAGMA max_page_count is no substitute: it only stops the file
// from gaining pages, so a row that fits in a page's free space is stored
// (truly), and the write-ahead log may still grow; a commit that the OS
// refuses, the failure a full disk gives, needs a refused write.
func Full(tb testing.TB) (restore func()) {
	tb.Helper()
	if !alone() {
		tb.Fatal("dbtest.Full in a process shared with other tests: call dbtest.Alone first")
	}
	var old syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_FSIZE, &old); err != nil {
		tb.Fatalf("file size limit: %v", err)
	}
	if err := syscall.Setrlimit(syscall.RLIMIT_FSIZE, &syscall.Rlimit{Cur: 0, Max: old.Max}); err != nil {
		tb.Fatalf("file size limit: %v", err)
	}
	var once sync.Once
	restore = func() {
		once.Do(func() {
			if err := syscall.Setrlimit(syscall.RLIMIT_FSIZE, &old); err != nil {
				tb.Errorf("restore file size limit: %v", err)
			}
		})
	}
	tb.Cleanup(restore)
	return restore
}
