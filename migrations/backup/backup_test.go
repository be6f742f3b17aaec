package backup

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sillage/sillage/campaign"
	"github.com/sillage/sillage/campaign/mediatest"
	"github.com/sillage/sillage/migrations/storage"
)

// source is a data directory with a database, a body key and one campaign.
type source struct {
	paths Paths
	store *campaign.Store
	id    campaign.ID
}

func newSource(t *testing.T) *source {
	t.Helper()
	dir := t.TempDir()
	paths := Paths{DataDir: dir, DB: filepath.Join(dir, "sillage.db")}
	db, err := storage.Open(context.Background(), paths.DB)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if err := os.WriteFile(filepath.Join(dir, keyName), bytes.Repeat([]byte{7}, 32), 0o600); err != nil {
		t.Fatal(err)
	}
	s := campaign.NewStore(db, dir, time.Now)
	c := &campaign.Campaign{Title: "Clip", Language: "en", Rules: campaign.DefaultRules()}
	if err := s.Create(context.Background(), c); err != nil {
		t.Fatal(err)
	}
	src := &source{paths: paths, store: s, id: c.ID}
	src.put(t, "first")
	return src
}

// put replaces the campaign's content with a clip of payload, as an
// upload does: a new file, the row, the old file removed.
func (s *source) put(t *testing.T, payload string) {
	t.Helper()
	_, err := s.store.PutFile(context.Background(), s.id, "video/mp4", "clip.mp4", bytes.NewReader(mediatest.MP4([]byte(payload))), 1<<20)
	if err != nil {
		t.Fatal(err)
	}
}

// restoredContent restores archive into a new directory and returns the
// bytes of the campaign's content there.
func restoredContent(t *testing.T, archive string, id campaign.ID) []byte {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "restored")
	to := Paths{DataDir: dir, DB: filepath.Join(dir, "sillage.db")}
	if _, err := Restore(context.Background(), archive, to); err != nil {
		t.Fatalf("restore: %v", err)
	}
	db, err := storage.OpenReadOnly(to.DB)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var p string
	if err := db.QueryRow("SELECT content_path FROM campaigns WHERE id = $1", id).Scan(&p); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(p)))
	if err != nil {
		t.Fatalf("the restored row's file: %v", err)
	}
	return b
}

// The content changes while Create runs: the archive holds the file the
// database copy refers to, whole, whichever moment the change falls at.
func TestCreateWhileContentChanges(t *testing.T) {
	for name, tc := range map[string]struct {
		at   map[string][]string // step name → payloads uploaded then, one per try
		want string
	}{
		// The copy refers to "first", which the server removes at once:
		// it was held open before the copy.
		"ReplacedAfterCopy": {at: map[string][]string{"copied": {"second"}}, want: "first"},
		// Uploaded after the folder was listed: opened after the copy.
		"UploadedAfterListing": {at: map[string][]string{"listed": {"second"}}, want: "second"},
		// Uploaded after the listing, then replaced after the copy: the
		// file the copy refers to is gone; the next try copies again.
		"GoneBeforeOpened": {at: map[string][]string{"listed": {"second"}, "copied": {"third"}}, want: "third"},
	} {
		t.Run(name, func(t *testing.T) {
			src := newSource(t)
			tries := map[string]int{}
			step = func(name string) {
				if i := tries[name]; i < len(tc.at[name]) {
					src.put(t, tc.at[name][i])
				}
				tries[name]++
			}
			defer func() { step = nil }()
			archive := filepath.Join(t.TempDir(), "b.tar.gz")
			m, err := Create(context.Background(), src.paths, archive, time.Now())
			if err != nil {
				t.Fatal(err)
			}
			if len(m.Files) != 3 { // database, key, the one content file
				t.Errorf("archive holds %v, want the database, the key and one content file", m.Files)
			}
			if entries, _ := os.ReadDir(filepath.Dir(archive)); len(entries) != 1 {
				t.Errorf("the archive's folder holds %v, want the archive alone", entries)
			}
			got := restoredContent(t, archive, src.id)
			if want := mediatest.MP4([]byte(tc.want)); !bytes.Equal(got, want) {
				t.Errorf("restored content %q, want the clip of %q", got, tc.want)
			}
		})
	}
}

// A file the copy refers to that keeps vanishing stops Create with an
// error after a few tries, and leaves no archive.
func TestCreateGivesUp(t *testing.T) {
	src := newSource(t)
	n := 0
	step = func(name string) {
		if name == "listed" || name == "copied" {
			n++
			src.put(t, "again")
		}
	}
	defer func() { step = nil }()
	archive := filepath.Join(t.TempDir(), "b.tar.gz")
	if _, err := Create(context.Background(), src.paths, archive, time.Now()); err == nil {
		t.Fatal("Create succeeded while every file it needed vanished")
	}
	if n != 2*attempts {
		t.Errorf("%d steps, want %d tries of 2", n, attempts)
	}
	if entries, _ := os.ReadDir(filepath.Dir(archive)); len(entries) != 0 {
		t.Errorf("the archive's folder holds %v after a failed backup", entries)
	}
}

// A backup interrupted (Ctrl-C, SIGTERM) once the database is copied
// stops, and leaves neither an archive nor a temporary file.
func TestCreateInterrupted(t *testing.T) {
	src := newSource(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	step = func(name string) {
		if name == "copied" {
			cancel()
		}
	}
	defer func() { step = nil }()
	archive := filepath.Join(t.TempDir(), "b.tar.gz")
	if _, err := Create(ctx, src.paths, archive, time.Now()); err == nil {
		t.Fatal("Create succeeded after its context was cancelled")
	}
	if entries, _ := os.ReadDir(filepath.Dir(archive)); len(entries) != 0 {
		t.Errorf("the archive's folder holds %v after an interrupted backup", entries)
	}
}

// An archive named in a folder that does not exist, or that this user
// cannot write in, is refused with that folder named and the reason, not
// the name of a temporary file the operator never asked for.
func TestCreateNamesTheArchivesFolder(t *testing.T) {
	src := newSource(t)
	dir := filepath.Join(t.TempDir(), "backups")
	_, err := Create(context.Background(), src.paths, filepath.Join(dir, "b.tar.gz"), time.Now())
	if err == nil {
		t.Fatal("Create wrote into a folder that does not exist")
	}
	if msg := err.Error(); !strings.Contains(msg, "folder "+dir+" ") || !strings.Contains(msg, "no such file or directory") || strings.Contains(msg, ".sillage-backup") {
		t.Errorf("Create's error: %q, want the folder %s named with the reason, and no temporary file", msg, dir)
	}
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Errorf("the refused backup made %s: %v", dir, err)
	}
}
