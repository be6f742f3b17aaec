package campaign

import (
	"bytes"
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/sillage/sillage/migrations"
)

// Content and teaser files live in the data directory's content folder,
// under random names. A campaign row holds a file's path relative to the
// data directory ("content/3f9a…"), so that a backup restored in another
// place keeps its media.
//
// Earlier versions stored the path as the data directory was given:
// absolute, or relative to the working directory. The data directory is
// only known at run time, so a SQL migration cannot rewrite those paths:
// Sweep does, in Go, at start. It keys on the file's name alone, which is
// random and unique, so it also mends paths that point to a data directory
// moved since, as long as the file is in this one.
const (
	contentDir = "content"
	tempPrefix = ".upload-" // an upload being written, or cut short by a crash
)

// file returns where the stored path p is on disk.
func (s *Store) file(p string) string {
	if filepath.IsAbs(p) {
		return p // not yet rewritten by Sweep
	}
	return filepath.Join(s.dataDir, filepath.FromSlash(p))
}

// OpenFile opens a content, teaser or captions file by the path a
// Campaign holds (Content.Path, Teaser.ImagePath, Content.CaptionsPath). Its errors are os.Open's.
func (s *Store) OpenFile(p string) (*os.File, error) {
	if p == "" {
		return nil, fs.ErrNotExist
	}
	return os.Open(s.file(p))
}

// removeFile removes the file at stored path p, logging a failure: the
// caller has nothing better to do with it, and Sweep retries at the next
// start.
func (s *Store) removeFile(p, why string) {
	if p == "" {
		return
	}
	if err := os.Remove(s.file(p)); err != nil && !errors.Is(err, fs.ErrNotExist) {
		s.log.Warn("remove content file", "path", p, "why", why, "err", err)
	}
}

// saveFile writes body to a new file of the content folder and returns its
// stored path, its size and the media type to store. It reads the first
// bytes before writing anything: an empty body, or one whose first bytes
// are not of the declared type (checkType), is refused with nothing
// written. It refuses a body past limit bytes with a *TooLargeError.
//
// The bytes go to a temporary ".upload-" file, synced, then renamed under a
// random name and the folder synced, so that a committed row never points
// to a file a crash could lose. A crash before the rename leaves only the
// temporary file, one before the row's commit an unreferenced file: Sweep
// removes both at a start once they are SweepGrace old. On any error the
// file is removed.
func (s *Store) saveFile(body io.Reader, limit int64, declared string, kind ContentKind) (stored string, size int64, typ string, err error) {
	head := make([]byte, sniffLen)
	n, err := io.ReadFull(body, head)
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		err = nil
	}
	if err != nil {
		return "", 0, "", tooLarge(err, limit)
	}
	head = head[:n]
	switch {
	case n == 0:
		return "", 0, "", Invalid("content", "is empty")
	case int64(n) > limit:
		return "", 0, "", TooLarge(limit)
	}
	if typ, err = checkType(declared, kind, head); err != nil {
		return "", 0, "", err
	}

	stored, size, err = s.writeFile(io.MultiReader(bytes.NewReader(head), body), limit)
	if err != nil {
		return "", 0, "", err
	}
	return stored, size, typ, nil
}

// writeFile writes body, at most limit bytes, to a new file of the content
// folder, durably (see saveFile), and returns its stored path and size. On
// any error nothing is left but, after a crash, a temporary file that
// Sweep removes.
func (s *Store) writeFile(body io.Reader, limit int64) (stored string, size int64, err error) {
	dir := filepath.Join(s.dataDir, contentDir)
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return "", 0, err
	}
	f, err := os.CreateTemp(dir, tempPrefix+"*")
	if err != nil {
		return "", 0, err
	}
	temp := f.Name()
	size, err = io.Copy(f, io.LimitReader(body, limit+1))
	switch {
	case err != nil:
		err = tooLarge(err, limit)
	case size > limit:
		err = TooLarge(limit)
	default:
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(temp) // nothing refers to it: a failure is swept at start
		return "", 0, err
	}
	var b [16]byte
	rand.Read(b[:])
	name := hex.EncodeToString(b[:])
	if err := os.Rename(temp, filepath.Join(dir, name)); err != nil {
		os.Remove(temp)
		return "", 0, err
	}
	stored = path.Join(contentDir, name)
	if err := syncDir(dir); err != nil {
		s.removeFile(stored, "upload failed")
		return "", 0, err
	}
	return stored, size, nil
}

