package main

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"

	"github.com/sillage/sillage/campaign"
	"github.com/sillage/sillage/campaign/mediatest"
	"github.com/sillage/sillage/migrations/dbcopy"
	"github.com/sillage/sillage/migrations/dbtest"
	"github.com/sillage/sillage/migrations/storage"
)

// sqliteInstallation is a SQLite data folder made through the server and
// the commands, holding a row of every kind a campaign makes.
type sqliteInstallation struct {
	dir       string
	key       string           // an API key
	campaigns []int64          // two live campaigns
	media     map[int64][]byte // each campaign's content
	images    map[int64][]byte // and teaser image
	erased    int64            // the id of the erased contact, the highest handed out
	queued    int              // sealed messages waiting in the outbox
}

// newSQLiteInstallation builds it: two campaigns with content and teaser
// images; seeds, unlocks, forwards, a preview, a refusal, an exposure, a
// released seat and its takeover; a session and settings; contacts, the
// last of them erased; messages sent by the server's worker, and others
// queued (sealed) after it stopped.
func newSQLiteInstallation(t *testing.T) *sqliteInstallation {
	t.Helper()
	ctx := context.Background()
	in := &sqliteInstallation{dir: t.TempDir(), media: map[int64][]byte{}, images: map[int64][]byte{}}
	in.key = backupAPIKey(t, in.dir)
	cli := func(args ...string) string {
		t.Helper()
		var out bytes.Buffer
		if err := run(ctx, append(args, "-data-dir", in.dir), noEnv, &out, io.Discard); err != nil {
			t.Fatalf("%s: %v\n%s", strings.Join(args, " "), err, out.String())
		}
		return out.String()
	}
	cli("user", "create", "--email", "ana@example.com", "--password", "a long enough password")
	s := startBackupServer(t, in.dir)
	for i, name := range []string{"A", "B"} {
		id := s.createCampaign(in.key, name)
		in.campaigns = append(in.campaigns, id)
		in.media[id] = mediatest.MP4(bytes.Repeat([]byte(name), 40<<10))
		in.images[id] = mediatest.PNG([]byte(name))
		s.api(in.key, "PUT", fmt.Sprintf("/api/v1/campaigns/%d/content", id), "video/mp4", in.media[id], http.StatusOK)
		s.api(in.key, "PUT", fmt.Sprintf("/api/v1/campaigns/%d/teaser/image", id), "image/png", in.images[id], http.StatusOK)
		s.api(in.key, "POST", fmt.Sprintf("/api/v1/campaigns/%d/status", id), "application/json", []byte(`{"status":"live"}`), http.StatusOK)
		seeds := s.mint(in.key, id, 3)
		p := newBackupPhone(t)
		p.unlock(seeds[0])
		friend := newBackupPhone(t)
		link := p.forward(seeds[0])
		friend.unlock(link)
		newBackupPhone(t).unlock(friend.forward(link))
		p.unlock(seeds[1])                                   // an exposure: p has seen it already
		newBackupPhone(t).do("POST", seeds[0]+"/unlock", "") // refused: the seed's one seat is taken
		bot, _ := http.NewRequest("GET", seeds[2], nil)
		bot.Header.Set("User-Agent", "WhatsApp/2.23.20.0 A")
		if res, err := http.DefaultClient.Do(bot); err == nil { // a preview
			res.Body.Close()
		}
		if i == 0 { // the seed's seat released, and taken over by a new phone
			claim := firstClaim(t, filepath.Join(in.dir, "sillage.db"), id)
			s.api(in.key, "POST", fmt.Sprintf("/api/v1/campaigns/%d/claims/%d/release", id, claim), "application/json", nil, http.StatusOK)
			newBackupPhone(t).unlock(seeds[0])
		}
	}
	res, err := http.PostForm(s.addr+"/login", url.Values{"email": {"ana@example.com"}, "password": {"a long enough password"}})
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	contacts := filepath.Join(t.TempDir(), "contacts.csv")
	os.WriteFile(contacts, []byte("name,email\nZoé,zoe@example.com\nLéo,leo@example.com\n"), 0o600)
	a, b := fmt.Sprint(in.campaigns[0]), fmt.Sprint(in.campaigns[1])
	cli("contacts", "import", b, contacts)
	cli("send", b, "-base-url", s.addr)
	waitRows(t, filepath.Join(in.dir, "sillage.db"), `SELECT COUNT(*) FROM messages WHERE status = 'queued'`, 0)
	s.stop()

	os.WriteFile(contacts, []byte("name,email\nZoé,zoe@example.com\nLéo,leo@example.com\nEve,eve@example.com\n"), 0o600)
	cli("contacts", "import", a, contacts)
	db, err := sql.Open("sqlite3", filepath.Join(in.dir, "sillage.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.QueryRow(`SELECT MAX(id) FROM contacts`).Scan(&in.erased); err != nil {
		t.Fatal(err)
	}
	cli("contacts", "erase", fmt.Sprint(in.erased))
	if out := cli("send", a, "-base-url", "http://localhost:8080"); !strings.HasPrefix(out, "queued 2 messages") {
		t.Fatalf("send: %s", out)
	}
	in.queued = 2
	return in
}

// firstClaim returns campaign id's first claim, read from the database
// file at path.
func firstClaim(t *testing.T, path string, id int64) int64 {
	t.Helper()
	db, err := storage.OpenReadOnly(path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var claim int64
	if err := db.QueryRow(`SELECT MIN(id) FROM claims WHERE campaign_id = $1`, id).Scan(&claim); err != nil {
		t.Fatal(err)
	}
	return claim
}

// waitRows waits until query, a count on the store target, answers want.
func waitRows(t *testing.T, target, query string, want int) {
	t.Helper()
	db, err := openAny(target)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	deadline := time.Now().Add(time.Minute)
	for {
		var n int
		if err := db.QueryRow(query).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n == want {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: %d after a minute, want %d", query, n, want)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// openAny opens a SQLite file read-only, or a PostgreSQL URL.
func openAny(target string) (*sql.DB, error) {
	if storage.DialectOf(target) == storage.Postgres {
		db, err := storage.Open(context.Background(), target)
		if err != nil {
			return nil, err
		}
		return db.Write, nil
	}
	return storage.OpenReadOnly(target)
}

// A SQLite installation copied into PostgreSQL serves the same figures,
// tree and exports, its media, and its queued messages; ids go on above
// the highest SQLite handed out.
func TestDBCopyToPostgres(t *testing.T) {
	dbtest.PostgresOnly(t)
	ctx := context.Background()
	in := newSQLiteInstallation(t)
	target := dbtest.PostgresURL(t)
	dst := t.TempDir()
	var out, errOut bytes.Buffer
	if err := run(ctx, []string{"db", "copy", "-data-dir", in.dir, "--to", target, "--to-data-dir", dst}, noEnv, &out, &errOut); err != nil {
		t.Fatalf("db copy: %v\n%s%s", err, out.String(), errOut.String())
	}
	t.Logf("db copy:\n%s", out.String())
	if !strings.Contains(out.String(), "checked: every table") || errOut.Len() > 0 {
		t.Errorf("db copy's own check: stdout\n%s\nstderr\n%s", out.String(), errOut.String())
	}
	if strings.Contains(out.String(), "body key (from") {
		t.Error("the body key was printed without --print-body-key")
	}

	t.Run("CheckFindsADifference", func(t *testing.T) {
		checkFindsDifference(t, filepath.Join(in.dir, "sillage.db"), target)
	})

	testStores.Store(dst, target)
	keyEnv := map[string]string{"SILLAGE_BODY_KEY_FILE": filepath.Join(in.dir, "body.key")}
	limits := []string{"-unlock-limit", "0", "-lookup-limit", "0", "-preview-limit", "0"}
	srcAddr, stopSrc, err := startServeAt(t, in.dir, nil, limits...)
	if err != nil {
		t.Fatal(err)
	}
	defer stopSrc()
	dstAddr, stopDst, err := startServeAt(t, dst, keyEnv, limits...)
	if err != nil {
		t.Fatal(err)
	}
	defer stopDst()
	source, copied := &backupServer{t: t, addr: srcAddr}, &backupServer{t: t, addr: dstAddr}

	for _, id := range in.campaigns {
		if got, want := copied.stats(in.key, id), source.stats(in.key, id); !reflect.DeepEqual(got, want) {
			t.Errorf("campaign %d: /stats on the copy\n%v\nwant the source's\n%v", id, got, want)
		}
		for _, path := range []string{"/tree", "/export?format=csv", "/export?format=edges", "/export?format=json", "/export?format=graphml"} {
			p := fmt.Sprintf("/api/v1/campaigns/%d%s", id, path)
			if got, want := copied.api(in.key, "GET", p, "", nil, http.StatusOK), source.api(in.key, "GET", p, "", nil, http.StatusOK); !bytes.Equal(got, want) {
				t.Errorf("%s on the copy differs from the source's:\n%s\nwant\n%s", p, got, want)
			}
		}
	}
	// The copy mints, unlocks and serves the media and teaser images.
	servesMedia(t, copied, in, "on the copy")
	// The copy's worker opens and sends what the source had queued.
	waitRows(t, target, `SELECT COUNT(*) FROM messages WHERE status = 'queued'`, 0)
	// A new contact gets an id above the erased one.
	contacts := filepath.Join(t.TempDir(), "contacts.csv")
	os.WriteFile(contacts, []byte("name,email\nNew,new@example.com\n"), 0o600)
	if err := run(ctx, append([]string{"contacts", "import", fmt.Sprint(in.campaigns[0]), contacts}, dataFlags(dst)...),
		func(k string) string { return keyEnv[k] }, io.Discard, io.Discard); err != nil {
		t.Fatal(err)
	}
	db, err := openAny(target)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var newID int64
	if err := db.QueryRow(`SELECT id FROM contacts WHERE email = 'new@example.com'`).Scan(&newID); err != nil {
		t.Fatal(err)
	}
	if newID <= in.erased {
		t.Errorf("the new contact's id is %d, not above %d, the erased contact's", newID, in.erased)
	}
}

// checkFindsDifference changes one claim's depth in the copy and expects the
// command's check to name it, then puts it back.
func checkFindsDifference(t *testing.T, source, target string) {
	ctx := context.Background()
	src, err := storage.Open(ctx, source)
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	dst, err := storage.Open(ctx, target)
	if err != nil {
		t.Fatal(err)
	}
	defer dst.Close()
	tables, err := dbcopy.Plan(ctx, src.Read, dst.Read)
	if err != nil {
		t.Fatal(err)
	}
	check := func() []string {
		t.Helper()
		diffs, err := verifyCopy(ctx, src, dst, tables, &dbcopy.Copied{}, nil, nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		return diffs
	}
	if diffs := check(); len(diffs) > 0 {
		t.Fatalf("the copy differs before any change: %q", diffs)
	}
	change := func(q string) {
		t.Helper()
		if _, err := dst.Write.ExecContext(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	change(`UPDATE claims SET depth = depth + 5 WHERE id = (SELECT MAX(id) FROM claims)`)
	diffs := strings.Join(check(), "\n")
	change(`UPDATE claims SET depth = depth - 5 WHERE id = (SELECT MAX(id) FROM claims)`)
	for _, want := range []string{"table claims:", "tree (nodes", "csv export"} {
		if !strings.Contains(diffs, want) {
			t.Errorf("a claim five levels deeper in the copy: the check says\n%s\nwant a line with %q", diffs, want)
		}
	}
}

// oneCampaignSource makes a SQLite installation with one campaign and its
// content file, through a server that has stopped, and returns its data
// folder.
func oneCampaignSource(t *testing.T) string {
	t.Helper()
	src := t.TempDir()
	key := backupAPIKey(t, src)
	s := startBackupServer(t, src)
	id := s.createCampaign(key, "A")
	s.api(key, "PUT", fmt.Sprintf("/api/v1/campaigns/%d/content", id), "video/mp4", mediatest.MP4([]byte("clip")), http.StatusOK)
	s.stop()
	return src
}

// A copy into a database that holds a row is refused, and writes nothing
// there: no row, no file.
func TestDBCopyRefusesNonEmptyTarget(t *testing.T) {
	dbtest.PostgresOnly(t)
	ctx := context.Background()
	src := oneCampaignSource(t)

	dst := newDataDir(t) // on PostgreSQL: a database of its own
	target := storeOf(dst)
	backupAPIKey(t, dst)
	before := dumpTarget(t, target)
	var out, errOut bytes.Buffer
	err := run(ctx, []string{"db", "copy", "-data-dir", src, "--to", target, "--to-data-dir", dst}, noEnv, &out, &errOut)
	if err == nil || !strings.Contains(err.Error(), "not empty") || !strings.Contains(err.Error(), "api_keys") {
		t.Fatalf("db copy into a database with an API key: %v, want a refusal naming api_keys\n%s", err, out.String())
	}
	if after := dumpTarget(t, target); after != before {
		t.Errorf("the refused copy changed the target:\n%s\nwas\n%s", after, before)
	}
	if _, err := os.Stat(filepath.Join(dst, "content")); err == nil {
		t.Error("the refused copy wrote content files")
	}
}

// dumpTarget returns every table's row count and digest in the
// PostgreSQL database target.
func dumpTarget(t *testing.T, target string) string {
	t.Helper()
	ctx := context.Background()
	db, err := storage.Open(ctx, target)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rows, err := db.Read.QueryContext(ctx, `SELECT table_name FROM information_schema.tables
		WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY 1`)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for rows.Next() {
		var n string
		rows.Scan(&n)
		names = append(names, n)
	}
	rows.Close()
	var b strings.Builder
	for _, n := range names {
		var count int
		var sum sql.NullString
		if err := db.Read.QueryRowContext(ctx, `SELECT COUNT(*), md5(string_agg(t::text, ',' ORDER BY t::text)) FROM "`+n+`" t`).Scan(&count, &sum); err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&b, "%s %d %s\n", n, count, sum.String)
	}
	return b.String()
}

// s3Env is the environment serve and db copy read the bucket of cfg
// from (an S3HTTP one: no Transport to give).
func s3Env(cfg campaign.S3Config) map[string]string {
	return map[string]string{"SILLAGE_S3_ENDPOINT": cfg.Endpoint, "SILLAGE_S3_BUCKET": cfg.Bucket,
		"SILLAGE_S3_PREFIX": cfg.Prefix, "SILLAGE_S3_REGION": cfg.Region, "SILLAGE_S3_ACCESS_KEY": cfg.AccessKey,
		"SILLAGE_S3_SECRET_KEY": cfg.SecretKey, "SILLAGE_S3_PATH_STYLE": "true", "SILLAGE_S3_INSECURE": "true"}
}

// sourceFiles returns the names of the content files the rows of the
// SQLite installation in dir hold.
func sourceFiles(t *testing.T, dir string) []string {
	t.Helper()
	db, err := storage.OpenReadOnly(filepath.Join(dir, "sillage.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	names, err := campaign.StoredFiles(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	return names
}

// With SILLAGE_S3_* set, db copy puts the content files in the bucket,
// under the prefix and the names the rows hold, and a server on the
// target with those settings serves the media and teasers from there,
// with no file in any data folder.
// servesMedia mints a link of each campaign of in on server, unlocks it
// and checks the media and teaser image are the bytes uploaded; where
// says where they came from, for the message.
func servesMedia(t *testing.T, server *backupServer, in *sqliteInstallation, where string) {
	t.Helper()
	for _, id := range in.campaigns {
		link := server.mint(in.key, id, 1)[0]
		p := newBackupPhone(t)
		p.unlock(link)
		if got := p.get(link + "/media"); !bytes.Equal(got, in.media[id]) {
			t.Errorf("campaign %d: media %s is %d bytes, want the %d uploaded", id, where, len(got), len(in.media[id]))
		}
		if got := p.get(link + "/image"); !bytes.Equal(got, in.images[id]) {
			t.Errorf("campaign %d: teaser image %s is %d bytes, want the %d uploaded", id, where, len(got), len(in.images[id]))
		}
	}
}

func TestDBCopyToBucket(t *testing.T) {
	dbtest.PostgresOnly(t)
	ctx := context.Background()
	in := newSQLiteInstallation(t)
	target := dbtest.PostgresURL(t)
	bucket := mediatest.S3HTTP(t)
	env := s3Env(bucket)
	var out, errOut bytes.Buffer
	if err := run(ctx, []string{"db", "copy", "-data-dir", in.dir, "--to", target}, func(k string) string { return env[k] }, &out, &errOut); err != nil {
		t.Fatalf("db copy: %v\n%s%s", err, out.String(), errOut.String())
	}
	t.Logf("db copy:\n%s", out.String())
	if !strings.Contains(out.String(), "checked: every table") || errOut.Len() > 0 {
		t.Errorf("db copy's own check: stdout\n%s\nstderr\n%s", out.String(), errOut.String())
	}
	for _, want := range []string{"SILLAGE_S3_ENDPOINT=" + bucket.Endpoint, "SILLAGE_S3_BUCKET=" + bucket.Bucket,
		"SILLAGE_S3_PREFIX=" + bucket.Prefix, "SILLAGE_S3_ACCESS_KEY and SILLAGE_S3_SECRET_KEY", "SILLAGE_BODY_KEY_FILE"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("db copy's output names no %q for the instances", want)
		}
	}
	if strings.Contains(out.String(), bucket.SecretKey) {
		t.Error("db copy printed the bucket's secret key")
	}

	// Every file the rows name is in the bucket, at prefix + name.
	names := sourceFiles(t, in.dir)
	if len(names) != 4 {
		t.Fatalf("the source's rows name %q, want two contents and two teasers", names)
	}
	unprefixed := bucket
	unprefixed.Prefix = ""
	raw, err := campaign.NewS3Files(unprefixed)
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range names {
		want, err := os.ReadFile(filepath.Join(in.dir, name))
		if err != nil {
			t.Fatal(err)
		}
		f, err := raw.Open(ctx, bucket.Prefix+name)
		if err != nil {
			t.Errorf("object %s%s: %v", bucket.Prefix, name, err)
			continue
		}
		got, err := io.ReadAll(f)
		f.Close()
		if err != nil || !bytes.Equal(got, want) {
			t.Errorf("object %s%s: %d bytes (%v), want the source's %d", bucket.Prefix, name, len(got), err, len(want))
		}
	}

	// The data folders hold no media: the server reads the bucket.
	if err := os.RemoveAll(filepath.Join(in.dir, "content")); err != nil {
		t.Fatal(err)
	}
	dst := t.TempDir()
	env["SILLAGE_BODY_KEY_FILE"] = filepath.Join(in.dir, "body.key")
	addr, stop, err := startServeAt(t, dst, env, "-db", target, "-unlock-limit", "0", "-lookup-limit", "0", "-preview-limit", "0")
	if err != nil {
		t.Fatal(err)
	}
	defer stop()
	copied := &backupServer{t: t, addr: addr}
	servesMedia(t, copied, in, "from the bucket")
	if entries, _ := os.ReadDir(filepath.Join(dst, "content")); len(entries) > 0 {
		t.Errorf("the server on the bucket wrote %d files in its data folder", len(entries))
	}
}

// A row naming a file missing from the source's data folder fails the
// copy before anything is written: no row, no file in the target's
// folder or bucket, not even the files read before the missing one.
func TestDBCopyMissingFile(t *testing.T) {
	dbtest.PostgresOnly(t)
	ctx := context.Background()
	src := t.TempDir()
	key := backupAPIKey(t, src)
	s := startBackupServer(t, src)
	for _, title := range []string{"A", "B"} {
		id := s.createCampaign(key, title)
		s.api(key, "PUT", fmt.Sprintf("/api/v1/campaigns/%d/content", id), "video/mp4", mediatest.MP4([]byte("clip "+title)), http.StatusOK)
		s.api(key, "PUT", fmt.Sprintf("/api/v1/campaigns/%d/teaser/image", id), "image/png", mediatest.PNG([]byte(title)), http.StatusOK)
	}
	s.stop()
	names := sourceFiles(t, src)
	missing := names[len(names)-1] // the last copied: the others would be written first
	if err := os.Remove(filepath.Join(src, missing)); err != nil {
		t.Fatal(err)
	}

	for _, kind := range []string{"Folder", "Bucket"} {
		t.Run(kind, func(t *testing.T) {
			target := dbtest.PostgresURL(t)
			args := []string{"db", "copy", "-data-dir", src, "--to", target}
			env := map[string]string{}
			var bucket campaign.Files
			dst := t.TempDir()
			if kind == "Bucket" {
				cfg := mediatest.S3HTTP(t)
				env = s3Env(cfg)
				var err error
				if bucket, err = campaign.NewS3Files(cfg); err != nil {
					t.Fatal(err)
				}
			} else {
				args = append(args, "--to-data-dir", dst)
			}
			var out bytes.Buffer
			err := run(ctx, args, func(k string) string { return env[k] }, &out, io.Discard)
			if err == nil || !strings.Contains(err.Error(), missing) || !strings.Contains(err.Error(), "no row was written") {
				t.Fatalf("db copy with %s missing: %v, want a failure naming it, with no row written\n%s", missing, err, out.String())
			}
			db, err := storage.Open(ctx, target)
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			if err := dbcopy.CheckEmpty(ctx, db.Write); err != nil {
				t.Errorf("the failed copy wrote rows: %v", err)
			}
			if entries, _ := os.ReadDir(filepath.Join(dst, "content")); len(entries) > 0 {
				t.Errorf("the failed copy wrote %d files in the target's folder", len(entries))
			}
			if bucket != nil {
				bucket.List(ctx, func(name string, _ int64, _ time.Time) error {
					t.Errorf("the failed copy put %s in the bucket", name)
					return nil
				})
			}
		})
	}
}

// The copy checks the files by reading them back from the bucket: one
// that answers with other bytes than it was given fails the copy before
// any row is written.
func TestDBCopyChecksTheBucket(t *testing.T) {
	dbtest.PostgresOnly(t)
	ctx := context.Background()
	src := oneCampaignSource(t)

	backend := s3mem.New()
	if err := backend.CreateBucket("media"); err != nil {
		t.Fatal(err)
	}
	fake := gofakes3.New(backend).Server()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodGet && strings.Contains(r.URL.Path, "/content/") {
			w = &flipFirstByte{ResponseWriter: w}
		}
		fake.ServeHTTP(w, r)
	}))
	defer srv.Close()
	env := map[string]string{"SILLAGE_S3_ENDPOINT": srv.URL, "SILLAGE_S3_BUCKET": "media", "SILLAGE_S3_REGION": "us-east-1",
		"SILLAGE_S3_ACCESS_KEY": "a", "SILLAGE_S3_SECRET_KEY": "b", "SILLAGE_S3_PATH_STYLE": "true"}
	target := dbtest.PostgresURL(t)
	var out bytes.Buffer
	err := run(ctx, []string{"db", "copy", "-data-dir", src, "--to", target}, func(k string) string { return env[k] }, &out, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "content files differ") || !strings.Contains(err.Error(), "no row was written") {
		t.Fatalf("db copy into a bucket that alters what it reads back: %v, want the difference, with no row written\n%s", err, out.String())
	}
	db, err := storage.Open(ctx, target)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := dbcopy.CheckEmpty(ctx, db.Write); err != nil {
		t.Errorf("the failed copy wrote rows: %v", err)
	}
}

// flipFirstByte changes the first byte of a response's body.
type flipFirstByte struct {
	http.ResponseWriter
	done bool
}

func (f *flipFirstByte) Write(p []byte) (int, error) {
	if !f.done && len(p) > 0 {
		f.done = true
		q := append([]byte{p[0] ^ 0xff}, p[1:]...)
		return f.ResponseWriter.Write(q)
	}
	return f.ResponseWriter.Write(p)
}
