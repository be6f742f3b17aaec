package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/sillage/sillage/migrations/storage"
)

// openDB opens the database of cfg, applying its migrations. A command
// run in another folder than the server's would otherwise make a new,
// empty database in ./data and answer from it (an API key the server has
// never heard of): only serve, or a command given -create, makes one. It
// also says which folder it cannot write in, where SQLite would only say
// "unable to open database file". A postgres:// URL names a server's
// database, which the operator made: none of the file checks apply, but
// the data folder (media) must still be writable.
func openDB(ctx context.Context, cfg *config) (*storage.DB, error) {
	dataDir, err := filepath.Abs(cfg.DataDir)
	if err != nil {
		return nil, err
	}
	if storage.DialectOf(cfg.DB) == storage.Postgres {
		if err := writableDir(dataDir); err != nil {
			return nil, err
		}
		db, err := storage.Open(ctx, cfg.DB)
		if err != nil {
			return nil, err
		}
		db.SetCheckpointMode(cfg.Checkpoint)
		return db, nil
	}
	path, err := filepath.Abs(cfg.DB)
	if err != nil {
		return nil, err
	}
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) && !cfg.Create {
		hint := ""
		if cfg.CanCreate {
			hint = " (or -create to make a new one)"
		}
		if _, err := os.Stat(filepath.Dir(path)); err == nil || errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("no database at %s: run the server first, or pass -data-dir / SILLAGE_DATA_DIR pointing at its data folder%s", path, hint)
		}
	}
	dirs := []string{dataDir}
	if d := filepath.Dir(path); d != dataDir {
		dirs = append(dirs, d)
	}
	for _, dir := range dirs {
		if err := writableDir(dir); err != nil {
			return nil, err
		}
	}
	db, err := storage.Open(ctx, path)
	if err != nil {
		return nil, err
	}
	db.SetCheckpointMode(cfg.Checkpoint)
	return db, nil
}

// writableDir makes dir if need be and checks that this process can
// create a file in it, as SQLite must for its write-ahead log.
func writableDir(dir string) error {
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return fmt.Errorf("data folder %s cannot be made (%v): pass -data-dir / SILLAGE_DATA_DIR naming a folder this user can write", dir, err)
	}
	f, err := os.CreateTemp(dir, ".write-check-*")
	if err != nil {
		return fmt.Errorf("data folder %s is not writable (%v): make it writable by this user, or pass -data-dir / SILLAGE_DATA_DIR", dir, cause(err))
	}
	f.Close()
	return os.Remove(f.Name())
}

// cause is the system's word for a failed file operation: permission
// denied, read-only file system.
func cause(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