// tooLarge turns the error of an http.MaxBytesReader into a
// *TooLargeError of limit.
func tooLarge(err error, limit int64) error {
	if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
		return TooLarge(limit)
	}
	return err
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

// SweepGrace is the age below which Sweep removes no file, referenced or
// not. An upload is written, and renamed, before the row that refers to
// it commits: with several instances sharing the content folder, one
// starting in between would otherwise remove the file of an upload that
// another is about to commit, or the temporary file it is still writing.
// No upload takes a day, so an orphan older than that is one for good.
const SweepGrace = 24 * time.Hour

// sweepEvery is the period of the job lease "job:sweep": of instances
// starting within an hour of each other, one sweeps.
const sweepEvery = time.Hour

// SweepOnce runs Sweep unless another instance on the same database has
// (or this one, at an earlier start) in the last hour, and reports
// whether it ran: with several instances, one sweep is enough, and
// several at once would only contend. owner names this instance in the
// lease (migrations.InstanceName).
func (s *Store) SweepOnce(ctx context.Context, owner string) (bool, error) {
	ok, err := migrations.TryJob(ctx, s.db.Write, "sweep", owner, s.now(), sweepEvery)
	if err != nil || !ok {
		return false, err
	}
	return true, s.Sweep(ctx)
}

// Sweep makes the content folder match the campaign rows. It rewrites the
// paths earlier versions stored (absolute, or relative to the working
// directory) to paths relative to the data directory, measures the images
// uploaded before their size was kept, then removes the temporary files of
// uploads cut short and every file no campaign refers to, logging each,
// when they are older than SweepGrace: a younger one may belong to an
// upload under way, here or on another instance, so Sweep may run while
// the server serves.
//
// When the rows refer to none of the folder's files while it holds some,
// Sweep removes none of them and logs a warning: the database is more
// likely the wrong one than every file an orphan.
func (s *Store) Sweep(ctx context.Context) error {
	if err := s.rewritePaths(ctx); err != nil {
		return err
	}
	if err := s.measureImages(ctx); err != nil {
		return err
	}
	referenced, err := s.referencedNames(ctx)
	if err != nil {
		return err
	}
	dir := filepath.Join(s.dataDir, contentDir)
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("sweep content files: %w", err)
	}
	cutoff := s.now().Add(-SweepGrace)
	old := func(e fs.DirEntry) bool {
		info, err := e.Info()
		return err == nil && info.ModTime().Before(cutoff)
	}
	var orphans []string
	kept, young := 0, 0
	for _, e := range entries {
		name := e.Name()
		switch {
		case !e.Type().IsRegular():
		case referenced[name]:
			kept++
		case !old(e):
			young++
		case strings.HasPrefix(name, tempPrefix):
			s.sweepFile(dir, name, "partial upload")
		default:
			orphans = append(orphans, name)
		}
	}
	if young > 0 {
		s.log.Info("content files: unreferenced ones younger than the grace age kept, for uploads under way",
			"dir", dir, "files", young, "grace", SweepGrace.String())
	}
	if kept == 0 && len(orphans) > 0 {
		s.log.Warn("content files: the database refers to none of them; is it the right database? none removed",
			"dir", dir, "files", len(orphans))
		return nil
	}
	for _, name := range orphans {
		s.sweepFile(dir, name, "no campaign refers to it")
	}
	return nil
}

func (s *Store) sweepFile(dir, name, why string) {
	p := filepath.Join(dir, name)
	info, _ := os.Stat(p)
	if err := os.Remove(p); err != nil {
		s.log.Warn("sweep content file", "path", p, "why", why, "err", err)
		return
	}
	var size int64
	if info != nil {
		size = info.Size()
	}
	s.log.Info("removed content file", "path", p, "why", why, "bytes", size)
}

// FileColumns are the columns of table campaigns that hold the stored
// path of a file (relative to the data directory, see saveFile). Sweep
// keeps the files they name and a backup copies them: a new file column
// goes in this list, or Sweep removes its files at the next start.
var FileColumns = []string{"content_path", "teaser_image_path", "captions_path"}

