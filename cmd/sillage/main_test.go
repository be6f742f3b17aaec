package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/cookiejar"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/sillage/sillage/campaign/mediatest"
)

// run end to end: an API key from the CLI, then the server on port 0 in a
// temporary directory, a campaign through the API, and a clean shutdown.
func TestRunServeEndToEnd(t *testing.T) {
	dir := newDataDir(t)
	env := dataEnv(dir)
	getenv := func(k string) string { return env[k] }
	ctx := context.Background()

	var out, errOut bytes.Buffer
	if err := run(ctx, []string{"apikey", "create", "--name", "ci", "-create"}, getenv, &out, &errOut); err != nil {
		t.Fatalf("apikey create: %v\n%s", err, errOut.String())
	}
	key := strings.TrimSpace(out.String())
	if !strings.HasPrefix(key, "sil_") {
		t.Fatalf("apikey create printed %q", key)
	}

	// An upload cut short by a crash of the previous run, a day ago: a
	// younger one is kept (campaign.SweepGrace).
	partial := filepath.Join(dir, "content", ".upload-1234")
	if err := os.MkdirAll(filepath.Dir(partial), 0o750); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(partial, make([]byte, 1<<20), 0o640); err != nil {
		t.Fatal(err)
	}
	dayAgo := time.Now().Add(-25 * time.Hour)
	if err := os.Chtimes(partial, dayAgo, dayAgo); err != nil {
		t.Fatal(err)
	}

	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"serve", "-addr", "127.0.0.1:0"}, getenv, pw, io.Discard)
		pw.Close()
	}()
	addr := waitForAddr(t, pr)
	go io.Copy(io.Discard, pr)
	if _, err := os.Stat(partial); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the partial upload is still there once serving: %v", err)
	}

	req, _ := http.NewRequest("POST", addr+"/api/v1/campaigns", strings.NewReader(`{"title":"First"}`))
	req.Header.Set("Authorization", "Bearer "+key)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var c struct{ ID int64 }
	json.NewDecoder(res.Body).Decode(&c)
	res.Body.Close()
	if res.StatusCode != http.StatusCreated || c.ID == 0 {
		t.Fatalf("create campaign: %d %+v", res.StatusCode, c)
	}
	// The store is where the environment put it: the folder's sillage.db
	// on SQLite, and no such file beside a PostgreSQL store.
	_, onPostgres := testStores.Load(dir)
	if _, err := os.Stat(filepath.Join(dir, "sillage.db")); (err == nil) == onPostgres {
		t.Errorf("sillage.db in the data folder: %v, with the store on PostgreSQL %v", err, onPostgres)
	}
	// serve wires the readiness check to the database.
	res, err = http.Get(addr + "/readyz")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Errorf("/readyz: %d, want 200", res.StatusCode)
	}

	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("serve returned %v after shutdown", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("serve did not stop after its context was cancelled")
	}
}

// A shutdown lets a download in flight finish: a phone watching the clip
// when the server is told to stop still gets every byte.
func TestShutdownFinishesInFlightRequests(t *testing.T) {
	dir := newDataDir(t)
	getenv := func(k string) string { return dataEnv(dir)[k] }
	var out bytes.Buffer
	if err := run(context.Background(), []string{"apikey", "create", "--name", "ci", "-create"}, getenv, &out, io.Discard); err != nil {
		t.Fatal(err)
	}
	key := strings.TrimSpace(out.String())
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"serve", "-addr", "127.0.0.1:0"}, getenv, pw, io.Discard)
		pw.Close()
	}()
	addr := waitForAddr(t, pr)
	go io.Copy(io.Discard, pr)

	api := func(method, path, ct string, body io.Reader) []byte {
		req, _ := http.NewRequest(method, addr+path, body)
		req.Header.Set("Authorization", "Bearer "+key)
		req.Header.Set("Content-Type", ct)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		if res.StatusCode >= 300 {
			t.Fatalf("%s %s: %d %s", method, path, res.StatusCode, b)
		}
		return b
	}
	api("POST", "/api/v1/campaigns", "application/json", strings.NewReader(`{"title":"Clip"}`))
	video := mediatest.MP4(bytes.Repeat([]byte("0123456789abcdef"), 2<<20)) // 32 MiB: more than socket buffers hold
	api("PUT", "/api/v1/campaigns/1/content", "video/mp4", bytes.NewReader(video))
	api("POST", "/api/v1/campaigns/1/status", "application/json", strings.NewReader(`{"status":"live"}`))
	var links struct{ Links []struct{ URL string } }
	json.Unmarshal(api("POST", "/api/v1/campaigns/1/links", "application/json", strings.NewReader(`{"count":1}`)), &links)
	link := links.Links[0].URL
	if !strings.HasPrefix(link, addr+"/s/") {
		t.Fatalf("link %q does not start with the address the server listens on, %s", link, addr)
	}

	jar, _ := cookiejar.New(nil)
	phone := &http.Client{Jar: jar}
	req, _ := http.NewRequest("POST", link+"/unlock", nil)
	req.Header.Set("User-Agent", "Mozilla/5.0 (iPhone; CPU iPhone OS 18_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.5 Mobile/15E148 Safari/604.1")
	if res, err := phone.Do(req); err != nil || res.StatusCode != http.StatusOK {
		t.Fatalf("unlock: %v %v", res, err)
	} else {
		res.Body.Close()
	}
	req, _ = http.NewRequest("GET", link+"/media", nil)
	req.Header.Set("User-Agent", "Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/138.0.0.0 Mobile Safari/537.36")
	res, err := phone.Do(req)
	if err != nil || res.StatusCode != http.StatusOK {
		t.Fatalf("media: %v %v", res, err)
	}
	first := make([]byte, 64<<10)
	if _, err := io.ReadFull(res.Body, first); err != nil {
		t.Fatal(err)
	}
	cancel() // SIGTERM, as main turns it into a cancelled context
	time.Sleep(200 * time.Millisecond)
	rest, err := io.ReadAll(res.Body)
	if err != nil || len(first)+len(rest) != len(video) {
		t.Fatalf("download cut by the shutdown: %d of %d bytes, %v", len(first)+len(rest), len(video), err)
	}
	if err := <-done; err != nil {
		t.Fatalf("serve: %v", err)
	}
}

