package campaign_test

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/sillage/sillage/campaign"
	"github.com/sillage/sillage/campaign/mediatest"
	"github.com/sillage/sillage/migrations/dbtest"
	"github.com/sillage/sillage/migrations/storage"
)

// A process killed (SIGKILL) in the middle of an upload leaves a partial
// file; a start's Sweep a day later removes it, and the content before
// the upload is still the campaign's.
func TestCrashMidUpload(t *testing.T) {
	ctx := context.Background()
	dir, dbPath := t.TempDir(), dbtest.Target(t) // a SQLite file or a PostgreSQL database
	db, err := storage.Open(ctx, dbPath)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	s := campaign.NewStore(db, dir, time.Now)
	c := newCampaign(t, s)
	if _, err := s.PutFile(ctx, c.ID, "video/mp4", "live.mp4", bytes.NewReader(mediatest.MP4([]byte("live"))), 1<<30); err != nil {
		t.Fatal(err)
	}
	before, _ := s.Find(ctx, c.ID)

	child := exec.Command(os.Args[0], "-test.run=^TestCrashChild$", "-test.v")
	child.Env = append(os.Environ(), "SILLAGE_CRASH_DB="+dbPath, "SILLAGE_CRASH_DIR="+dir, fmt.Sprint("SILLAGE_CRASH_ID=", c.ID))
	out, err := child.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := child.Start(); err != nil {
		t.Fatal(err)
	}
	lines := bufio.NewScanner(out)
	for lines.Scan() && lines.Text() != "uploading" {
	}
	child.Process.Kill()
	child.Wait()
	if len(contentFiles(t, dir)) != 2 {
		t.Fatalf("content folder after the crash: %v, want the live clip and a partial upload", contentFiles(t, dir))
	}

	// A start a day later sweeps it: a younger partial file might be an
	// upload under way on another instance (SweepGrace).
	later := func() time.Time { return time.Now().Add(campaign.SweepGrace + time.Minute) }
	if err := campaign.NewStore(db, dir, later).Sweep(ctx); err != nil {
		t.Fatal(err)
	}
	after, _ := s.Find(ctx, c.ID)
	if after.Content != before.Content {
		t.Errorf("content after the crash %+v, want %+v", after.Content, before.Content)
	}
	if got, want := contentFiles(t, dir), []string{filepath.Base(before.Content.Path)}; !slices.Equal(got, want) {
		t.Errorf("after Sweep the content folder holds %v, want %v", got, want)
	}
}

// TestCrashChild is the process TestCrashMidUpload kills: it uploads 4 MiB
// of a video, says so, and waits for its end. Run on its own it does
// nothing.
func TestCrashChild(t *testing.T) {
	dbPath := os.Getenv("SILLAGE_CRASH_DB")
	if dbPath == "" {
		t.Skip("the process TestCrashMidUpload kills")
	}
	ctx := context.Background()
	db, err := storage.Open(ctx, dbPath)
	if err != nil {
		t.Fatal(err)
	}
	id, _ := strconv.ParseInt(os.Getenv("SILLAGE_CRASH_ID"), 10, 64)
	s := campaign.NewStore(db, os.Getenv("SILLAGE_CRASH_DIR"), time.Now)
	body := &stalled{data: mediatest.MP4(make([]byte, 4<<20))}
	s.PutFile(ctx, campaign.ID(id), "video/mp4", "big.mp4", body, 1<<30)
	t.Fatal("the upload ended: it should have stalled until the process was killed")
}

// stalled reads data, then says "uploading" on stdout and sleeps:
// a client still sending when the server dies.
type stalled struct{ data []byte }

func (s *stalled) Read(p []byte) (int, error) {
	if len(s.data) == 0 {
		fmt.Println("uploading")
		time.Sleep(time.Hour)
	}
	n := copy(p, s.data)
	s.data = s.data[n:]
	return n, nil
}
