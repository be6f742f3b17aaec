// Package backup copies a Sillage server's data, while the server runs,
// into one archive, and puts such an archive back into an empty data
// directory.
//
// An archive is a gzip-compressed tar file of regular files only:
//
//	sillage.db          a consistent copy of the database (VACUUM INTO)
//	body.key            the key that seals queued message bodies, if any
//	content/NAME        every content, teaser or other file a campaign row
//	                    of that copy refers to (campaign.FileColumns)
//	manifest.json       last: the format, the time, the schema version,
//	                    and each other file's name, size and SHA-256
//
// The manifest comes last because the checksums are known only once the
// files are written; an archive cut short has none and is refused.
package backup

import (
	"archive/tar"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
	"time"

	"github.com/sillage/sillage/campaign"
	"github.com/sillage/sillage/migrations"
	"github.com/sillage/sillage/migrations/storage"
)

// Names inside an archive.
const (
	dbName       = "sillage.db"
	keyName      = "body.key"
	contentDir   = "content"
	manifestName = "manifest.json"
)

// Format is the version of the archive's layout that this package writes
// and reads.
const Format = 1

// Paths are where a server keeps its data: the data directory (content
// files and body.key) and the database file, DATA_DIR/sillage.db unless
// the server was given another.
type Paths struct {
	DataDir string
	DB      string
	// Bucket names the S3 bucket that holds the media instead of the
	// data directory, if any: Create and Restore then refuse (ErrNotLocal).
	Bucket string
}

// ErrNotLocal is returned by Create and Restore for an installation whose
// data is not all on this machine: a PostgreSQL database, or media in an
// S3 bucket. An archive of the folder would miss most of it.
var ErrNotLocal = errors.New("sillage backup copies a SQLite database and the data directory's files, all on this machine")

// local returns an error wrapping ErrNotLocal that says how to back up
// what p names instead, or nil when it is all local.
func (p Paths) local() error {
	var far []string
	if storage.DialectOf(p.DB) == storage.Postgres {
		far = append(far, "its database is on PostgreSQL")
	}
	if p.Bucket != "" {
		far = append(far, "its media are in the S3 bucket "+p.Bucket)
	}
	if len(far) == 0 {
		return nil
	}
	return fmt.Errorf("%w; this installation's are not (%s). Back it up in three parts: "+
		"pg_dump -Fc for the database, versioning or replication of the bucket for the media, "+
		"and the body key (SILLAGE_BODY_KEY, or the file it is in) kept with your secrets", ErrNotLocal, strings.Join(far, ", "))
}

// Manifest describes an archive.
type Manifest struct {
	Format        int       `json:"format"`
	CreatedAt     time.Time `json:"created_at"`
	SchemaVersion int64     `json:"schema_version"` // the last migration the database had
	Files         []File    `json:"files"`          // every entry but the manifest
}

// File is one entry of an archive.
type File struct {
	Name   string `json:"name"`
	Size   int64  `json:"size"`
	SHA256 string `json:"sha256"`
}

// Bytes returns the total size of m's files.
func (m *Manifest) Bytes() int64 {
	var n int64
	for _, f := range m.Files {
		n += f.Size
	}
	return n
}

// step, when set by a test, is called at two points of each try of
// Create: "listed" once the content folder's files are held open, and
// "copied" once the database is copied.
var step func(name string)

// attempts bounds how often Create takes a new copy of the database when
// a file it refers to was removed before it could be opened: the content
// being replaced at that very moment, again and again.
const attempts = 5

