package campaign_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/sillage/sillage/campaign"
	"github.com/sillage/sillage/campaign/mediatest"
	"github.com/sillage/sillage/migrations/dbtest"
)

func newCampaign(t *testing.T, s *campaign.Store) *campaign.Campaign {
	t.Helper()
	c := &campaign.Campaign{Title: "Clip", Language: "en", Rules: campaign.DefaultRules()}
	if err := s.Create(context.Background(), c); err != nil {
		t.Fatal(err)
	}
	return c
}

// contentFiles lists the names in the data directory's content folder.
func contentFiles(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(filepath.Join(dir, "content"))
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}

// An upload is sniffed: a file whose first bytes are not of its declared
// type is refused, naming both types, with nothing written and the
// content before it kept.
func TestPutFileSniffs(t *testing.T) {
	ctx := context.Background()
	s, dir := newStore(t)
	c := newCampaign(t, s)
	live := mediatest.MP4([]byte("the live clip"))
	_, err := s.PutFile(ctx, c.ID, "video/mp4", "live.mp4", bytes.NewReader(live), 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.SetStatus(ctx, c.ID, campaign.Live); err != nil {
		t.Fatal(err)
	}
	payload := bytes.Repeat([]byte{0x00, 0x9d, 0x01, 0x2a}, 200)
	text := []byte("just some words in a text file\n")
	for _, tc := range []struct {
		name, declared string
		body           []byte
		stored         string // the type stored; "" when refused
		sniffed        string // what the refusal says the file looks like
	}{
		{"MP4", "video/mp4", mediatest.MP4(payload), "video/mp4", ""},
		{"MP4WithoutMP4Brand", "video/mp4", mediatest.MP4NoMP4Brand(payload), "video/mp4", ""},
		{"QuickTime", "video/quicktime", mediatest.MOV(payload), "video/quicktime", ""},
		{"WebM", "video/webm", mediatest.WebM(payload), "video/webm", ""},
		{"AudioWebM", "audio/webm", mediatest.WebM(payload), "audio/webm", ""},
		{"M4A", "audio/mp4", mediatest.M4A(payload), "audio/mp4", ""},
		{"MP3", "audio/mpeg", mediatest.MP3(payload), "audio/mpeg", ""},
		{"Ogg", "audio/ogg", mediatest.Ogg(payload), "audio/ogg", ""},
		{"PNG", "image/png", mediatest.PNG(payload), "image/png", ""},
		{"JPEG", "image/jpeg", mediatest.JPEG(payload), "image/jpeg", ""},
		{"GIF", "image/gif", mediatest.GIF(payload), "image/gif", ""},
		{"WebP", "image/webp", mediatest.WebP(payload), "image/webp", ""},
		{"JPEGNamedPNG", "image/png", mediatest.JPEG(payload), "image/jpeg", ""},
		{"PDF", "application/pdf", mediatest.PDF(payload), "application/pdf", ""},
		{"TextAsVideo", "video/mp4", text, "", "text/plain"},
		{"TextAsAudio", "audio/mpeg", text, "", "text/plain"},
		{"HTMLAsVideo", "video/mp4", []byte("<!DOCTYPE html><html><body>hi"), "", "text/html"},
		{"TextAsPNG", "image/png", text, "", "text/plain"},
		{"BMPAsPNG", "image/png", append([]byte("BM"), payload...), "", "image/bmp"},
		{"PNGAsVideo", "video/mp4", mediatest.PNG(payload), "", "image/png"},
		{"PDFAsAudio", "audio/mpeg", mediatest.PDF(payload), "", "application/pdf"},
		{"MP4AsPDF", "application/pdf", mediatest.MP4(payload), "", "video/mp4"},
		{"ZipAsVideo", "video/mp4", append([]byte("PK\x03\x04"), payload...), "", "application/zip"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := s.PutFile(ctx, c.ID, tc.declared, "f", bytes.NewReader(tc.body), 1<<20)
			if tc.stored != "" {
				if err != nil {
					t.Fatalf("PutFile(%s) = %v, want it stored", tc.declared, err)
				}
				if got.Content.Type != tc.stored {
					t.Errorf("stored type %s, want %s", got.Content.Type, tc.stored)
				}
				return
			}
			mismatch, ok := errors.AsType[*campaign.MismatchError](err)
			if !ok {
				t.Fatalf("PutFile(%s) = %v, want a *MismatchError", tc.declared, err)
			}
			if got, want := mismatch.Error(), "the file looks like "+tc.sniffed+", not "+tc.declared; got != want {
				t.Errorf("message %q, want %q", got, want)
			}
		})
	}
	// Put the live clip back, then refuse a mismatch: the live content and
	// its file stay, and nothing else is on disk.
	before, err := s.PutFile(ctx, c.ID, "video/mp4", "live.mp4", bytes.NewReader(live), 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.PutFile(ctx, c.ID, "video/mp4", "notes.mp4", bytes.NewReader(text), 1<<20); err == nil {
		t.Fatal("a text file was accepted as video/mp4")
	}
	if _, err := s.PutTeaserImage(ctx, c.ID, "image/png", bytes.NewReader(text), 1<<20); err == nil {
		t.Fatal("a text file was accepted as a PNG teaser image")
	}
	after, err := s.Find(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if after.Content != before.Content || after.Teaser.ImagePath != "" {
		t.Errorf("content after refusals %+v, teaser image %q; want %+v and none", after.Content, after.Teaser.ImagePath, before.Content)
	}
	if got, want := contentFiles(t, dir), []string{filepath.Base(before.Content.Path)}; !slices.Equal(got, want) {
		t.Errorf("content folder holds %v, want only the live clip %v", got, want)
	}
}

// Text content must be text: not empty, not a binary file.
func TestPutTextRefuses(t *testing.T) {
	ctx := context.Background()
	s, _ := newStore(t)
	c := newCampaign(t, s)
	if _, err := s.PutText(ctx, c.ID, "text/plain", "the exclusive"); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, text string
		want       string
	}{
		{"Empty", "", "content: is empty"},
		{"Blank", " \n\t\n", "content: is empty"},
		{"PNG", string(mediatest.PNG([]byte("pixels"))), "the file looks like image/png, not text/plain"},
		{"MP4", string(mediatest.MP4([]byte("frames"))), "the file looks like video/mp4, not text/plain"},
		{"InvalidUTF8", "caf\xe9 au lait", "content: must be valid UTF-8"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := s.PutText(ctx, c.ID, "text/plain", tc.text)
			if err == nil || err.Error() != tc.want {
				t.Errorf("PutText(%q) = %v, want %q", tc.text, err, tc.want)
			}
		})
	}
	if got, _ := s.Find(ctx, c.ID); got.Content.Text != "the exclusive" {
		t.Errorf("a refused text replaced the content: %q", got.Content.Text)
	}
}

