package campaign

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"time"
)

// localFiles keeps the files in the content folder of a data directory,
// where a name "content/<hex>" is a path relative to it.
type localFiles struct{ dir string }

// LocalFiles returns the Files of data directory dir: one machine's, the
// default. It signs no URL.
func LocalFiles(dir string) Files { return localFiles{dir: dir} }

// file returns where the stored name p is on disk.
func (l localFiles) file(p string) string {
	if filepath.IsAbs(p) {
		return p // not yet rewritten by Sweep
	}
	return filepath.Join(l.dir, filepath.FromSlash(p))
}

// Create writes the bytes to a temporary ".upload-" file, synced, then
// renames it under a random name and syncs the folder, so that a row
// committed after it never points to a file a crash could lose. A crash
// before the rename leaves only the temporary file, which Sweep removes.
func (l localFiles) Create(ctx context.Context, body io.Reader, limit int64) (name string, size int64, err error) {
	name = newName()
	size, err = l.write(name, body, limit, -1)
	if err != nil {
		return "", 0, err
	}
	return name, size, nil
}

// put writes body under name (PutFile) as Create writes an upload. A
// body of other than size bytes, when size is not -1, is refused.
func (l localFiles) put(ctx context.Context, name string, body io.Reader, size int64) error {
	_, err := l.write(name, body, -1, size)
	return err
}

// write stores body under name through a synced temporary file, renamed
// and the folder synced, and returns its size. A body past limit bytes
// (-1: no limit) is refused with a *TooLargeError, one of other than want
// bytes (-1: any) with an error, and nothing is kept.
func (l localFiles) write(name string, body io.Reader, limit, want int64) (size int64, err error) {
	dir := filepath.Join(l.dir, contentDir)
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return 0, err
	}
	f, err := os.CreateTemp(dir, tempPrefix+"*")
	if err != nil {
		return 0, err
	}
	temp := f.Name()
	if limit >= 0 {
		body = io.LimitReader(body, limit+1)
	}
	size, err = io.Copy(f, body)
	switch {
	case err != nil:
		err = tooLarge(err, limit)
	case limit >= 0 && size > limit:
		err = TooLarge(limit)
	case want >= 0 && size != want:
		err = fmt.Errorf("%s: %d bytes, want %d", name, size, want)
	default:
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(temp) // nothing refers to it: a failure is swept at start
		return 0, err
	}
	if err := os.Rename(temp, l.file(name)); err != nil {
		os.Remove(temp)
		return 0, err
	}
	if err := syncDir(dir); err != nil {
		os.Remove(l.file(name))
		return 0, err
	}
	return size, nil
}

// syncDir makes a rename in dir durable.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	err = d.Sync()
	if cerr := d.Close(); err == nil {
		err = cerr
	}
	return err
}

// localFile is an open file of the folder, with its size and time.
type localFile struct {
	*os.File
	info fs.FileInfo
}

func (f localFile) Size() int64        { return f.info.Size() }
func (f localFile) ModTime() time.Time { return f.info.ModTime() }

func (l localFiles) Open(ctx context.Context, name string) (File, error) {
	f, err := os.Open(l.file(name))
	if err != nil {
		return nil, err
	}
	info, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, err
	}
	if !info.Mode().IsRegular() {
		f.Close()
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrNotExist}
	}
	return localFile{f, info}, nil
}

func (l localFiles) Remove(ctx context.Context, name string) error {
	return os.Remove(l.file(name))
}

// List walks the content folder: its regular files, temporary ones
// included.
func (l localFiles) List(ctx context.Context, fn func(name string, size int64, mod time.Time) error) error {
	entries, err := os.ReadDir(filepath.Join(l.dir, contentDir))
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	for _, e := range entries {
		if !e.Type().IsRegular() {
			continue
		}
		info, err := e.Info()
		if errors.Is(err, fs.ErrNotExist) {
			continue // removed since the listing
		}
		if err != nil {
			return err
		}
		if err := fn(path.Join(contentDir, e.Name()), info.Size(), info.ModTime()); err != nil {
			return err
		}
	}
	return nil
}

// URL signs nothing: the server serves the folder's files itself.
func (l localFiles) URL(ctx context.Context, name string, ttl time.Duration, typ, disposition string) (string, bool, error) {
	return "", false, nil
}
