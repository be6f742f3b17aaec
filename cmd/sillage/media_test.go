package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sillage/sillage/campaign"
	"github.com/sillage/sillage/campaign/mediatest"
)

// serve on PostgreSQL without a bucket is refused, saying why, unless
// -local-media says the data directory is enough: instances that do
// not all see one folder would not share its files. The refusal comes before any connection,
// so an address nothing listens on shows it.
func TestServeRefusesPostgresWithoutS3(t *testing.T) {
	const nowhere = "postgres://sillage@127.0.0.1:1/sillage?connect_timeout=2"
	serveWith := func(env map[string]string, flags ...string) error {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		args := append([]string{"serve", "-addr", "127.0.0.1:0", "-data-dir", t.TempDir(), "-db", nowhere}, flags...)
		return run(ctx, args, func(k string) string { return env[k] }, io.Discard, io.Discard)
	}
	err := serveWith(nil)
	if err == nil || !strings.Contains(err.Error(), "-local-media") || !strings.Contains(err.Error(), "SILLAGE_S3_ENDPOINT") {
		t.Fatalf("serve on PostgreSQL without S3 = %v, want the refusal naming SILLAGE_S3_ENDPOINT and -local-media", err)
	}
	// Past the refusal, the unreachable server is what fails.
	for name, try := range map[string]func() error{
		"LocalMedia": func() error { return serveWith(nil, "-local-media") },
		"S3": func() error {
			return serveWith(map[string]string{"SILLAGE_S3_ENDPOINT": "http://127.0.0.1:1", "SILLAGE_S3_BUCKET": "media"})
		},
	} {
		t.Run(name, func(t *testing.T) {
			if err := try(); err == nil || strings.Contains(err.Error(), "-local-media") {
				t.Errorf("serve = %v, want past the refusal (a connection error)", err)
			}
		})
	}
}

// With SILLAGE_S3_* set, serve keeps uploads in the bucket, not in the
// data directory.
func TestServeMediaInBucket(t *testing.T) {
	s3 := mediatest.S3HTTP(t)
	dir := newDataDir(t)
	env := dataEnv(dir)
	for k, v := range map[string]string{"SILLAGE_S3_ENDPOINT": s3.Endpoint, "SILLAGE_S3_BUCKET": s3.Bucket,
		"SILLAGE_S3_PREFIX": s3.Prefix, "SILLAGE_S3_REGION": s3.Region, "SILLAGE_S3_ACCESS_KEY": s3.AccessKey,
		"SILLAGE_S3_SECRET_KEY": s3.SecretKey, "SILLAGE_S3_PATH_STYLE": "true", "SILLAGE_S3_INSECURE": "true"} {
		env[k] = v
	}
	delete(env, "SILLAGE_LOCAL_MEDIA") // the bucket is what lets PostgreSQL serve
	getenv := func(k string) string { return env[k] }
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var out bytes.Buffer
	if err := run(ctx, []string{"apikey", "create", "--name", "ci", "-create"}, getenv, &out, io.Discard); err != nil {
		t.Fatal(err)
	}
	key := strings.TrimSpace(out.String())
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"serve", "-addr", "127.0.0.1:0"}, getenv, pw, io.Discard)
		pw.Close()
	}()
	addr := waitForAddr(t, pr)
	go io.Copy(io.Discard, pr)

	call := func(method, path, ct string, body []byte) int {
		req, _ := http.NewRequest(method, addr+path, bytes.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+key)
		req.Header.Set("Content-Type", ct)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res.StatusCode
	}
	if st := call("POST", "/api/v1/campaigns", "application/json", []byte(`{"title":"Clip"}`)); st != http.StatusCreated {
		t.Fatalf("create campaign: %d", st)
	}
	video := mediatest.MP4(bytes.Repeat([]byte("frame"), 1000))
	if st := call("PUT", "/api/v1/campaigns/1/content", "video/mp4", video); st != http.StatusOK {
		t.Fatalf("put content: %d", st)
	}
	files, err := campaign.NewS3Files(s3)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	files.List(ctx, func(name string, size int64, mod time.Time) error {
		if size == int64(len(video)) {
			names = append(names, name)
		}
		return nil
	})
	if len(names) != 1 {
		t.Errorf("the bucket holds %v, want the one video", names)
	}
	if local, _ := os.ReadDir(filepath.Join(dir, "content")); len(local) != 0 {
		t.Errorf("the data directory's content folder holds %d files, want none", len(local))
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}

// sillage backup refuses a server whose media are in a bucket, or whose
// database is on PostgreSQL, and says how to back it up instead.
func TestBackupRefusesRemoteData(t *testing.T) {
	for name, env := range map[string]map[string]string{
		"Bucket":     {"SILLAGE_S3_ENDPOINT": "https://s3.example.com", "SILLAGE_S3_BUCKET": "media"},
		"PostgreSQL": {"SILLAGE_DB": "postgres://sillage@127.0.0.1:1/sillage"},
	} {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			env["SILLAGE_DATA_DIR"] = filepath.Join(dir, "data")
			archive := filepath.Join(dir, "b.tar.gz")
			err := run(context.Background(), []string{"backup", archive}, func(k string) string { return env[k] }, io.Discard, io.Discard)
			if err == nil || !strings.Contains(err.Error(), "pg_dump") || !strings.Contains(err.Error(), "bucket") {
				t.Errorf("backup = %v, want the refusal with pg_dump and the bucket", err)
			}
			if _, err := os.Stat(archive); err == nil {
				t.Error("a refused backup wrote its archive")
			}
		})
	}
}
