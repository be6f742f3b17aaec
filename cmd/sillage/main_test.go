package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// run end to end: an API key from the CLI, then the server on port 0 in a
// temporary directory, a campaign through the API, and a clean shutdown.
func TestRunServeEndToEnd(t *testing.T) {
	dir := t.TempDir()
	env := map[string]string{"SILLAGE_DATA_DIR": dir}
	getenv := func(k string) string { return env[k] }
	ctx := context.Background()

	var out, errOut bytes.Buffer
	if err := run(ctx, []string{"apikey", "create", "--name", "ci"}, getenv, &out, &errOut); err != nil {
		t.Fatalf("apikey create: %v\n%s", err, errOut.String())
	}
	key := strings.TrimSpace(out.String())
	if !strings.HasPrefix(key, "sil_") {
		t.Fatalf("apikey create printed %q", key)
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
	if _, err := filepath.Glob(filepath.Join(dir, "sillage.db")); err != nil {
		t.Fatal(err)
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
	for name, args := range map[string][]string{
		"NoCommand":      {},
		"Unknown":        {"launch"},
		"BadBaseURL":     {"serve", "-base-url", "ftp://x"},
		"BadUpload":      {"serve", "-max-upload-mb", "-3"},
		"BadLimit":       {"serve", "-unlock-limit", "lots"},
		"BadWindow":      {"serve", "-limit-window", "10ms"},
		"BadTrust":       {"serve", "-trust-proxy", "maybe"},
		"KeyWithoutName": {"apikey", "create", "-data-dir", t.TempDir()},
		"PublicPprof":    {"serve", "-addr", "127.0.0.1:0", "-data-dir", t.TempDir(), "-debug-addr", "0.0.0.0:6060"},
	} {
		t.Run(name, func(t *testing.T) {
			if err := run(context.Background(), args, getenv, io.Discard, io.Discard); err == nil {
				t.Errorf("run(%q) succeeded", args)
			}
		})
	}
}