func waitForAddr(t *testing.T, r io.Reader) string {
	t.Helper()
	re := regexp.MustCompile(`addr=(http://[0-9.:]+)`)
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		if m := re.FindStringSubmatch(sc.Text()); m != nil {
			return m[1]
		}
	}
	t.Fatal("server never said where it listens")
	return ""
}

func TestRunRejectsBadInput(t *testing.T) {
	getenv := func(string) string { return "" }
	// want is a part of the error each input must give: any other error
	// (a flag parsed wrongly, a store that failed to open) is a failure.
	for name, tc := range map[string]struct {
		args []string
		want string
	}{
		"NoCommand":         {[]string{}, "no command given"},
		"Unknown":           {[]string{"launch"}, `unknown command "launch"`},
		"BadBaseURL":        {[]string{"serve", "-base-url", "ftp://x"}, `base URL "ftp://x"`},
		"BadUpload":         {[]string{"serve", "-max-upload-mb", "-3"}, `max upload "-3"`},
		"BadLimit":          {[]string{"serve", "-unlock-limit", "lots"}, `unlock limit "lots"`},
		"BadWindow":         {[]string{"serve", "-limit-window", "10ms"}, `limit window "10ms"`},
		"BadTrust":          {[]string{"serve", "-trust-proxy=maybe"}, `invalid boolean value "maybe" for -trust-proxy`},
		"TrustArgument":     {[]string{"serve", "-addr", "127.0.0.1:0", "-data-dir", t.TempDir(), "-trust-proxy", "false"}, `serve takes no arguments, got ["false"]`},
		"BadIPHeader":       {[]string{"serve", "-client-ip-header", "X Real IP"}, `client IP header "X Real IP"`},
		"BadProxies":        {[]string{"serve", "-client-ip-header", "X-Real-IP", "-trusted-proxies", "10.0.0.0/8,proxy"}, `trusted proxy "proxy"`},
		"NoProxies":         {[]string{"serve", "-client-ip-header", "X-Real-IP", "-trusted-proxies", ""}, "-trusted-proxies is empty"},
		"BadPreviews":       {[]string{"serve", "-preview-limit", "-1"}, `preview limit "-1"`},
		"BadMemory":         {[]string{"serve", "-memory-limit-mb", "-1"}, `memory limit "-1"`},
		"BadMaxConns":       {[]string{"serve", "-max-conns", "0"}, `max conns "0"`},
		"BadStopWait":       {[]string{"serve", "-shutdown-timeout", "0"}, `shutdown timeout "0"`},
		"NegativeRetention": {[]string{"serve", "-retention", "-5h"}, `retention "-5h"`},
		"RetentionNoUnit":   {[]string{"serve", "-retention", "90"}, `retention "90"`},
		"KeyWithoutName":    {[]string{"apikey", "create", "-data-dir", t.TempDir()}, "usage: sillage apikey create --name NAME"},
		"PublicPprof":       {[]string{"serve", "-addr", "127.0.0.1:0", "-data-dir", t.TempDir(), "-debug-addr", "0.0.0.0:6060"}, `debug address "0.0.0.0:6060": must be a loopback`},
	} {
		t.Run(name, func(t *testing.T) {
			err := run(context.Background(), tc.args, getenv, io.Discard, io.Discard)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("run(%q) = %v, want an error with %q", tc.args, err, tc.want)
			}
		})
	}
}
