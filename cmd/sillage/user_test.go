package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/sillage/sillage/migrations/dbtest"
	"github.com/sillage/sillage/migrations/storage"
	"github.com/sillage/sillage/web/accounts"
)

func TestUserCreate(t *testing.T) {
	dir := newDataDir(t)
	getenv := func(k string) string { return dataEnv(dir)[k] }
	ctx := context.Background()

	var out bytes.Buffer
	if err := run(ctx, []string{"user", "create", "-create", "--email", "zoe@example.com", "--password", "correct horse battery"}, getenv, &out, io.Discard); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "zoe@example.com") {
		t.Errorf("user create printed %q", out.String())
	}
	out.Reset()
	err := user(ctx, []string{"create", "--email", "leo@example.com", "--password-stdin"}, getenv,
		strings.NewReader("another good password\n"), &out, io.Discard)
	if err != nil {
		t.Fatal(err)
	}

	for _, args := range [][]string{
		{"user"},
		{"user", "create", "--email", "x@example.com"},
		{"user", "create", "--email", "x@example.com", "--password", "p", "--password-stdin"},
		{"user", "create", "--email", "zoe@example.com", "--password", "correct horse battery"},
		{"user", "create", "--email", "x@example.com", "--password", "short"},
	} {
		if err := run(ctx, args, getenv, io.Discard, io.Discard); err == nil {
			t.Errorf("run(%q) succeeded, want an error", args)
		}
	}

	db, err := storage.Open(ctx, storeOf(dir))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	users := accounts.NewUsers(db, time.Now, 0)
	if n, _ := users.Count(ctx); n != 2 {
		t.Errorf("%d accounts, want 2", n)
	}
	if _, err := users.Authenticate(ctx, "leo@example.com", "another good password"); err != nil {
		t.Errorf("the password read from stdin does not sign in: %v", err)
	}
}

// The server run by serve has the dashboard: an account made on the
// command line signs in.
func TestServeDashboardSignIn(t *testing.T) {
	dir := newDataDir(t)
	getenv := func(k string) string { return dataEnv(dir)[k] }
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	if err := run(ctx, []string{"user", "create", "-create", "--email", "zoe@example.com", "--password", "correct horse battery"}, getenv, io.Discard, io.Discard); err != nil {
		t.Fatal(err)
	}
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"serve", "-addr", "127.0.0.1:0"}, getenv, pw, io.Discard)
		pw.Close()
	}()
	addr := waitForAddr(t, pr)
	go io.Copy(io.Discard, pr)

	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	form := url.Values{"email": {"zoe@example.com"}, "password": {"correct horse battery"}}
	req, _ := http.NewRequest("POST", addr+"/login", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	res, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/campaigns" || len(res.Cookies()) == 0 {
		t.Fatalf("sign in: %d to %q, cookies %v", res.StatusCode, res.Header.Get("Location"), res.Cookies())
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}

// On a full disk `sillage apikey create` and `sillage user create` fail
// and print no key: a key printed for a row never stored answers 401.
// (They fail as soon as they open the database; accounts' own tests fill
// the disk after opening.)
func TestCreateOnFullDisk(t *testing.T) {
	dbtest.SQLiteOnly(t, "a full disk under the database file")
	if !dbtest.Alone(t) {
		return
	}
	dir := t.TempDir()
	getenv := func(k string) string { return map[string]string{"SILLAGE_DATA_DIR": dir}[k] }
	ctx := context.Background()
	if err := run(ctx, []string{"apikey", "create", "--name", "first", "-create"}, getenv, io.Discard, io.Discard); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{
		{"apikey", "create", "--name", "ci"},
		{"user", "create", "--email", "zoe@example.com", "--password", "correct horse battery"},
	} {
		var out bytes.Buffer
		restore := dbtest.Full(t)
		err := run(ctx, args, getenv, &out, io.Discard)
		restore()
		if err == nil || out.Len() > 0 {
			t.Errorf("run(%q) on a full disk: err %v, printed %q; want an error and nothing printed", args, err, out.String())
		}
	}
	db, err := storage.Open(ctx, storeOf(dir))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var keys, users int
	db.Read.QueryRow(`SELECT COUNT(*) FROM api_keys`).Scan(&keys)
	db.Read.QueryRow(`SELECT COUNT(*) FROM users`).Scan(&users)
	if keys != 1 || users != 0 {
		t.Errorf("%d keys and %d accounts stored, want the first key only", keys, users)
	}
}
