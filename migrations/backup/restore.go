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
	"path/filepath"
	"strings"

	"github.com/sillage/sillage/migrations"
	"github.com/sillage/sillage/migrations/storage"
)

// maxManifest bounds the manifest read into memory: a million files'
// entries fit.
const maxManifest = 256 << 20

// Restore puts the archive at src back into the data directory and the
// database file of to, and returns its manifest. It refuses a data
// directory that holds anything, or a database file already there: it
// never mixes a backup with other data.
//
// Every file is written beside its final place under a temporary name and
// synced, and its size and SHA-256 checked against the manifest; the
// database copy is checked (PRAGMA quick_check) and must not be newer
// than this binary's migrations. Only then do the files take their names.
// On any error nothing is left but the empty data directory. The server
// applies the migrations of a newer binary when it starts on it.
func Restore(ctx context.Context, src string, to Paths) (m *Manifest, err error) {
	if err := to.local(); err != nil {
		return nil, err
	}
	if err := refuseData(to); err != nil {
		return nil, err
	}
	in, err := os.Open(src)
	if err != nil {
		return nil, fmt.Errorf("restore: %w", err)
	}
	defer in.Close()
	if err := os.MkdirAll(to.DataDir, 0o750); err != nil {
		return nil, fmt.Errorf("restore: %w", err)
	}
	if err := os.MkdirAll(filepath.Dir(to.DB), 0o750); err != nil {
		return nil, fmt.Errorf("restore: %w", err)
	}
	stage, err := os.MkdirTemp(to.DataDir, ".restore-")
	if err != nil {
		return nil, fmt.Errorf("restore: %w", err)
	}
	defer os.RemoveAll(stage)
	// The database's temporary name is beside its final one, which may be
	// outside the data directory (-db): the rename stays on one file system.
	dbTemp := filepath.Join(filepath.Dir(to.DB), "."+filepath.Base(to.DB)+filepath.Base(stage))
	defer func() {
		for _, p := range []string{dbTemp, dbTemp + "-wal", dbTemp + "-shm"} {
			os.Remove(p) // gone once renamed; else a failed restore's
		}
	}()

	m, got, err := extract(ctx, in, stage, dbTemp)
	if err != nil {
		return nil, fmt.Errorf("restore %s: %w", src, err)
	}
	if err := verify(ctx, m, got, dbTemp); err != nil {
		return nil, fmt.Errorf("restore %s: %w", src, err)
	}
	if err := place(m, stage, dbTemp, to); err != nil {
		return nil, fmt.Errorf("restore %s: %w", src, err)
	}
	return m, nil
}

// refuseData returns an error if to holds any data already.
func refuseData(to Paths) error {
	des, err := os.ReadDir(to.DataDir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
	case err != nil:
		return fmt.Errorf("restore: %w", err)
	case len(des) > 0:
		return fmt.Errorf("restore: data directory %s is not empty (it holds %s): restore into an empty or new directory", to.DataDir, des[0].Name())
	}
	if _, err := os.Lstat(to.DB); err == nil {
		return fmt.Errorf("restore: database %s exists already: restore needs a place without one", to.DB)
	}
	return nil
}

// extract writes every entry of the archive read from r to its temporary
// place, the database to dbTemp and the others under stage, and returns
// the manifest with what was found: each file's name, size and checksum.
func extract(ctx context.Context, r io.Reader, stage, dbTemp string) (*Manifest, map[string]File, error) {
	gz, err := gzip.NewReader(r)
	if err != nil {
		return nil, nil, fmt.Errorf("not a Sillage backup (gzip: %w)", err)
	}
	defer gz.Close()
	tr := tar.NewReader(gz)
	var m *Manifest
	got := map[string]File{}
	for {
		if err := ctx.Err(); err != nil {
			return nil, nil, err
		}
		hdr, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, nil, fmt.Errorf("archive damaged or cut short: %w", err)
		}
		switch {
		case m != nil:
			return nil, nil, fmt.Errorf("entry %q after the manifest", hdr.Name)
		case hdr.Typeflag != tar.TypeReg:
			return nil, nil, fmt.Errorf("entry %q is not a regular file", hdr.Name)
		case hdr.Name == manifestName:
			m = new(Manifest)
			if err := json.NewDecoder(io.LimitReader(tr, maxManifest)).Decode(m); err != nil {
				return nil, nil, fmt.Errorf("manifest: %w", err)
			}
			continue
		}
		if _, dup := got[hdr.Name]; dup {
			return nil, nil, fmt.Errorf("entry %q appears twice", hdr.Name)
		}
		dst, err := stagePath(hdr.Name, stage, dbTemp)
		if err != nil {
			return nil, nil, err
		}
		f, err := writeFile(dst, hdr.Name, ctxReader{ctx, tr})
		if err != nil {
			return nil, nil, err
		}
		got[hdr.Name] = f
	}
	// The tar end can come before gzip's: read to it, so that its
	// checksum is verified too.
	if _, err := io.Copy(io.Discard, gz); err != nil {
		return nil, nil, fmt.Errorf("archive damaged or cut short: %w", err)
	}
	if m == nil {
		return nil, nil, errors.New("no manifest: the archive is cut short or is not a Sillage backup")
	}
	return m, got, nil
}

