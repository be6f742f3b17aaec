package main

import (
	"bufio"
	"context"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
)

// A server with no account prints a setup code in its log, and the setup
// page makes the first account with it (and not without); once an
// account exists, a restart prints none.
func TestServePrintsSetupCode(t *testing.T) {
	dir := newDataDir(t)
	getenv := func(k string) string { return dataEnv(dir)[k] }
	start := func() (addr, code string, stop func()) {
		ctx, cancel := context.WithCancel(context.Background())
		pr, pw := io.Pipe()
		done := make(chan error, 1)
		go func() {
			done <- run(ctx, []string{"serve", "-addr", "127.0.0.1:0"}, getenv, pw, io.Discard)
			pw.Close()
		}()
		sc := bufio.NewScanner(pr)
		for addr == "" && sc.Scan() {
			if m := regexp.MustCompile(`setup_code=([A-Z0-9-]+) setup_url=(\S+)`).FindStringSubmatch(sc.Text()); m != nil {
				code = m[1]
				if !strings.HasSuffix(m[2], "/setup") {
					t.Errorf("setup URL %q", m[2])
				}
			}
			if m := regexp.MustCompile(`addr=(http://[0-9.:]+)`).FindStringSubmatch(sc.Text()); m != nil {
				addr = m[1]
			}
		}
		go io.Copy(io.Discard, pr)
		return addr, code, func() { cancel(); <-done }
	}
	addr, code, stop := start()
	if !regexp.MustCompile(`^[A-Z2-9]{4}-[A-Z2-9]{4}$`).MatchString(code) {
		stop()
		t.Fatalf("setup code %q in the log, want two groups of four letters or digits joined by a dash", code)
	}
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	post := func(code string) int {
		res, err := client.PostForm(addr+"/setup", url.Values{"code": {code}, "email": {"zoe@example.com"},
			"password": {"correct horse battery"}, "password2": {"correct horse battery"}})
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res.StatusCode
	}
	if st := post(""); st != http.StatusForbidden {
		t.Errorf("setup without the code: %d, want 403", st)
	}
	if st := post(code); st != http.StatusSeeOther {
		t.Errorf("setup with the logged code: %d, want 303", st)
	}
	stop()
	_, code, stop = start()
	stop()
	if code != "" {
		t.Errorf("a server with an account printed setup code %q", code)
	}
}