// failAfter reads n bytes of r, then fails: a client gone mid-upload.
type failAfter struct {
	r io.Reader
	n int
}

var errCut = errors.New("connection reset")

func (f *failAfter) Read(p []byte) (int, error) {
	if f.n <= 0 {
		return 0, errCut
	}
	p = p[:min(len(p), f.n)]
	n, err := f.r.Read(p)
	f.n -= n
	return n, err
}

// An upload whose body fails midway leaves no file and changes no row.
func TestUploadCutMidway(t *testing.T) {
	ctx := context.Background()
	s, dir := newStore(t)
	c := newCampaign(t, s)
	if _, err := s.PutFile(ctx, c.ID, "video/mp4", "live.mp4", bytes.NewReader(mediatest.MP4([]byte("live"))), 1<<20); err != nil {
		t.Fatal(err)
	}
	before, _ := s.Find(ctx, c.ID)
	files := contentFiles(t, dir)
	big := mediatest.MP4(bytes.Repeat([]byte("frame"), 100_000))
	for _, at := range []int{0, 100, 512, 513, 64 << 10} {
		if _, err := s.PutFile(ctx, c.ID, "video/mp4", "new.mp4", &failAfter{bytes.NewReader(big), at}, 1<<20); !errors.Is(err, errCut) {
			t.Errorf("content cut after %d bytes: %v, want the reader's error", at, err)
		}
		if _, err := s.PutTeaserImage(ctx, c.ID, "image/png", &failAfter{bytes.NewReader(mediatest.PNG(big)), at}, 1<<20); !errors.Is(err, errCut) {
			t.Errorf("teaser image cut after %d bytes: %v, want the reader's error", at, err)
		}
	}
	after, _ := s.Find(ctx, c.ID)
	if after.Content != before.Content || after.Teaser != before.Teaser || !after.UpdatedAt.Equal(before.UpdatedAt) {
		t.Errorf("campaign after cut uploads %+v, want %+v", after, before)
	}
	if got := contentFiles(t, dir); !slices.Equal(got, files) {
		t.Errorf("content folder holds %v, want %v: cut uploads must leave nothing", got, files)
	}
}

