package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/sillage/sillage/campaign/mediatest"
	"github.com/sillage/sillage/migrations/dbtest"
	"github.com/sillage/sillage/migrations/storage"
)

// A backup taken while phones keep unlocking, restored elsewhere, gives a
// server whose every figure is the source's at the backup's moment, and
// which unlocks new links and serves the media.
//
// "At the backup's moment" is checked two ways. Campaigns B and C get no
// write during the backup: their figures on the restored server must
// equal the source's, field for field. Campaign A is under load during
// the backup, so its figures at that moment are known only from the
// backup itself: the restored server's views and links must equal the
// rows of A in the restored database (counted by SQL, not by the code
// that computes figures), and lie between the source's before and after
// the backup. The forecast is left out of the comparison: it depends on
// the time it is asked.
func TestBackupDuringLoadRestoresEveryFigure(t *testing.T) {
	dbtest.SQLiteOnly(t, "backup and restore copy a SQLite file (VACUUM INTO)")
	ctx := context.Background()
	src, dst := t.TempDir(), t.TempDir()
	archive := filepath.Join(t.TempDir(), "sillage-backup.tar.gz")

	key := backupAPIKey(t, src)
	source := startBackupServer(t, src)

	// A: a large clip, so the backup takes a while, and seed links for
	// the load. B and C: small hand-made cascades, quiet during the backup.
	rng := rand.New(rand.NewPCG(1, 2))
	clip := func(n int) []byte {
		b := make([]byte, n)
		for i := range b {
			b[i] = byte(rng.Uint32())
		}
		return mediatest.MP4(b)
	}
	media := map[int64][]byte{}
	images := map[int64][]byte{}
	var ids []int64
	for i, name := range []string{"A", "B", "C"} {
		id := source.createCampaign(key, name)
		ids = append(ids, id)
		media[id] = clip([]int{8 << 20, 64 << 10, 256 << 10}[i])
		source.api(key, "PUT", fmt.Sprintf("/api/v1/campaigns/%d/content", id), "video/mp4", media[id], http.StatusOK)
		if name != "A" {
			images[id] = mediatest.PNG([]byte(name))
			source.api(key, "PUT", fmt.Sprintf("/api/v1/campaigns/%d/teaser/image", id), "image/png", images[id], http.StatusOK)
		}
		source.api(key, "POST", fmt.Sprintf("/api/v1/campaigns/%d/status", id), "application/json", []byte(`{"status":"live"}`), http.StatusOK)
	}
	a, b, c := ids[0], ids[1], ids[2]
	for _, id := range []int64{b, c} {
		for i, seed := range source.mint(key, id, 4) {
			p := newBackupPhone(t)
			p.unlock(seed)
			for range i { // seed i brings i friends, the second of whom forwards once more
				f, link := newBackupPhone(t), p.forward(seed)
				f.unlock(link)
				if i == 2 {
					newBackupPhone(t).unlock(f.forward(link))
				}
			}
		}
	}

	// The load: each seed of A opened by a new phone, which forwards it
	// to another.
	seeds := source.mint(key, a, 2000)
	var unlocks atomic.Int64
	stop := make(chan struct{})
	var load sync.WaitGroup
	var loadErr atomic.Pointer[error]
	fail := func(err error) { loadErr.CompareAndSwap(nil, &err) }
	load.Go(func() {
		for _, seed := range seeds {
			select {
			case <-stop:
				return
			default:
			}
			p := newBackupPhone(t)
			if err := p.tryUnlock(seed); err != nil {
				fail(err)
				return
			}
			link, err := p.tryForward(seed)
			if err == nil {
				err = newBackupPhone(t).tryUnlock(link)
			}
			if err != nil {
				fail(err)
				return
			}
			unlocks.Add(2)
		}
		fail(fmt.Errorf("the load ran out of seed links"))
	})
	for unlocks.Load() < 20 && loadErr.Load() == nil {
		time.Sleep(5 * time.Millisecond)
	}
	before := source.stats(key, a)
	unlocksBefore := unlocks.Load()
	var out bytes.Buffer
	if err := run(ctx, []string{"backup", "-data-dir", src, archive}, noEnv, &out, io.Discard); err != nil {
		t.Fatalf("backup: %v", err)
	}
	unlocksAfter := unlocks.Load()
	after := source.stats(key, a)
	close(stop)
	load.Wait()
	if err := loadErr.Load(); err != nil {
		t.Fatalf("load: %v", *err)
	}
	if unlocksAfter == unlocksBefore {
		t.Fatalf("no unlock completed while the backup ran (%d before and after): not a backup under load", unlocksBefore)
	}
	t.Logf("backup: %s; %d unlocks of A while it ran", strings.TrimSpace(out.String()), unlocksAfter-unlocksBefore)
	want := map[int64]map[string]any{b: source.stats(key, b), c: source.stats(key, c)}
	wantKey, err := os.ReadFile(filepath.Join(src, "body.key"))
	if err != nil {
		t.Fatal(err)
	}
	source.stop()

	if err := run(ctx, []string{"restore", "-data-dir", dst, archive}, noEnv, io.Discard, io.Discard); err != nil {
		t.Fatalf("restore: %v", err)
	}
	if got, err := os.ReadFile(filepath.Join(dst, "body.key")); err != nil || !bytes.Equal(got, wantKey) {
		t.Errorf("restored body key %x, %v; want the source's", got, err)
	}
	views, links := countRows(t, filepath.Join(dst, "sillage.db"), a)
	if lo, hi := before["views"].(float64), after["views"].(float64); float64(views) < lo || float64(views) > hi {
		t.Errorf("the backup holds %d views of A, want between %v (before it) and %v (after it)", views, lo, hi)
	}

	restored := startBackupServer(t, dst)
	defer restored.stop()
	for id, w := range want {
		if got := restored.stats(key, id); !reflect.DeepEqual(got, w) {
			t.Errorf("campaign %d: restored figures differ from the source's:\n got %v\nwant %v", id, got, w)
		}
	}
	gotA := restored.stats(key, a)
	if gotA["views"] != float64(views) || gotA["links"] != float64(links) {
		t.Errorf("campaign A restored: %v views and %v links; its rows in the backup: %d and %d", gotA["views"], gotA["links"], views, links)
	}

	// The restored server mints, unlocks and serves every file.
	for _, id := range ids {
		link := restored.mint(key, id, 1)[0]
		p := newBackupPhone(t)
		p.unlock(link)
		if got := p.get(link + "/media"); !bytes.Equal(got, media[id]) {
			t.Errorf("campaign %d: restored media is %d bytes, want the %d uploaded", id, len(got), len(media[id]))
		}
		if images[id] != nil {
			if got := p.get(link + "/image"); !bytes.Equal(got, images[id]) {
				t.Errorf("campaign %d: restored teaser image is %d bytes, want the %d uploaded", id, len(got), len(images[id]))
			}
		}
	}
}

