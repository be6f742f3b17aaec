package backup

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"database/sql"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pressly/goose/v3"

	"github.com/sillage/sillage/migrations"
	"github.com/sillage/sillage/migrations/dbtest"
	"github.com/sillage/sillage/migrations/storage"
)

// goodArchive returns the bytes of a backup of a fresh source.
func goodArchive(t *testing.T) []byte {
	t.Helper()
	src := newSource(t)
	archive := filepath.Join(t.TempDir(), "b.tar.gz")
	if _, err := Create(context.Background(), src.paths, archive, time.Now()); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(archive)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// rewrite returns archive with each entry passed through edit, which
// returns the header and data to write, or a nil header to drop it.
func rewrite(t *testing.T, archive []byte, edit func(*tar.Header, []byte) (*tar.Header, []byte)) []byte {
	t.Helper()
	gz, err := gzip.NewReader(bytes.NewReader(archive))
	if err != nil {
		t.Fatal(err)
	}
	tr := tar.NewReader(gz)
	var out bytes.Buffer
	zw := gzip.NewWriter(&out)
	tw := tar.NewWriter(zw)
	for {
		hdr, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		data, err := io.ReadAll(tr)
		if err != nil {
			t.Fatal(err)
		}
		hdr, data = edit(hdr, data)
		if hdr == nil {
			continue
		}
		if hdr.Typeflag == tar.TypeReg {
			hdr.Size = int64(len(data))
		}
		if err := tw.WriteHeader(hdr); err != nil {
			t.Fatal(err)
		}
		tw.Write(data)
	}
	tw.Close()
	zw.Close()
	return out.Bytes()
}

// editManifest returns an edit that changes the manifest with change.
func editManifest(t *testing.T, change func(*Manifest)) func(*tar.Header, []byte) (*tar.Header, []byte) {
	return func(hdr *tar.Header, data []byte) (*tar.Header, []byte) {
		if hdr.Name != manifestName {
			return hdr, data
		}
		var m Manifest
		if err := json.Unmarshal(data, &m); err != nil {
			t.Fatal(err)
		}
		change(&m)
		b, _ := json.Marshal(m)
		return hdr, b
	}
}

func TestRestore(t *testing.T) {
	good := goodArchive(t)
	dir := filepath.Join(t.TempDir(), "restored")
	to := Paths{DataDir: dir, DB: filepath.Join(dir, "sillage.db")}
	archive := filepath.Join(t.TempDir(), "b.tar.gz")
	if err := os.WriteFile(archive, good, 0o600); err != nil {
		t.Fatal(err)
	}
	m, err := Restore(context.Background(), archive, to)
	if err != nil {
		t.Fatal(err)
	}
	latest, _ := migrations.Latest()
	if m.SchemaVersion != latest || len(m.Files) != 3 {
		t.Errorf("manifest: schema %d and %d files, want %d and 3", m.SchemaVersion, len(m.Files), latest)
	}
	for _, f := range m.Files {
		fi, err := os.Stat(filepath.Join(dir, filepath.FromSlash(f.Name)))
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode().Perm() != 0o600 || fi.Size() != f.Size {
			t.Errorf("%s: mode %v, %d bytes; want 0600, %d bytes", f.Name, fi.Mode().Perm(), fi.Size(), f.Size)
		}
	}
	entries, _ := os.ReadDir(dir)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	if got, want := strings.Join(names, " "), "body.key content sillage.db"; got != want {
		t.Errorf("restored data directory holds %s, want %s", got, want)
	}
	db, err := storage.Open(context.Background(), to.DB) // as the server opens it
	if err != nil {
		t.Fatalf("open the restored database: %v", err)
	}
	db.Close()
}

// Restore refuses, leaving the data directory as it found it: a place
// that holds data, and any archive that is damaged, incomplete, not
// Sillage's or newer than this binary.
func TestRestoreRefuses(t *testing.T) {
	good := goodArchive(t)
	latest, err := migrations.Latest()
	if err != nil {
		t.Fatal(err)
	}
	flipped := bytes.Clone(good)
	flipped[len(flipped)/2] ^= 0xff
	for name, tc := range map[string]struct {
		archive []byte
		plant   func(to Paths) // data already there
	}{
		"NotEmpty": {archive: good, plant: func(to Paths) {
			os.MkdirAll(to.DataDir, 0o750)
			os.WriteFile(filepath.Join(to.DataDir, "notes.txt"), []byte("mine"), 0o600)
		}},
		"DatabaseThere": {archive: good, plant: func(to Paths) {
			os.WriteFile(to.DB, []byte("another database"), 0o600)
		}},
		"NotGzip":  {archive: []byte("just text")},
		"Damaged":  {archive: flipped},
		"CutShort": {archive: good[:len(good)*2/3]},
		"NoManifest": {archive: rewrite(t, good, func(h *tar.Header, d []byte) (*tar.Header, []byte) {
			if h.Name == manifestName {
				return nil, nil
			}
			return h, d
		})},
		"FileChanged": {archive: rewrite(t, good, func(h *tar.Header, d []byte) (*tar.Header, []byte) {
			if strings.HasPrefix(h.Name, contentDir+"/") {
				d = append(bytes.Clone(d), 'x')
			}
			return h, d
		})},
		"FileMissing": {archive: rewrite(t, good, func(h *tar.Header, d []byte) (*tar.Header, []byte) {
			if h.Name == keyName {
				return nil, nil
			}
			return h, d
		})},
		"FileNotListed": {archive: rewrite(t, good, editManifest(t, func(m *Manifest) {
			m.Files = m.Files[:len(m.Files)-1]
		}))},
		"Traversal": {archive: rewrite(t, good, func(h *tar.Header, d []byte) (*tar.Header, []byte) {
			if strings.HasPrefix(h.Name, contentDir+"/") {
				h.Name = contentDir + "/../../escaped"
			}
			return h, d
		})},
		"Symlink": {archive: rewrite(t, good, func(h *tar.Header, d []byte) (*tar.Header, []byte) {
			if h.Name == keyName {
				return &tar.Header{Name: keyName, Typeflag: tar.TypeSymlink, Linkname: "/etc/passwd", Mode: 0o600}, nil
			}
			return h, d
		})},
		"NewerSchema": {archive: rewrite(t, good, editManifest(t, func(m *Manifest) { m.SchemaVersion = latest + 1 }))},
		"OtherFormat": {archive: rewrite(t, good, editManifest(t, func(m *Manifest) { m.Format = Format + 1 }))},
	} {
		t.Run(name, func(t *testing.T) {
			parent := t.TempDir()
			to := Paths{DataDir: filepath.Join(parent, "data"), DB: filepath.Join(parent, "data", "sillage.db")}
			if name == "DatabaseThere" {
				to.DB = filepath.Join(parent, "elsewhere.db")
			}
			if tc.plant != nil {
				tc.plant(to)
			}
			before := listTree(t, parent)
			archive := filepath.Join(t.TempDir(), "b.tar.gz")
			if err := os.WriteFile(archive, tc.archive, 0o600); err != nil {
				t.Fatal(err)
			}
			_, err := Restore(context.Background(), archive, to)
			if err == nil {
				t.Fatal("Restore succeeded")
			}
			t.Log(err)
			after := listTree(t, parent)
			if before != after && !(before == "" && after == "data/") {
				t.Errorf("Restore left\n%s\nwhere there was\n%s", after, before)
			}
		})
	}
}

// listTree lists every path under root, one a line.
func listTree(t *testing.T, root string) string {
	t.Helper()
	var b strings.Builder
	filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			t.Fatal(err)
		}
		rel, _ := filepath.Rel(root, p)
		if rel == "." {
			return nil
		}
		if d.IsDir() {
			rel += "/"
		}
		b.WriteString(rel + "\n")
		return nil
	})
	return strings.TrimSuffix(b.String(), "\n")
}

