package storage

import (
	"fmt"
	"path/filepath"
	"syscall"
)

// minRoom is the free space the database's file system must keep for the
// store to count as ready: a commit appends to the write-ahead log, which
// grows by up to a few megabytes before a checkpoint empties it.
const minRoom = 8 << 20

// diskRoom returns an error wrapping ErrUnwritable when the file system
// holding path has less than minRoom bytes free for this process.
func diskRoom(path string) error {
	var st syscall.Statfs_t
	if err := syscall.Statfs(filepath.Dir(path), &st); err != nil {
		return nil // not knowing is no reason to refuse: the probe write decides
	}
	if room := st.Bavail * uint64(st.Bsize); room < minRoom {
		return fmt.Errorf("%d bytes free on the data directory's file system: %w", room, ErrUnwritable)
	}
	return nil
}
