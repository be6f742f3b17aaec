package main

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"strings"
	"testing"
	"time"

	"github.com/sillage/sillage/campaign"
	"github.com/sillage/sillage/gating"
	"github.com/sillage/sillage/gating/gatingtest"
	"github.com/sillage/sillage/migrations/storage"
)

// With -max-conns 2, two connections that send nothing hold the server's
// two places: a third one's /healthz waits in the kernel's queue, and is
// answered as soon as one of the two closes.
func TestMaxConns(t *testing.T) {
	dir := newDataDir(t)
	getenv := func(k string) string { return dataEnv(dir)[k] }
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"serve", "-addr", "127.0.0.1:0", "-max-conns", "2"}, getenv, pw, io.Discard)
		pw.Close()
	}()
	defer func() {
		cancel()
		<-done
	}()
	addr := strings.TrimPrefix(waitForAddr(t, pr), "http://")
	go io.Copy(io.Discard, pr)

	dial := func() net.Conn {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { c.Close() })
		return c
	}
	// A request answered on each shows both were accepted; they then stay
	// open, idle, as slow clients would.
	var held []net.Conn
	for range 2 {
		c := dial()
		health(t, c)
		held = append(held, c)
	}

	third := dial()
	answered := make(chan error, 1)
	go func() { answered <- healthErr(third) }()
	select {
	case err := <-answered:
		t.Fatalf("a third connection was served past the cap of 2 (err %v)", err)
	case <-time.After(500 * time.Millisecond):
	}
	held[0].Close()
	select {
	case err := <-answered:
		if err != nil {
			t.Fatalf("healthz once a place was free: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("healthz not answered 10 s after a place was freed")
	}
}

// health asks /healthz on conn and fails the test unless it answers ok.
func health(t *testing.T, conn net.Conn) {
	t.Helper()
	if err := healthErr(conn); err != nil {
		t.Fatal(err)
	}
}

func healthErr(conn net.Conn) error {
	if _, err := io.WriteString(conn, "GET /healthz HTTP/1.1\r\nHost: sillage.test\r\n\r\n"); err != nil {
		return err
	}
	res, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return &statusError{res.StatusCode}
	}
	return nil
}

type statusError struct{ code int }

func (e *statusError) Error() string { return http.StatusText(e.code) }

// The default cap is 4096, or what the open-file limit leaves room for.
func TestDefaultMaxConns(t *testing.T) {
	for _, c := range []struct {
		nofile uint64
		want   int
	}{
		{0, 4096},       // unknown
		{1 << 20, 4096}, // a raised hard limit
		{4352, 4096},
		{1024, 768}, // the usual soft limit
		{300, 150},
	} {
		if got := defaultMaxConns(c.nofile); got != c.want {
			t.Errorf("defaultMaxConns(%d) = %d, want %d", c.nofile, got, c.want)
		}
	}
}

// A shutdown that a slow download outlasts cuts it after
// -shutdown-timeout and still saves the trees: one phone that stopped
// reading must not cost the next start its snapshots.
func TestShutdownSavesTreesPastSlowDownload(t *testing.T) {
	ctx := context.Background()
	dir := newDataDir(t)
	getenv := func(k string) string { return dataEnv(dir)[k] }
	var out bytes.Buffer
	if err := run(ctx, []string{"apikey", "create", "--name", "ci", "-create"}, getenv, &out, io.Discard); err != nil {
		t.Fatal(err)
	}
	key := strings.TrimSpace(out.String())

	// A live campaign with a 32 MB video and a tree big enough to be
	// snapshotted.
	dbPath := storeOf(dir)
	db, err := storage.Open(ctx, dbPath)
	if err != nil {
		t.Fatal(err)
	}
	campaigns, gate := campaign.NewStore(db, dir, time.Now), gating.NewStore(db, time.Now)
	c := &campaign.Campaign{Title: "Clip", Language: "en", Rules: campaign.DefaultRules()}
	video := append([]byte("\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom"), make([]byte, 32<<20)...)
	if err := campaigns.Create(ctx, c); err != nil {
		t.Fatal(err)
	}
	if _, err := campaigns.PutFile(ctx, c.ID, "video/mp4", "clip.mp4", bytes.NewReader(video), 64<<20); err != nil {
		t.Fatal(err)
	}
	if _, err := campaigns.SetStatus(ctx, c.ID, campaign.Live); err != nil {
		t.Fatal(err)
	}
	seeds, err := gate.MintSeeds(ctx, c.ID, gating.SeedSpec{Count: 1, Channel: gating.Plain})
	if err != nil {
		t.Fatal(err)
	}
	if err := gatingtest.Synthesize(ctx, db, c.ID, 10_000, 1, time.Now().Add(-time.Hour)); err != nil {
		t.Fatal(err)
	}
	db.Close()

	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"serve", "-addr", "127.0.0.1:0", "-shutdown-timeout", "300ms"}, getenv, pw, io.Discard)
		pw.Close()
	}()
	addr := waitForAddr(t, pr)
	go io.Copy(io.Discard, pr)

	get := func(client *http.Client, path string, header ...string) *http.Response {
		req, _ := http.NewRequest("GET", addr+path, nil)
		for i := 0; i+1 < len(header); i += 2 {
			req.Header.Set(header[i], header[i+1])
		}
		res, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	// The figures bring the tree into memory.
	res := get(http.DefaultClient, "/api/v1/campaigns/1/stats", "Authorization", "Bearer "+key)
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Fatalf("stats: %d", res.StatusCode)
	}
	jar, _ := cookiejar.New(nil)
	phone := &http.Client{Jar: jar}
	req, _ := http.NewRequest("POST", addr+"/s/"+seeds[0].Token+"/unlock", nil)
	req.Header.Set("User-Agent", "Mozilla/5.0 (iPhone; CPU iPhone OS 18_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.5 Mobile/15E148 Safari/604.1")
	if res, err := phone.Do(req); err != nil || res.StatusCode != http.StatusOK {
		t.Fatalf("unlock: %v %v", res, err)
	} else {
		res.Body.Close()
	}
	media := get(phone, "/s/"+seeds[0].Token+"/media", "User-Agent", req.Header.Get("User-Agent"))
	defer media.Body.Close()
	if _, err := io.ReadFull(media.Body, make([]byte, 64<<10)); err != nil {
		t.Fatal(err)
	}
	// The phone reads no more.
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("serve: %v", err)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("serve did not stop 20 s after its context was cancelled")
	}
	db, err = storage.Open(context.Background(), dbPath)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var n int
	if err := db.Read.QueryRow(`SELECT COUNT(*) FROM tree_snapshots WHERE campaign_id = $1`, c.ID).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 1 {
		t.Errorf("%d snapshots of the campaign's tree after the shutdown, want 1", n)
	}
}