// An archive of a database at an older schema restores as it is, and the
// server's Open migrates it to this binary's schema.
func TestRestoreOlderSchema(t *testing.T) {
	ctx := context.Background()
	old := migrations.FS(migrations.SQLite)
	dir := t.TempDir()
	from := Paths{DataDir: dir, DB: filepath.Join(dir, "sillage.db")}
	db, err := sql.Open("sqlite3", from.DB)
	if err != nil {
		t.Fatal(err)
	}
	p, err := goose.NewProvider(goose.DialectSQLite3, db, old)
	if err != nil {
		t.Fatal(err)
	}
	const version = 8
	if _, err := p.UpTo(ctx, version); err != nil {
		t.Fatal(err)
	}
	db.Close()

	archive := filepath.Join(t.TempDir(), "old.tar.gz")
	if _, err := Create(ctx, from, archive, time.Now()); err != nil {
		t.Fatal(err)
	}
	restored := filepath.Join(t.TempDir(), "data")
	to := Paths{DataDir: restored, DB: filepath.Join(restored, "sillage.db")}
	m, err := Restore(ctx, archive, to)
	if err != nil {
		t.Fatal(err)
	}
	if m.SchemaVersion != version {
		t.Errorf("manifest schema version %d, want %d", m.SchemaVersion, version)
	}
	opened, err := storage.Open(ctx, to.DB)
	if err != nil {
		t.Fatalf("open the restored database: %v", err)
	}
	opened.Close()
	got, err := storage.Check(ctx, to.DB)
	latest, _ := migrations.Latest()
	if err != nil || got != latest {
		t.Errorf("restored database at schema version %d (%v) once opened, want %d", got, err, latest)
	}
}

// A restore onto a full disk says the disk cannot be written, not that
// the archive is damaged (an operator would throw a good backup away),
// and leaves the data directory as it found it.
func TestRestoreOnFullDisk(t *testing.T) {
	if !dbtest.Alone(t) {
		return
	}
	archive := filepath.Join(t.TempDir(), "b.tar.gz")
	if err := os.WriteFile(archive, goodArchive(t), 0o600); err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "restored")
	to := Paths{DataDir: dir, DB: filepath.Join(dir, "sillage.db")}
	restore := dbtest.Full(t)
	_, err := Restore(context.Background(), archive, to)
	restore()
	if err == nil || strings.Contains(err.Error(), "damaged") || !storage.Unwritable(err) {
		t.Errorf("restore on a full disk: %v; want an error saying the disk cannot be written, not a damaged archive", err)
	}
	if entries, _ := os.ReadDir(dir); len(entries) > 0 {
		t.Errorf("restore on a full disk left %d entries in the data directory", len(entries))
	}
	if _, err := Restore(context.Background(), archive, to); err != nil {
		t.Errorf("restore once space is back: %v", err)
	}
}