func noEnv(string) string { return "" }

// backupAPIKey creates an API key in the data directory dir.
func backupAPIKey(t *testing.T, dir string) string {
	t.Helper()
	var out bytes.Buffer
	if err := run(context.Background(), append([]string{"apikey", "create", "--name", "ci", "-create"}, dataFlags(dir)...), noEnv, &out, io.Discard); err != nil {
		t.Fatal(err)
	}
	return strings.TrimSpace(out.String())
}

// backupServer is a server run by run, as "sillage serve" on port 0.
type backupServer struct {
	t    *testing.T
	addr string
	stop func()
}

// startBackupServer serves dir, with no limit on unlocks from one address:
// every phone of the test is on 127.0.0.1.
func startBackupServer(t *testing.T, dir string) *backupServer {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"serve", "-addr", "127.0.0.1:0", "-data-dir", dir,
			"-unlock-limit", "0", "-lookup-limit", "0", "-preview-limit", "0"}, noEnv, pw, io.Discard)
		pw.Close()
	}()
	addr := waitForAddr(t, pr)
	go io.Copy(io.Discard, pr)
	var once sync.Once
	stop := func() {
		once.Do(func() {
			cancel()
			if err := <-done; err != nil {
				t.Errorf("serve %s: %v", dir, err)
			}
		})
	}
	t.Cleanup(stop)
	return &backupServer{t: t, addr: addr, stop: stop}
}

func (s *backupServer) api(key, method, path, ct string, body []byte, want int) []byte {
	s.t.Helper()
	req, _ := http.NewRequest(method, s.addr+path, bytes.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+key)
	req.Header.Set("Content-Type", ct)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		s.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if res.StatusCode != want {
		s.t.Fatalf("%s %s: %d %s, want %d", method, path, res.StatusCode, b, want)
	}
	return b
}

func (s *backupServer) createCampaign(key, title string) int64 {
	s.t.Helper()
	body := fmt.Sprintf(`{"title":%q,"rules":{"max_claims_per_network":0,"forwards_per_claim":100}}`, title)
	var c struct{ ID int64 }
	if err := json.Unmarshal(s.api(key, "POST", "/api/v1/campaigns", "application/json", []byte(body), http.StatusCreated), &c); err != nil {
		s.t.Fatal(err)
	}
	return c.ID
}

func (s *backupServer) mint(key string, id int64, n int) []string {
	s.t.Helper()
	var out struct{ Links []struct{ URL string } }
	b := s.api(key, "POST", fmt.Sprintf("/api/v1/campaigns/%d/links", id), "application/json", fmt.Appendf(nil, `{"count":%d}`, n), http.StatusCreated)
	if err := json.Unmarshal(b, &out); err != nil {
		s.t.Fatal(err)
	}
	urls := make([]string, len(out.Links))
	for i, l := range out.Links {
		urls[i] = l.URL
	}
	return urls
}

