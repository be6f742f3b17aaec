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
	"net/url"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/sillage/sillage/migrations/storage"
)

// Content and teaser files live in a Files store (the data directory's
// content folder, or an S3 bucket) under random names. A campaign row
// holds a file's name, "content/3f9a…", the same in either store: on disk
// it is relative to the data directory, so that a backup restored in
// another place keeps its media; in a bucket it is the object's key after
// the prefix.
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

// Files stores the content, teaser and captions files under names that
// the campaign rows hold. LocalFiles keeps them in the data directory,
// NewS3Files in an S3-compatible bucket, so that several instances serve
// the files any of them took.
type Files interface {
	// Create stores body under a new name "content/<32 hex>" and returns
	// it; nothing refers to it until the caller's row commits. A body past
	// limit bytes is refused with a *TooLargeError, and nothing is kept.
	Create(ctx context.Context, body io.Reader, limit int64) (name string, size int64, err error)
	// Open opens the file of name; fs.ErrNotExist when there is none.
	Open(ctx context.Context, name string) (File, error)
	// Remove removes the file of name; fs.ErrNotExist when there is none.
	Remove(ctx context.Context, name string) error
	// List calls fn for every stored name with its size and modification
	// time (Sweep), the names of uploads under way included.
	List(ctx context.Context, fn func(name string, size int64, mod time.Time) error) error
	// URL returns a short-lived signed GET URL whose response carries
	// Content-Type typ and Content-Disposition disposition, or ok=false
	// when the store cannot sign (the local folder).
	URL(ctx context.Context, name string, ttl time.Duration, typ, disposition string) (u string, ok bool, err error)
}

// File is a stored file opened for reading, with the seeking that byte
// ranges need (http.ServeContent).
type File interface {
	io.ReadSeekCloser
	Size() int64
	ModTime() time.Time
}

// SetFiles makes the store keep its files in f instead of the data
// directory's content folder (LocalFiles). Call it before any use.
func (s *Store) SetFiles(f Files) { s.files = f }

// OpenFile opens a content, teaser or captions file by the name a
// Campaign holds (Content.Path, Teaser.ImagePath, Content.CaptionsPath).
// It returns fs.ErrNotExist when there is none.
func (s *Store) OpenFile(ctx context.Context, p string) (File, error) {
	if p == "" {
		return nil, fs.ErrNotExist
	}
	return s.files.Open(ctx, p)
}

// FileURL returns a signed URL of the file of name p, valid for ttl, whose
// response carries typ and disposition, or ok=false when the store cannot
// sign (the local folder).
func (s *Store) FileURL(ctx context.Context, p string, ttl time.Duration, typ, disposition string) (string, bool, error) {
	if p == "" {
		return "", false, fs.ErrNotExist
	}
	return s.files.URL(ctx, p, ttl, typ, disposition)
}

// SignedOrigin returns the origin ("https://bucket.example.com") of the
// URLs f signs, or "" when it signs none: pages that load signed media
// name it in their Content-Security-Policy.
func SignedOrigin(ctx context.Context, f Files) (string, error) {
	u, ok, err := f.URL(ctx, path.Join(contentDir, "origin"), time.Minute, "", "")
	if err != nil || !ok {
		return "", err
	}
	parsed, err := url.Parse(u)
	if err != nil {
		return "", err
	}
	return parsed.Scheme + "://" + parsed.Host, nil
}

// removeFile removes the file at stored name p, logging a failure: the
// caller has nothing better to do with it, and Sweep retries at the next
// start. It runs after the caller's work, so a cancelled request does not
// stop it.
func (s *Store) removeFile(ctx context.Context, p, why string) {
	if p == "" {
		return
	}
	if err := s.files.Remove(context.WithoutCancel(ctx), p); err != nil && !errors.Is(err, fs.ErrNotExist) {
		s.log.Warn("remove content file", "path", p, "why", why, "err", err)
	}
}

// saveFile stores body as a new file and returns its stored name, its
// size and the media type to store. It reads the first bytes before
// writing anything: an empty body, or one whose first bytes are not of
// the declared type (checkType), is refused with nothing written. It
// refuses a body past limit bytes with a *TooLargeError.
//
// Files.Create stores the bytes durably before the row that refers to
// them commits, so that a committed row never points to a file a crash
// could lose. A crash before the row's commit leaves an unreferenced
// file: Sweep removes it at a start once it is SweepGrace old. On any
// error the file is removed.
func (s *Store) saveFile(ctx context.Context, body io.Reader, limit int64, declared string, kind ContentKind) (stored string, size int64, typ string, err error) {
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

	stored, size, err = s.files.Create(ctx, io.MultiReader(bytes.NewReader(head), body), limit)
	if err != nil {
		return "", 0, "", err
	}
	return stored, size, typ, nil
}

