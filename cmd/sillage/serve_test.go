package main

import (
	"bufio"
	"context"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"
)

// With -max-conns 2, two connections that send nothing hold the server's
// two places: a third one's /healthz waits in the kernel's queue, and is
// answered as soon as one of the two closes.
func TestMaxConns(t *testing.T) {
	dir := t.TempDir()
	getenv := func(k string) string { return map[string]string{"SILLAGE_DATA_DIR": dir}[k] }
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