// Sweep removes uploads cut short and files no campaign refers to, and
// keeps every file a campaign refers to.
func TestSweep(t *testing.T) {
	ctx := context.Background()
	s, dir := newStore(t)
	c := newCampaign(t, s)
	withContent, err := s.PutFile(ctx, c.ID, "video/mp4", "clip.mp4", bytes.NewReader(mediatest.MP4([]byte("clip"))), 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	withImage, err := s.PutTeaserImage(ctx, c.ID, "image/png", bytes.NewReader(mediatest.PNG(nil)), 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	withCaptions, err := s.PutCaptions(ctx, c.ID, "text/vtt", strings.NewReader("WEBVTT\n"))
	if err != nil {
		t.Fatal(err)
	}
	plant := func(name string, size int) {
		t.Helper()
		p := filepath.Join(dir, "content", name)
		if err := os.WriteFile(p, make([]byte, size), 0o640); err != nil {
			t.Fatal(err)
		}
		// Left by a crash of a day ago: younger, Sweep keeps it (TestSweepGrace).
		day := time.Now().Add(-campaign.SweepGrace - time.Minute)
		if err := os.Chtimes(p, day, day); err != nil {
			t.Fatal(err)
		}
	}
	plant(".upload-123456", 12<<20)                  // a crash mid-upload
	plant("0123456789abcdef0123456789abcdef", 1<<10) // a crash between the rename and the commit
	if err := os.Mkdir(filepath.Join(dir, "content", "keep"), 0o750); err != nil {
		t.Fatal(err)
	}
	if err := s.Sweep(ctx); err != nil {
		t.Fatal(err)
	}
	want := []string{filepath.Base(withContent.Content.Path), filepath.Base(withImage.Teaser.ImagePath),
		filepath.Base(withCaptions.Content.CaptionsPath), "keep"}
	slices.Sort(want)
	if got := contentFiles(t, dir); !slices.Equal(got, want) {
		t.Errorf("after Sweep the content folder holds %v, want %v", got, want)
	}
	f, err := s.OpenFile(ctx, withContent.Content.Path)
	if err != nil {
		t.Fatal(err)
	}
	f.Close()

	t.Run("WrongDatabase", func(t *testing.T) {
		// The same data directory with an empty database: no file is
		// referenced, so none is taken for an orphan. Partial uploads go.
		other := campaign.NewStore(dbtest.Open(t), dir, time.Now)
		plant(".upload-654321", 10)
		if err := other.Sweep(ctx); err != nil {
			t.Fatal(err)
		}
		if got := contentFiles(t, dir); !slices.Equal(got, want) {
			t.Errorf("after Sweep on another database the folder holds %v, want %v", got, want)
		}
	})
}

// A data directory copied to another place keeps its media: paths are
// stored relative to it, and the absolute paths of earlier versions are
// rewritten at start.
func TestDataDirMoved(t *testing.T) {
	ctx := context.Background()
	db := dbtest.Open(t)
	old := t.TempDir()
	s := campaign.NewStore(db, old, time.Now)
	fresh, legacy := newCampaign(t, s), newCampaign(t, s)
	clip := mediatest.MP4([]byte("the clip"))
	if _, err := s.PutFile(ctx, fresh.ID, "video/mp4", "clip.mp4", bytes.NewReader(clip), 1<<20); err != nil {
		t.Fatal(err)
	}
	img := mediatest.PNG([]byte("pixels"))
	_, err := s.PutTeaserImage(ctx, legacy.ID, "image/png", bytes.NewReader(img), 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	l, err := s.PutFile(ctx, legacy.ID, "audio/mpeg", "song.mp3", bytes.NewReader(mediatest.MP3([]byte("song"))), 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	// As an earlier version stored them: absolute paths into the old place.
	abs := func(p string) string { return filepath.Join(old, filepath.FromSlash(p)) }
	if _, err := db.Write.Exec(`UPDATE campaigns SET content_path = $1, teaser_image_path = $2 WHERE id = $3`,
		abs(l.Content.Path), abs(l.Teaser.ImagePath), legacy.ID); err != nil {
		t.Fatal(err)
	}

	moved := filepath.Join(t.TempDir(), "restored")
	if err := os.CopyFS(moved, os.DirFS(old)); err != nil {
		t.Fatal(err)
	}
	if err := os.RemoveAll(old); err != nil {
		t.Fatal(err)
	}
	s = campaign.NewStore(db, moved, time.Now)
	if err := s.Sweep(ctx); err != nil {
		t.Fatal(err)
	}
	if err := s.Sweep(ctx); err != nil { // idempotent
		t.Fatal(err)
	}
	read := func(p string) []byte {
		t.Helper()
		if strings.HasPrefix(p, "/") || strings.Contains(p, old) {
			t.Errorf("stored path %q is not relative to the data directory", p)
		}
		f, err := s.OpenFile(context.Background(), p)
		if err != nil {
			t.Fatalf("open %s: %v", p, err)
		}
		defer f.Close()
		b, _ := io.ReadAll(f)
		return b
	}
	f, _ := s.Find(ctx, fresh.ID)
	if got := read(f.Content.Path); !bytes.Equal(got, clip) {
		t.Errorf("moved clip reads %q", got)
	}
	l, _ = s.Find(ctx, legacy.ID)
	if got := read(l.Teaser.ImagePath); !bytes.Equal(got, img) {
		t.Errorf("moved legacy teaser image reads %q", got)
	}
	if got := read(l.Content.Path); !bytes.Equal(got, mediatest.MP3([]byte("song"))) {
		t.Errorf("moved legacy content reads %q", got)
	}
	if got := len(contentFiles(t, moved)); got != 3 {
		t.Errorf("%d files in the moved content folder, want 3", got)
	}
}

// A replaced file that cannot be removed is logged, and the new content
// is saved all the same.
func TestReplacedFileRemovalLogged(t *testing.T) {
	ctx := context.Background()
	s, dir := newStore(t)
	var log bytes.Buffer
	s.SetLogger(slog.New(slog.NewTextHandler(&log, nil)))
	c := newCampaign(t, s)
	old, err := s.PutFile(ctx, c.ID, "video/mp4", "clip.mp4", bytes.NewReader(mediatest.MP4(nil)), 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	// A non-empty folder in the file's place: os.Remove fails, even as root.
	p := filepath.Join(dir, old.Content.Path)
	if err := os.Remove(p); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(p, "x"), 0o750); err != nil {
		t.Fatal(err)
	}
	if _, err := s.PutText(ctx, c.ID, "text/plain", "now a text"); err != nil {
		t.Fatalf("PutText = %v, want the text saved though the old file stays", err)
	}
	for _, want := range []string{"level=WARN", `msg="remove content file"`, "path=" + old.Content.Path, `why="content replaced"`, "err="} {
		if !strings.Contains(log.String(), want) {
			t.Errorf("log %q lacks %q", log.String(), want)
		}
	}
}

// StoredFiles names every file a campaign row refers to, and FileColumns
// holds every column of campaigns named like a file path: a column left
// out would lose its files at the next Sweep and from every backup.
func TestStoredFiles(t *testing.T) {
	ctx := context.Background()
	db := dbtest.Open(t)
	s := campaign.NewStore(db, t.TempDir(), time.Now)
	var want []string
	for range 2 {
		c := newCampaign(t, s)
		withContent, err := s.PutFile(ctx, c.ID, "video/mp4", "clip.mp4", bytes.NewReader(mediatest.MP4([]byte("clip"))), 1<<20)
		if err != nil {
			t.Fatal(err)
		}
		withImage, err := s.PutTeaserImage(ctx, c.ID, "image/png", bytes.NewReader(mediatest.PNG(nil)), 1<<20)
		if err != nil {
			t.Fatal(err)
		}
		want = append(want, withContent.Content.Path, withImage.Teaser.ImagePath)
	}
	newCampaign(t, s) // no file
	slices.Sort(want)
	got, err := campaign.StoredFiles(ctx, db.Read)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got, want) {
		t.Errorf("StoredFiles = %v, want %v", got, want)
	}

	// The columns of a query that returns no row: the same on SQLite and
	// PostgreSQL, where pragma_table_info does not exist.
	rows, err := db.Read.QueryContext(ctx, "SELECT * FROM campaigns LIMIT 0")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(cols, "content_path") {
		t.Fatalf("columns of campaigns = %v, want content_path among them", cols)
	}
	for _, col := range cols {
		if strings.HasSuffix(col, "_path") && !slices.Contains(campaign.FileColumns, col) {
			t.Errorf("column campaigns.%s holds a file path but is not in campaign.FileColumns", col)
		}
	}
}