// stats returns campaign id's figures, without the forecast, which
// depends on when it is asked.
func (s *backupServer) stats(key string, id int64) map[string]any {
	s.t.Helper()
	var f map[string]any
	if err := json.Unmarshal(s.api(key, "GET", fmt.Sprintf("/api/v1/campaigns/%d/stats", id), "", nil, http.StatusOK), &f); err != nil {
		s.t.Fatal(err)
	}
	delete(f, "forecast")
	return f
}

// countRows counts campaign id's claims and links in the database file at
// path, by SQL alone.
func countRows(t *testing.T, path string, id int64) (claims, links int) {
	t.Helper()
	db, err := storage.OpenReadOnly(path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	err = db.QueryRow(`SELECT (SELECT COUNT(*) FROM claims WHERE campaign_id = $1),
		(SELECT COUNT(*) FROM links WHERE campaign_id = $1)`, id).Scan(&claims, &links)
	if err != nil {
		t.Fatal(err)
	}
	return claims, links
}

// backupPhone is a phone's browser: its own cookies, a phone's agent.
type backupPhone struct {
	t *testing.T
	c *http.Client
}

func newBackupPhone(t *testing.T) *backupPhone {
	jar, _ := cookiejar.New(nil)
	return &backupPhone{t: t, c: &http.Client{Jar: jar, Timeout: time.Minute}}
}

func (p *backupPhone) do(method, u, form string) (*http.Response, []byte, error) {
	req, _ := http.NewRequest(method, u, strings.NewReader(form))
	req.Header.Set("User-Agent", "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/125.0.6422.165 Mobile Safari/537.36")
	if method == "POST" {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Accept", "application/json")
	}
	res, err := p.c.Do(req)
	if err != nil {
		return nil, nil, err
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	return res, b, err
}

func (p *backupPhone) tryUnlock(link string) error {
	res, b, err := p.do("POST", link+"/unlock", "")
	if err != nil {
		return err
	}
	if res.StatusCode != http.StatusOK || !bytes.Contains(b, []byte(`/media"`)) {
		return fmt.Errorf("unlock %s: %d %.200s", link, res.StatusCode, b)
	}
	return nil
}

func (p *backupPhone) tryForward(link string) (string, error) {
	res, b, err := p.do("POST", link+"/forward", url.Values{"channel": {"whatsapp"}}.Encode())
	if err != nil {
		return "", err
	}
	var out struct{ URL string }
	if res.StatusCode != http.StatusCreated || json.Unmarshal(b, &out) != nil || out.URL == "" {
		return "", fmt.Errorf("forward %s: %d %.200s", link, res.StatusCode, b)
	}
	return out.URL, nil
}

func (p *backupPhone) unlock(link string) {
	p.t.Helper()
	if err := p.tryUnlock(link); err != nil {
		p.t.Fatal(err)
	}
}

func (p *backupPhone) forward(link string) string {
	p.t.Helper()
	u, err := p.tryForward(link)
	if err != nil {
		p.t.Fatal(err)
	}
	return u
}

func (p *backupPhone) get(u string) []byte {
	p.t.Helper()
	res, b, err := p.do("GET", u, "")
	if err != nil {
		p.t.Fatal(err)
	}
	if res.StatusCode != http.StatusOK {
		p.t.Fatalf("GET %s: %d", u, res.StatusCode)
	}
	return b
}

// -erasure-checkpoint (SILLAGE_ERASURE_CHECKPOINT) reaches the database
// of every command: passive beside Litestream, truncate by default.
func TestErasureCheckpointSetting(t *testing.T) {
	for _, tc := range []struct {
		name string
		args []string
		env  map[string]string
		want storage.CheckpointMode
		bad  bool
	}{
		{name: "Default", want: storage.CheckpointTruncate},
		{name: "Env", env: map[string]string{"SILLAGE_ERASURE_CHECKPOINT": "passive"}, want: storage.CheckpointPassive},
		{name: "Flag", args: []string{"-erasure-checkpoint", "passive"}, want: storage.CheckpointPassive},
		{name: "Unknown", args: []string{"-erasure-checkpoint", "full"}, bad: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			args := append([]string{"-data-dir", t.TempDir()}, tc.args...)
			cfg, _, err := parseConfig(serveSpec, args, func(k string) string { return tc.env[k] }, io.Discard, io.Discard)
			if tc.bad {
				if err == nil {
					t.Fatalf("parseConfig(%q) succeeded", tc.args)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if cfg.Checkpoint != tc.want {
				t.Errorf("checkpoint mode %v, want %v", cfg.Checkpoint, tc.want)
			}
		})
	}
}