// Create writes an archive of the data at from to the file dst, while a
// server may be serving from it, and returns its manifest. The archive is
// written to a temporary file beside dst and takes the name dst only once
// complete and synced: an earlier archive named dst stays whole until
// then. It holds the body key: keep it as privately as the key itself.
//
// The files copied are those the database's copy refers to, so that rows
// and files agree. Every file of the content folder is opened before the
// copy is taken and held open while it is written: a file the server
// removes meanwhile (content replaced) is still read whole, and a file
// uploaded meanwhile is opened afterwards.
//
// An installation on PostgreSQL or with media in a bucket is refused with
// an error wrapping ErrNotLocal.
func Create(ctx context.Context, from Paths, dst string, now time.Time) (*Manifest, error) {
	if err := from.local(); err != nil {
		return nil, err
	}
	dir := filepath.Dir(dst)
	snap, err := os.CreateTemp(dir, ".sillage-backup-*.db")
	if err != nil {
		// The operator named the archive, not this temporary file: name
		// the folder they can fix.
		reason := err
		var pe *fs.PathError
		if errors.As(err, &pe) {
			reason = pe.Err
		}
		return nil, fmt.Errorf("backup: cannot write the archive in folder %s (%w): create it, or name a file in a folder this user can write", dir, reason)
	}
	snapPath := snap.Name()
	snap.Close()
	defer os.Remove(snapPath)

	held := map[string]*os.File{} // by path on disk
	defer func() {
		for _, f := range held {
			f.Close()
		}
	}()
	var (
		files   []entry
		version int64
	)
	for try := 1; ; try++ {
		if err := holdContent(from.DataDir, held); err != nil {
			return nil, err
		}
		if step != nil {
			step("listed")
		}
		if err := os.Truncate(snapPath, 0); err != nil { // VACUUM INTO wants an empty file
			return nil, fmt.Errorf("backup: %w", err)
		}
		if err := storage.Snapshot(ctx, from.DB, snapPath); err != nil {
			return nil, fmt.Errorf("backup: %w", err)
		}
		if step != nil {
			step("copied")
		}
		var missing string
		files, version, missing, err = referenced(ctx, snapPath, from.DataDir, held)
		if err != nil {
			return nil, err
		}
		if missing == "" {
			break
		}
		if try == attempts {
			return nil, fmt.Errorf("backup: content file %s was removed before it could be copied, %d times: is the content being replaced again and again?", missing, attempts)
		}
	}

	db, err := os.Open(snapPath)
	if err != nil {
		return nil, fmt.Errorf("backup: %w", err)
	}
	defer db.Close()
	all := append([]entry{{name: dbName, f: db}}, files...)
	key, err := os.Open(filepath.Join(from.DataDir, keyName))
	switch {
	case err == nil:
		defer key.Close()
		all = append(all, entry{name: keyName, f: key})
	case !errors.Is(err, fs.ErrNotExist): // none: no message was ever queued
		return nil, fmt.Errorf("backup: %w", err)
	}
	m := &Manifest{Format: Format, CreatedAt: now.UTC(), SchemaVersion: version}
	if err := writeArchive(ctx, dst, all, m); err != nil {
		return nil, err
	}
	return m, nil
}

// entry is a file to put into an archive under name.
type entry struct {
	name string
	f    *os.File
}

// holdContent opens every file of the content folder not yet in held.
// Files whose name starts with a dot are uploads under way.
func holdContent(dataDir string, held map[string]*os.File) error {
	dir := filepath.Join(dataDir, contentDir)
	des, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil // no upload yet
	}
	if err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	for _, de := range des {
		p := filepath.Join(dir, de.Name())
		if strings.HasPrefix(de.Name(), ".") || !de.Type().IsRegular() || held[p] != nil {
			continue
		}
		f, err := os.Open(p)
		if errors.Is(err, fs.ErrNotExist) {
			continue // removed since listed: the copy will tell if it mattered
		}
		if err != nil {
			return fmt.Errorf("backup: %w", err)
		}
		held[p] = f
	}
	return nil
}

