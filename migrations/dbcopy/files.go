package dbcopy

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"strings"
)

// Files is where content files are read from and written to, by the name
// a campaign row holds ("content/3f9a…"). The local folder is the one
// kind today; a bucket is another (SCALE-OUT.md §5.1).
type Files interface {
	// Open opens the file called name. Its error wraps fs.ErrNotExist
	// when there is none.
	Open(ctx context.Context, name string) (io.ReadCloser, error)
	// Put stores body under name, whole or not at all.
	Put(ctx context.Context, name string, body io.Reader) error
}

// File is one content file copied: its name, as the rows hold it, its
// size and the hex SHA-256 of its bytes.
type File struct {
	Name   string
	Size   int64
	SHA256 string
}

// TargetName is the name a file stored as p (a campaign row's path) has
// in the target: "content/" and the file's own name. A row written by an
// old version holds an absolute path, which the server rewrites at its
// next start; the file's name is what identifies it.
func TargetName(p string) string {
	if !filepath.IsAbs(filepath.FromSlash(p)) {
		return p
	}
	return path.Join("content", filepath.Base(p))
}

// CopyFiles copies each stored file of names (campaign.StoredFiles) from
// src into dst, hashing the bytes as they are read, then checks the copy
// (see CheckFiles). With dst nil the files are where they belong already
// (the target's folder is the source's): they are only hashed.
func CopyFiles(ctx context.Context, names []string, src, dst Files) ([]File, error) {
	var files []File
	for _, name := range names {
		f, err := hashFile(ctx, src, name, func(r io.Reader) error {
			if dst == nil {
				_, err := io.Copy(io.Discard, r)
				return err
			}
			return dst.Put(ctx, TargetName(name), r)
		})
		if err != nil {
			return nil, fmt.Errorf("copy file %s: %w", name, err)
		}
		f.Name = TargetName(name)
		files = append(files, f)
	}
	if dst == nil {
		dst = src
	}
	if err := CheckFiles(ctx, dst, files); err != nil {
		return nil, err
	}
	return files, nil
}

// CheckFiles reads every file of want from store and returns an error
// naming those whose size or SHA-256 differ, or that are missing.
func CheckFiles(ctx context.Context, store Files, want []File) error {
	var bad []string
	for _, w := range want {
		got, err := hashFile(ctx, store, w.Name, func(r io.Reader) error {
			_, err := io.Copy(io.Discard, r)
			return err
		})
		switch {
		case err != nil:
			bad = append(bad, fmt.Sprintf("%s: %v", w.Name, err))
		case got.Size != w.Size || got.SHA256 != w.SHA256:
			bad = append(bad, fmt.Sprintf("%s: %d bytes, SHA-256 %s; want %d bytes, %s", w.Name, got.Size, got.SHA256, w.Size, w.SHA256))
		}
	}
	if len(bad) > 0 {
		return fmt.Errorf("content files differ: %s", strings.Join(bad, "; "))
	}
	return nil
}

// hashFile opens name in store and hands its bytes to use, hashing them
// on the way.
func hashFile(ctx context.Context, store Files, name string, use func(io.Reader) error) (File, error) {
	r, err := store.Open(ctx, name)
	if err != nil {
		return File{}, err
	}
	defer r.Close()
	h := sha256.New()
	n := &counter{}
	if err := use(io.TeeReader(r, io.MultiWriter(h, n))); err != nil {
		return File{}, err
	}
	return File{Name: name, Size: n.n, SHA256: hex.EncodeToString(h.Sum(nil))}, nil
}

type counter struct{ n int64 }

func (c *counter) Write(p []byte) (int, error) { c.n += int64(len(p)); return len(p), nil }

// Folder is a data directory's files: a name is a path relative to it,
// or an absolute path (rows of old versions).
type Folder string

// Open opens the file called name.
func (d Folder) Open(_ context.Context, name string) (io.ReadCloser, error) {
	return os.Open(d.path(name))
}

// Put writes body to a temporary file beside name, syncs it and renames
// it: a reader never sees half a file.
func (d Folder) Put(_ context.Context, name string, body io.Reader) (err error) {
	p := d.path(name)
	if err := os.MkdirAll(filepath.Dir(p), 0o750); err != nil {
		return err
	}
	// The server's sweep leaves dot files alone (an upload under way), and
	// removes those a crash left after a day.
	f, err := os.CreateTemp(filepath.Dir(p), ".upload-copy-*")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(f.Name())
		}
	}()
	if _, err := io.Copy(f, body); err != nil {
		return err
	}
	if err := f.Sync(); err != nil {
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	if err := os.Rename(f.Name(), p); err != nil {
		return err
	}
	dir, err := os.Open(filepath.Dir(p))
	if err != nil {
		return err
	}
	defer dir.Close()
	if err := dir.Sync(); err != nil && !errors.Is(err, os.ErrInvalid) {
		return err
	}
	return nil
}

func (d Folder) path(name string) string {
	p := filepath.FromSlash(name)
	if filepath.IsAbs(p) {
		return p
	}
	return filepath.Join(string(d), p)
}