// StoredFiles returns the stored path of every file the campaign rows of
// db refer to (FileColumns), each once, sorted. The paths are as stored:
// relative to the data directory, or absolute for a row Sweep has not
// rewritten yet. db may be any copy of the database, such as a backup's
// snapshot, even one at an older schema that lacks some of the columns.
func StoredFiles(ctx context.Context, db *sql.DB) ([]string, error) {
	cols, err := fileColumnsOf(ctx, db)
	if err != nil {
		return nil, fmt.Errorf("stored files: %w", err)
	}
	var union []string
	for _, col := range cols {
		union = append(union, "SELECT "+col+" FROM campaigns WHERE "+col+" != ''")
	}
	rows, err := db.QueryContext(ctx, strings.Join(union, " UNION ")+" ORDER BY 1")
	if err != nil {
		return nil, fmt.Errorf("stored files: %w", err)
	}
	defer rows.Close()
	var paths []string
	for rows.Next() {
		var p string
		if err := rows.Scan(&p); err != nil {
			return nil, fmt.Errorf("stored files: %w", err)
		}
		paths = append(paths, p)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("stored files: %w", err)
	}
	return paths, nil
}

// fileColumnsOf returns the FileColumns that db's campaigns table has: a
// database written by an older version lacks the newer ones (a backup run
// by a newer binary than the server's).
func fileColumnsOf(ctx context.Context, db *sql.DB) ([]string, error) {
	rows, err := db.QueryContext(ctx, "SELECT * FROM campaigns LIMIT 0")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	has, err := rows.Columns()
	if err != nil {
		return nil, err
	}
	var cols []string
	for _, col := range FileColumns {
		if slices.Contains(has, col) {
			cols = append(cols, col)
		}
	}
	return cols, nil
}

// referencedNames returns the names of the files the rows refer to. Only
// the names count: they are random, and rows not yet rewritten (a file
// missing from this data directory) must not cost another file.
func (s *Store) referencedNames(ctx context.Context) (map[string]bool, error) {
	paths, err := StoredFiles(ctx, s.db.Read)
	if err != nil {
		return nil, fmt.Errorf("sweep content files: %w", err)
	}
	names := make(map[string]bool, len(paths))
	for _, p := range paths {
		names[filepath.Base(filepath.FromSlash(p))] = true
	}
	return names, nil
}

// rewritePaths rewrites, in one transaction, every stored path not yet
// relative to the data directory whose file is in this data directory's
// content folder. It is idempotent. A path whose file is not there is
// left as it is, with a warning. Only the two columns older than
// relative paths can hold absolute ones: captions_path never did.
func (s *Store) rewritePaths(ctx context.Context) error {
	tx, err := s.db.Write.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	rows, err := tx.QueryContext(ctx, `SELECT id, content_path, teaser_image_path FROM campaigns
		WHERE content_path != '' OR teaser_image_path != ''`)
	if err != nil {
		return fmt.Errorf("rewrite content paths: %w", err)
	}
	type change struct {
		id              ID
		content, teaser string
	}
	var changes []change
	for rows.Next() {
		var c change
		if err := rows.Scan(&c.id, &c.content, &c.teaser); err != nil {
			rows.Close()
			return fmt.Errorf("rewrite content paths: %w", err)
		}
		content, teaser := s.relative(c.id, c.content), s.relative(c.id, c.teaser)
		if content != c.content || teaser != c.teaser {
			changes = append(changes, change{c.id, content, teaser})
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("rewrite content paths: %w", err)
	}
	for _, c := range changes {
		if _, err := tx.ExecContext(ctx, `UPDATE campaigns SET content_path = $1, teaser_image_path = $2 WHERE id = $3`,
			c.content, c.teaser, c.id); err != nil {
			return fmt.Errorf("rewrite content paths of campaign %d: %w", c.id, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return err
	}
	for _, c := range changes {
		s.log.Info("content paths made relative to the data directory", "campaign", c.id, "content", c.content, "teaser_image", c.teaser)
		s.changed(c.id)
	}
	return nil
}

// relative returns stored path p relative to the data directory when its
// file is in the content folder, else p.
func (s *Store) relative(id ID, p string) string {
	if p == "" || isRelative(p) {
		return p
	}
	rel := path.Join(contentDir, filepath.Base(p))
	if _, err := os.Stat(s.file(rel)); err != nil {
		s.log.Warn("content file not in the data directory", "campaign", id, "path", p, "data_dir", s.dataDir)
		return p
	}
	return rel
}

// isRelative reports whether p is already a path relative to the data
// directory, as saveFile makes them.
func isRelative(p string) bool {
	dir, name := path.Split(filepath.ToSlash(p))
	return !filepath.IsAbs(p) && dir == contentDir+"/" && name != ""
}