// referenced reads, from the database copy at snapPath, the schema
// version and the files its rows refer to, each opened: from held, or
// opened now for one uploaded after the folder was listed. It returns the
// path of a file removed since, if any, for the caller to try again.
func referenced(ctx context.Context, snapPath, dataDir string, held map[string]*os.File) (files []entry, version int64, missing string, err error) {
	db, err := storage.OpenReadOnly(snapPath)
	if err != nil {
		return nil, 0, "", fmt.Errorf("backup: %w", err)
	}
	defer db.Close()
	if version, err = migrations.Version(ctx, db); err != nil {
		return nil, 0, "", fmt.Errorf("backup: %w", err)
	}
	stored, err := campaign.StoredFiles(ctx, db)
	if err != nil {
		return nil, 0, "", fmt.Errorf("backup: %w", err)
	}
	names := map[string]bool{}
	for _, s := range stored {
		p := filepath.FromSlash(s)
		if !filepath.IsAbs(p) { // else a row of an earlier version, rewritten at the server's next start
			p = filepath.Join(dataDir, p)
		}
		name := path.Join(contentDir, filepath.Base(p))
		if names[name] {
			continue
		}
		names[name] = true
		f := held[p]
		if f == nil {
			f, err = os.Open(p)
			if errors.Is(err, fs.ErrNotExist) {
				return nil, 0, p, nil
			}
			if err != nil {
				return nil, 0, "", fmt.Errorf("backup: %w", err)
			}
			held[p] = f
		}
		files = append(files, entry{name: name, f: f})
	}
	return files, version, "", nil
}

// writeArchive writes files, then m listing them, as a gzip-compressed
// tar file at dst, through a temporary file renamed once synced.
func writeArchive(ctx context.Context, dst string, files []entry, m *Manifest) (err error) {
	dir := filepath.Dir(dst)
	out, err := os.CreateTemp(dir, "."+filepath.Base(dst)+"-*") // mode 0600: it holds the key
	if err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	defer func() {
		if err != nil {
			out.Close()
			os.Remove(out.Name())
		}
	}()
	// Content is mostly video and images, compressed already: the fastest
	// level spends little time on them and still shrinks the database.
	gz, _ := gzip.NewWriterLevel(out, gzip.BestSpeed)
	tw := tar.NewWriter(gz)
	for _, e := range files {
		if err := ctx.Err(); err != nil {
			return err
		}
		f, err := addFile(ctx, tw, e)
		if err != nil {
			return fmt.Errorf("backup: %s: %w", e.name, err)
		}
		m.Files = append(m.Files, f)
	}
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return err
	}
	hdr := &tar.Header{Name: manifestName, Mode: 0o600, Size: int64(len(b)), ModTime: m.CreatedAt, Typeflag: tar.TypeReg}
	if err := tw.WriteHeader(hdr); err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	if _, err := tw.Write(b); err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	if err := tw.Close(); err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	if err := gz.Close(); err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	if err := out.Sync(); err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	if err := out.Close(); err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	if err := os.Rename(out.Name(), dst); err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	return syncDir(dir)
}

// addFile streams e's file into tw, whole, and returns its entry of the
// manifest. Files are streamed, never held in memory: content files run
// to hundreds of MiB.
func addFile(ctx context.Context, tw *tar.Writer, e entry) (File, error) {
	fi, err := e.f.Stat()
	if err != nil {
		return File{}, err
	}
	hdr := &tar.Header{Name: e.name, Mode: 0o600, Size: fi.Size(), ModTime: fi.ModTime(), Typeflag: tar.TypeReg}
	if err := tw.WriteHeader(hdr); err != nil {
		return File{}, err
	}
	h := sha256.New()
	n, err := io.Copy(io.MultiWriter(tw, h), ctxReader{ctx, io.NewSectionReader(e.f, 0, fi.Size())})
	if err != nil {
		return File{}, err
	}
	if n != fi.Size() {
		return File{}, fmt.Errorf("%d bytes read of %d: the file shrank while copied", n, fi.Size())
	}
	return File{Name: e.name, Size: n, SHA256: hex.EncodeToString(h.Sum(nil))}, nil
}

// ctxReader stops reading once ctx is done: a backup or a restore
// interrupted in the middle of a large file stops there.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (r ctxReader) Read(p []byte) (int, error) {
	if err := r.ctx.Err(); err != nil {
		return 0, err
	}
	return r.r.Read(p)
}

// syncDir makes the renames in dir durable.
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
