package dbcopy

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"path"
	"path/filepath"
	"strings"

	"github.com/sillage/sillage/campaign"
)

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
// src into dst (a folder or a bucket) under its TargetName, hashing the
// bytes as they are read, then reads every one back from dst and checks
// it (see CheckFiles). It first opens every file in src: one missing
// fails the copy with nothing written. With dst nil the files are where
// they belong already (the target's folder is the source's): they are
// only hashed.
func CopyFiles(ctx context.Context, names []string, src, dst campaign.Files) ([]File, error) {
	var missing []string
	for _, name := range names {
		f, err := src.Open(ctx, name)
		if err != nil {
			missing = append(missing, fmt.Sprintf("%s (%v)", name, err))
			continue
		}
		f.Close()
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("content files the rows name cannot be read from the source: %s", strings.Join(missing, ", "))
	}
	var files []File
	for _, name := range names {
		f, err := hashFile(ctx, src, name, func(r io.Reader, size int64) error {
			if dst == nil {
				_, err := io.Copy(io.Discard, r)
				return err
			}
			return campaign.PutFile(ctx, dst, TargetName(name), r, size)
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
func CheckFiles(ctx context.Context, store campaign.Files, want []File) error {
	var bad []string
	for _, w := range want {
		got, err := hashFile(ctx, store, w.Name, func(r io.Reader, _ int64) error {
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

// hashFile opens name in store and hands its bytes and its size to use,
// hashing the bytes on the way.
func hashFile(ctx context.Context, store campaign.Files, name string, use func(r io.Reader, size int64) error) (File, error) {
	f, err := store.Open(ctx, name)
	if err != nil {
		return File{}, err
	}
	defer f.Close()
	h := sha256.New()
	n := &counter{}
	r := io.TeeReader(f, io.MultiWriter(h, n))
	if err := use(r, f.Size()); err != nil {
		return File{}, err
	}
	// The whole file hashed, even if use stopped short: the check that
	// reads the copy back then finds it short.
	if _, err := io.Copy(io.Discard, r); err != nil {
		return File{}, err
	}
	return File{Name: name, Size: n.n, SHA256: hex.EncodeToString(h.Sum(nil))}, nil
}

type counter struct{ n int64 }

func (c *counter) Write(p []byte) (int, error) { c.n += int64(len(p)); return len(p), nil }
