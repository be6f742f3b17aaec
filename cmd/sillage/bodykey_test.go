package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/sillage/sillage/notify"
)

// startServe runs "sillage serve" on dir and port 0 with env, and returns
// once it listens, with a function that stops it; or with the error serve
// returned before it listened.
func startServe(t *testing.T, dir string, env map[string]string) (stop func(), err error) {
	t.Helper()
	_, stop, err = startServeAt(t, dir, env)
	return stop, err
}

// startServeAt is startServe with more flags, and the address the
// server listens on.
func startServeAt(t *testing.T, dir string, env map[string]string, flags ...string) (addr string, stop func(), err error) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, append(append([]string{"serve", "-addr", "127.0.0.1:0"}, serveFlags(dir)...), flags...),
			func(k string) string { return env[k] }, pw, io.Discard)
		pw.Close()
	}()
	listening := make(chan string, 1)
	go func() {
		re := regexp.MustCompile(`addr=(http://[0-9.:]+)`)
		sc := bufio.NewScanner(pr)
		found := false
		for sc.Scan() {
			if m := re.FindStringSubmatch(sc.Text()); !found && m != nil {
				found = true
				listening <- m[1]
			}
		}
		if !found {
			listening <- ""
		}
	}()
	select {
	case err := <-done:
		cancel()
		if err == nil {
			t.Fatal("serve returned nil before listening")
		}
		return "", nil, err
	case addr = <-listening:
		if addr == "" {
			cancel()
			return "", nil, <-done
		}
	case <-time.After(30 * time.Second):
		cancel()
		t.Fatal("serve neither listened nor failed")
	}
	return addr, func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("serve: %v", err)
		}
	}, nil
}

// Every instance given one SILLAGE_BODY_KEY (or the same key in the file
// SILLAGE_BODY_KEY_FILE names) reads what the others sealed; an instance
// started with another key, or with none while sealed messages exist,
// refuses to start and says why, and makes no key file.
func TestBodyKeySetting(t *testing.T) {
	ctx := context.Background()
	dir := liveCampaign(t)
	key := bytes.Repeat([]byte{3}, notify.BodyKeySize)
	inEnv := map[string]string{"SILLAGE_BODY_KEY": base64.StdEncoding.EncodeToString(key)}
	keyFile := filepath.Join(t.TempDir(), "sillage-body-key")
	if err := os.WriteFile(keyFile, []byte(hex.EncodeToString(key)+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	inFile := map[string]string{"SILLAGE_BODY_KEY_FILE": keyFile}
	other := map[string]string{"SILLAGE_BODY_KEY": base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{4}, notify.BodyKeySize))}
	cli := func(env map[string]string, args ...string) (string, error) {
		var out bytes.Buffer
		err := run(ctx, append(args, dataFlags(dir)...), func(k string) string { return env[k] }, &out, io.Discard)
		return out.String(), err
	}
	file := filepath.Join(dir, "contacts.csv")
	os.WriteFile(file, []byte("name,email\nZoé,zoe@example.com\nLéo,leo@example.com\n"), 0o600)
	if out, err := cli(inEnv, "contacts", "import", "1", file); err != nil {
		t.Fatalf("import: %v\n%s", err, out)
	}
	if out, err := cli(inEnv, "send", "1", "-base-url", "http://localhost:8080"); err != nil || !strings.HasPrefix(out, "queued 2 messages") {
		t.Fatalf("send: %v\n%s", err, out)
	}
	if _, err := os.Stat(filepath.Join(dir, "body.key")); err == nil {
		t.Error("body.key was made although SILLAGE_BODY_KEY is set")
	}
	// The same key from a file opens the bodies.
	out, err := cli(inFile, "outbox", "--campaign", "1")
	if links := regexp.MustCompile(`http://localhost:8080/s/[A-Za-z0-9_-]+`).FindAllString(out, -1); err != nil || len(links) != 2 {
		t.Fatalf("outbox with the key file: %v, links %q\n%s", err, links, out)
	}

	t.Run("SameKeyServes", func(t *testing.T) {
		stop, err := startServe(t, dir, inFile)
		if err != nil {
			t.Fatal(err)
		}
		stop()
	})
	t.Run("OtherKeyRefused", func(t *testing.T) {
		stop, err := startServe(t, dir, other)
		if err == nil {
			stop()
			t.Fatal("serve started with another body key")
		}
		if !errors.Is(err, notify.ErrBodyKeyMismatch) || !strings.Contains(err.Error(), "SILLAGE_BODY_KEY") {
			t.Errorf("serve: %v, want the mismatch and what to set", err)
		}
		if _, err := cli(other, "outbox"); !errors.Is(err, notify.ErrBodyKeyMismatch) {
			t.Errorf("outbox with another key: %v, want the mismatch", err)
		}
	})
	t.Run("MissingKeyFileRefused", func(t *testing.T) {
		stop, err := startServe(t, dir, nil)
		if err == nil {
			stop()
			t.Fatal("serve started without the body key, making a new one")
		}
		if !errors.Is(err, notify.ErrBodyKeyMismatch) || !strings.Contains(err.Error(), "body.key is missing") {
			t.Errorf("serve: %v, want body.key named missing", err)
		}
		if _, err := os.Stat(filepath.Join(dir, "body.key")); err == nil {
			t.Error("a new body.key was made")
		}
	})
	t.Run("BadSettings", func(t *testing.T) {
		for name, env := range map[string]map[string]string{
			"Both":        {"SILLAGE_BODY_KEY": inEnv["SILLAGE_BODY_KEY"], "SILLAGE_BODY_KEY_FILE": keyFile},
			"Short":       {"SILLAGE_BODY_KEY": "c2hvcnQ="},
			"MissingFile": {"SILLAGE_BODY_KEY_FILE": filepath.Join(dir, "nothing-here")},
		} {
			_, err := startServe(t, dir, env)
			if err == nil {
				t.Fatalf("%s: serve started", name)
			}
			if strings.Contains(err.Error(), "c2hvcnQ") {
				t.Errorf("%s: the error %q shows the secret", name, err)
			}
		}
		if _, err := os.Stat(filepath.Join(dir, "nothing-here")); err == nil {
			t.Error("a missing key file was made")
		}
	})
}