// stagePath returns where entry name is written before it takes its
// place; a name not of the archive's layout is refused.
func stagePath(name, stage, dbTemp string) (string, error) {
	switch name {
	case dbName:
		return dbTemp, nil
	case keyName:
		return filepath.Join(stage, keyName), nil
	}
	base, ok := strings.CutPrefix(name, contentDir+"/")
	if !ok || base == "" || strings.ContainsAny(base, `/\`) || strings.HasPrefix(base, ".") || !filepath.IsLocal(base) {
		return "", fmt.Errorf("unexpected entry %q: not a Sillage backup", name)
	}
	if err := os.MkdirAll(filepath.Join(stage, contentDir), 0o750); err != nil {
		return "", err
	}
	return filepath.Join(stage, contentDir, base), nil
}

// writeFile writes r to a new file at dst (mode 0600), synced, and
// returns its size and checksum under name.
func writeFile(dst, name string, r io.Reader) (File, error) {
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return File{}, err
	}
	h := sha256.New()
	in := &readErrors{r: r}
	n, err := io.Copy(io.MultiWriter(out, h), in)
	switch {
	case err != nil && in.err == nil: // the disk's doing, not the archive's
		err = fmt.Errorf("%s: cannot write the restored file: %w", name, err)
	case err != nil:
		err = fmt.Errorf("%s: archive damaged or cut short: %w", name, err)
	default:
		err = out.Sync()
	}
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	return File{Name: name, Size: n, SHA256: hex.EncodeToString(h.Sum(nil))}, err
}

// readErrors remembers the error its reader gave, so that a failed copy
// can tell a damaged archive from a disk that cannot be written.
type readErrors struct {
	r   io.Reader
	err error
}

func (e *readErrors) Read(p []byte) (int, error) {
	n, err := e.r.Read(p)
	if err != nil && err != io.EOF {
		e.err = err
	}
	return n, err
}

// verify checks the files found against the manifest, and the database:
// whole, and no newer than this binary.
func verify(ctx context.Context, m *Manifest, got map[string]File, dbTemp string) error {
	if m.Format != Format {
		return fmt.Errorf("archive format %d: this sillage reads format %d", m.Format, Format)
	}
	listed := map[string]bool{}
	for _, f := range m.Files {
		listed[f.Name] = true
		g, ok := got[f.Name]
		switch {
		case !ok:
			return fmt.Errorf("%s: in the manifest, missing from the archive", f.Name)
		case g.Size != f.Size || g.SHA256 != f.SHA256:
			return fmt.Errorf("%s: %d bytes, SHA-256 %s; the manifest says %d bytes, %s: the archive is damaged", f.Name, g.Size, g.SHA256, f.Size, f.SHA256)
		}
	}
	for name := range got {
		if !listed[name] {
			return fmt.Errorf("%s: in the archive, not in its manifest", name)
		}
	}
	if !listed[dbName] {
		return fmt.Errorf("no %s in the archive", dbName)
	}
	latest, err := migrations.Latest()
	if err != nil {
		return err
	}
	if m.SchemaVersion > latest {
		return fmt.Errorf("the database is at schema version %d, this sillage knows up to %d: restore it with the version that made it, or a newer one", m.SchemaVersion, latest)
	}
	version, err := storage.Check(ctx, dbTemp)
	if err != nil {
		return err
	}
	if version != m.SchemaVersion {
		return fmt.Errorf("the database is at schema version %d, the manifest says %d", version, m.SchemaVersion)
	}
	return nil
}

// place gives every file its final name, the database last, then syncs
// the directories. On an error it removes the files it had placed.
func place(m *Manifest, stage, dbTemp string, to Paths) (err error) {
	var placed []string
	defer func() {
		if err != nil {
			for _, p := range placed {
				os.Remove(p)
			}
		}
	}()
	content := filepath.Join(to.DataDir, contentDir)
	for _, f := range m.Files {
		if f.Name == dbName {
			continue // last: a database must never be there without its files
		}
		if strings.HasPrefix(f.Name, contentDir+"/") {
			if err := os.MkdirAll(content, 0o750); err != nil {
				return err
			}
		}
		dst := filepath.Join(to.DataDir, filepath.FromSlash(f.Name))
		if err := os.Rename(filepath.Join(stage, filepath.FromSlash(f.Name)), dst); err != nil {
			return err
		}
		placed = append(placed, dst)
	}
	for _, d := range []string{content, to.DataDir} {
		if err := syncDir(d); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return err
		}
	}
	if err := os.Rename(dbTemp, to.DB); err != nil {
		return err
	}
	return syncDir(filepath.Dir(to.DB))
}
