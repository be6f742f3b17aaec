package publicurl_test

import (
	"context"
	"net"
	"testing"
	"time"

	"github.com/sillage/sillage/gating/publicurl"
	"github.com/sillage/sillage/migrations/dbtest"
)

func TestShareAndUnsubscribe(t *testing.T) {
	for _, tc := range []struct {
		name, base, share, unsubscribe string
	}{
		{"Bare", "https://x", "https://x/s/T", "https://x/u/U"},
		{"TrailingSlash", "https://x/", "https://x/s/T", "https://x/u/U"},
		{"Port", "http://127.0.0.1:19100", "http://127.0.0.1:19100/s/T", "http://127.0.0.1:19100/u/U"},
		{"PathPrefix", "https://x/share/", "https://x/share/s/T", "https://x/share/u/U"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := publicurl.Share(tc.base, "T"); got != tc.share {
				t.Errorf("Share(%q) = %q, want %q", tc.base, got, tc.share)
			}
			if got := publicurl.Unsubscribe(tc.base, "U"); got != tc.unsubscribe {
				t.Errorf("Unsubscribe(%q) = %q, want %q", tc.base, got, tc.unsubscribe)
			}
		})
	}
}

func TestParse(t *testing.T) {
	for in, want := range map[string]string{
		"https://x/":           "https://x",
		"https://x//":          "https://x",
		"http://h:8080/share/": "http://h:8080/share",
		" https://x ":          "https://x",
	} {
		u, err := publicurl.Parse(in)
		if err != nil || u.String() != want {
			t.Errorf("Parse(%q) = %v, %v; want %q", in, u, err, want)
		}
	}
	for _, in := range []string{"ftp://x", "x.com", "https://", "https://x/?a=1", "https://x/#f", "https://u:p@x"} {
		if u, err := publicurl.Parse(in); err == nil {
			t.Errorf("Parse(%q) = %v, want an error", in, u)
		}
	}
}

func TestListen(t *testing.T) {
	for addr, want := range map[string]string{
		"127.0.0.1:19100": "http://127.0.0.1:19100",
		"0.0.0.0:8080":    "http://localhost:8080",
		"[::]:8080":       "http://localhost:8080",
	} {
		a, err := net.ResolveTCPAddr("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		if got := publicurl.Listen(a).String(); got != want {
			t.Errorf("Listen(%s) = %q, want %q", addr, got, want)
		}
	}
}

// What the server records, a command reads back; a database no server
// ever ran on has none.
func TestRecorded(t *testing.T) {
	db := dbtest.Open(t)
	ctx := context.Background()
	if u, err := publicurl.Recorded(ctx, db); u != nil || err != nil {
		t.Fatalf("Recorded on a fresh database = %v, %v; want nil, nil", u, err)
	}
	for _, base := range []string{"http://127.0.0.1:19100", "https://share.example.com"} {
		u, _ := publicurl.Parse(base)
		if err := publicurl.Record(ctx, db, u, time.Now()); err != nil {
			t.Fatal(err)
		}
		got, err := publicurl.Recorded(ctx, db)
		if err != nil || got.String() != base {
			t.Errorf("Recorded = %v, %v; want %s", got, err, base)
		}
	}
}