// tooLarge turns the error of an http.MaxBytesReader into a
// *TooLargeError of limit.
func tooLarge(err error, limit int64) error {
	if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
		return TooLarge(limit)
	}
	return err
}

// newName returns a new random name of the content folder.
func newName() string {
	var b [16]byte
	rand.Read(b[:])
	return path.Join(contentDir, hex.EncodeToString(b[:]))
}

// PutFile stores body, of size bytes (-1: unknown), in f under name,
// whole or not at all, replacing a file of that name. It is for moving an
// installation's files into another store under the names its rows hold
// (sillage db copy); uploads take a new name with Create. Only a name
// Create could have made ("content/<32 hex>") is taken, so that nothing
// lands outside the content folder or the bucket's prefix.
func PutFile(ctx context.Context, f Files, name string, body io.Reader, size int64) error {
	dir, base := path.Split(name)
	if _, err := hex.DecodeString(base); err != nil || dir != contentDir+"/" || len(base) != 32 || strings.ToLower(base) != base {
		return fmt.Errorf("put file %q: not a content file name (content/ and 32 hex digits)", name)
	}
	p, ok := f.(interface {
		put(ctx context.Context, name string, body io.Reader, size int64) error
	})
	if !ok {
		return fmt.Errorf("put file %s: the store %T takes no name", name, f)
	}
	return p.put(ctx, name, body, size)
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
// lease (storage.InstanceName).
func (s *Store) SweepOnce(ctx context.Context, owner string) (bool, error) {
	ok, err := storage.TryJob(ctx, s.db.Write, "sweep", owner, s.now(), sweepEvery)
	if err != nil || !ok {
		return false, err
	}
	return true, s.Sweep(ctx)
}

// Sweep makes the stored files match the campaign rows. It rewrites the
// paths earlier versions stored (absolute, or relative to the working
// directory) to names relative to the data directory, measures the images
// uploaded before their size was kept, then removes the temporary files of
// uploads cut short and every file no campaign refers to, logging each,
// when they are older than SweepGrace: a younger one may belong to an
// upload under way, here or on another instance, so Sweep may run while
// the server serves.
//
// When the rows refer to none of the stored files while there are some,
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
	type stored struct {
		name string
		size int64
	}
	cutoff := s.now().Add(-SweepGrace)
	var orphans, partial []stored
	kept, young := 0, 0
	err = s.files.List(ctx, func(name string, size int64, mod time.Time) error {
		base := path.Base(name)
		switch {
		case referenced[base]:
			kept++
		case !mod.Before(cutoff):
			young++
		case strings.HasPrefix(base, tempPrefix):
			partial = append(partial, stored{name, size})
		default:
			orphans = append(orphans, stored{name, size})
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("sweep content files: %w", err)
	}
	for _, f := range partial {
		s.sweepFile(ctx, f.name, f.size, "partial upload")
	}
	if young > 0 {
		s.log.Info("content files: unreferenced ones younger than the grace age kept, for uploads under way",
			"files", young, "grace", SweepGrace.String())
	}
	if kept == 0 && len(orphans) > 0 {
		s.log.Warn("content files: the database refers to none of them; is it the right database? none removed",
			"files", len(orphans))
		return nil
	}
	for _, f := range orphans {
		s.sweepFile(ctx, f.name, f.size, "no campaign refers to it")
	}
	return nil
}

func (s *Store) sweepFile(ctx context.Context, name string, size int64, why string) {
	if err := s.files.Remove(ctx, name); err != nil {
		s.log.Warn("sweep content file", "path", name, "why", why, "err", err)
		return
	}
	s.log.Info("removed content file", "path", name, "why", why, "bytes", size)
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
		content, teaser := s.relative(ctx, c.id, c.content), s.relative(ctx, c.id, c.teaser)
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
func (s *Store) relative(ctx context.Context, id ID, p string) string {
	if p == "" || isRelative(p) {
		return p
	}
	rel := path.Join(contentDir, filepath.Base(p))
	f, err := s.files.Open(ctx, rel)
	if err != nil {
		s.log.Warn("content file not in the data directory", "campaign", id, "path", p, "data_dir", s.dataDir)
		return p
	}
	f.Close()
	return rel
}

// isRelative reports whether p is already a path relative to the data
// directory, as saveFile makes them.
func isRelative(p string) bool {
	dir, name := path.Split(filepath.ToSlash(p))
	return !filepath.IsAbs(p) && dir == contentDir+"/" && name != ""
}