// Without a setting, DATA_DIR/body.key is made on first use and used, as
// before; its key is the one the database records, so giving that key as
// SILLAGE_BODY_KEY to a second instance works.
func TestBodyKeyFileDefault(t *testing.T) {
	dir := newDataDir(t)
	stop, err := startServe(t, dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	stop()
	key, err := os.ReadFile(filepath.Join(dir, "body.key"))
	if err != nil || len(key) != notify.BodyKeySize {
		t.Fatalf("body.key: %d bytes, %v; want a new key", len(key), err)
	}
	if stop, err = startServe(t, dir, nil); err != nil {
		t.Fatalf("second start on body.key: %v", err)
	}
	stop()
	if stop, err = startServe(t, dir, map[string]string{"SILLAGE_BODY_KEY": base64.StdEncoding.EncodeToString(key)}); err != nil {
		t.Fatalf("body.key's key as SILLAGE_BODY_KEY: %v", err)
	}
	stop()
	os.Remove(filepath.Join(dir, "body.key"))
	if _, err := startServe(t, dir, nil); !errors.Is(err, notify.ErrBodyKeyMismatch) {
		t.Errorf("body.key removed after use: %v, want the mismatch", err)
	}
}

// Two "sillage serve" on one database, behind a proxy naming the client
// in X-Real-IP, hash one network alike: its views through both count
// against one cap of 10.
func TestNetworkCapAcrossServes(t *testing.T) {
	dir := liveCampaign(t)
	key := backupAPIKey(t, dir)
	env := map[string]string{"SILLAGE_BODY_KEY": base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{3}, notify.BodyKeySize))}
	var addrs []string
	for range 2 {
		addr, stop, err := startServeAt(t, dir, env, "-client-ip-header", "X-Real-IP", "-unlock-limit", "0")
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(stop)
		addrs = append(addrs, addr)
	}
	req, _ := http.NewRequest("POST", addrs[0]+"/api/v1/campaigns/1/links", strings.NewReader(`{"count":1,"seats":25}`))
	req.Header.Set("Authorization", "Bearer "+key)
	req.Header.Set("Content-Type", "application/json")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var minted struct{ Links []struct{ URL string } }
	json.NewDecoder(res.Body).Decode(&minted)
	res.Body.Close()
	if res.StatusCode != http.StatusCreated || len(minted.Links) != 1 {
		t.Fatalf("mint: %d %+v", res.StatusCode, minted)
	}
	token := minted.Links[0].URL[strings.LastIndex(minted.Links[0].URL, "/s/"):]
	views := make([]int, 2)
	for i := range 24 {
		// A new phone each time, on one network.
		req, _ := http.NewRequest("POST", addrs[i%2]+token+"/unlock", strings.NewReader(""))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("User-Agent", "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/125.0.6422.165 Mobile Safari/537.36")
		req.Header.Set("X-Real-IP", "198.51.100.7")
		res, err := http.DefaultTransport.RoundTrip(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		switch res.StatusCode {
		case http.StatusSeeOther:
			views[i%2]++
		case http.StatusTooManyRequests:
		default:
			t.Fatalf("unlock %d: %d", i, res.StatusCode)
		}
	}
	if got, want := views[0]+views[1], 10; got != want || views[0] == 0 || views[1] == 0 {
		t.Errorf("one network got %d views through A and %d through B, %d in all; want %d in all", views[0], views[1], got, want)
	}
}
