package campaign_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/sillage/sillage/campaign"
	"github.com/sillage/sillage/campaign/mediatest"
	"github.com/sillage/sillage/migrations/dbtest"
)

// filesStores are the Files a conformance test runs over: the data
// directory's folder and a bucket of an in-process S3 server.
func filesStores(t *testing.T) (map[string]campaign.Files, campaign.S3Config) {
	s3, cfg := mediatest.S3Files(t)
	return map[string]campaign.Files{"Local": campaign.LocalFiles(t.TempDir()), "S3": s3}, cfg
}

// listed returns the names Files lists, sorted.
func listed(t *testing.T, f campaign.Files) []string {
	t.Helper()
	var names []string
	if err := f.List(context.Background(), func(name string, size int64, mod time.Time) error {
		names = append(names, name)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	slices.Sort(names)
	return names
}

// Every Files store behaves alike: the store a deployment picks changes
// where the bytes are, never what the campaign store sees.
func TestFilesConformance(t *testing.T) {
	ctx := context.Background()
	nameRE := regexp.MustCompile(`^content/[0-9a-f]{32}$`)
	stores, cfg := filesStores(t)
	for kind, files := range stores {
		t.Run(kind, func(t *testing.T) {
			body := bytes.Repeat([]byte("0123456789"), 1000)
			name, size, err := files.Create(ctx, bytes.NewReader(body), int64(len(body)))
			if err != nil {
				t.Fatal(err)
			}
			if !nameRE.MatchString(name) || size != int64(len(body)) {
				t.Fatalf("Create = %q, %d; want content/<32 hex>, %d", name, size, len(body))
			}

			t.Run("OpenSeeks", func(t *testing.T) {
				f, err := files.Open(ctx, name)
				if err != nil {
					t.Fatal(err)
				}
				defer f.Close()
				if f.Size() != size || time.Since(f.ModTime()) > time.Hour || f.ModTime().After(time.Now().Add(time.Minute)) {
					t.Errorf("Size %d ModTime %v; want %d and about now", f.Size(), f.ModTime(), size)
				}
				if _, err := f.Seek(9995, io.SeekStart); err != nil {
					t.Fatal(err)
				}
				got, _ := io.ReadAll(f)
				if string(got) != "56789" {
					t.Errorf("after a seek read %q, want 56789", got)
				}
			})

			t.Run("ServeContentRange", func(t *testing.T) {
				f, err := files.Open(ctx, name)
				if err != nil {
					t.Fatal(err)
				}
				defer f.Close()
				req := httptest.NewRequest("GET", "/", nil)
				req.Header.Set("Range", "bytes=10-14")
				rec := httptest.NewRecorder()
				http.ServeContent(rec, req, "", time.Time{}, f)
				if rec.Code != http.StatusPartialContent || rec.Body.String() != "01234" {
					t.Errorf("range answer %d %q, want 206 01234", rec.Code, rec.Body)
				}
			})

			t.Run("TooLarge", func(t *testing.T) {
				before := listed(t, files)
				_, _, err := files.Create(ctx, bytes.NewReader(body), int64(len(body))-1)
				if _, ok := errors.AsType[*campaign.TooLargeError](err); !ok {
					t.Errorf("Create past the limit = %v, want a *TooLargeError", err)
				}
				// The request's own limit reads as the same refusal.
				rec := httptest.NewRecorder()
				capped := http.MaxBytesReader(rec, io.NopCloser(bytes.NewReader(body)), 100)
				_, _, err = files.Create(ctx, capped, 1<<20)
				if _, ok := errors.AsType[*campaign.TooLargeError](err); !ok {
					t.Errorf("Create of a capped request body = %v, want a *TooLargeError", err)
				}
				if after := listed(t, files); !slices.Equal(after, before) {
					t.Errorf("a refused body left files: %v, had %v", after, before)
				}
			})

			t.Run("Missing", func(t *testing.T) {
				missing := "content/00000000000000000000000000000000"
				if _, err := files.Open(ctx, missing); !errors.Is(err, fs.ErrNotExist) {
					t.Errorf("Open of a missing name = %v, want fs.ErrNotExist", err)
				}
				if err := files.Remove(ctx, missing); !errors.Is(err, fs.ErrNotExist) {
					t.Errorf("Remove of a missing name = %v, want fs.ErrNotExist", err)
				}
			})

			t.Run("ListAndRemove", func(t *testing.T) {
				other, _, err := files.Create(ctx, strings.NewReader("x"), 10)
				if err != nil {
					t.Fatal(err)
				}
				want := []string{name, other}
				slices.Sort(want)
				if got := listed(t, files); !slices.Equal(got, want) {
					t.Errorf("List = %v, want %v", got, want)
				}
				if err := files.Remove(ctx, other); err != nil {
					t.Fatal(err)
				}
				if _, err := files.Open(ctx, other); !errors.Is(err, fs.ErrNotExist) {
					t.Errorf("Open after Remove = %v, want fs.ErrNotExist", err)
				}
				if got := listed(t, files); !slices.Equal(got, []string{name}) {
					t.Errorf("List after Remove = %v, want %v", got, []string{name})
				}
			})

			t.Run("URL", func(t *testing.T) {
				u, ok, err := files.URL(ctx, name, 10*time.Minute, "video/mp4", "inline")
				if err != nil {
					t.Fatal(err)
				}
				if kind == "Local" {
					if ok || u != "" {
						t.Errorf("the folder signed %q, want no URL", u)
					}
					return
				}
				if !ok {
					t.Fatal("S3 signed no URL")
				}
				q := mustQuery(t, u)
				if q.Get("X-Amz-Expires") != "600" || q.Get("response-content-type") != "video/mp4" ||
					q.Get("response-content-disposition") != "inline" || q.Get("response-cache-control") != "private, no-store" {
					t.Errorf("signed URL %s lacks the expiry or the response overrides", u)
				}
				res, err := mediatest.S3Client(cfg).Get(u)
				if err != nil {
					t.Fatal(err)
				}
				defer res.Body.Close()
				got, _ := io.ReadAll(res.Body)
				if res.StatusCode != http.StatusOK || !bytes.Equal(got, body) || res.Header.Get("Content-Type") != "video/mp4" {
					t.Errorf("GET of the signed URL: %d, %d bytes, type %q; want 200, the file, video/mp4",
						res.StatusCode, len(got), res.Header.Get("Content-Type"))
				}
			})
		})
	}
}

// An S3 upload past one part goes in parts, and the limit still holds
// there: a body one byte too long completes no object.
func TestS3CreateInParts(t *testing.T) {
	ctx := context.Background()
	files, _ := mediatest.S3Files(t)
	body := bytes.Repeat([]byte{7}, 17<<20) // more than a 16 MiB part
	if _, _, err := files.Create(ctx, bytes.NewReader(body), int64(len(body))-1); err == nil {
		t.Fatal("Create past the limit in parts succeeded")
	} else if _, ok := errors.AsType[*campaign.TooLargeError](err); !ok {
		t.Fatalf("Create past the limit in parts = %v, want a *TooLargeError", err)
	}
	if got := listed(t, files); len(got) != 0 {
		t.Fatalf("a refused upload in parts left %v", got)
	}
	name, size, err := files.Create(ctx, bytes.NewReader(body), int64(len(body)))
	if err != nil {
		t.Fatal(err)
	}
	f, err := files.Open(ctx, name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	got, _ := io.ReadAll(f)
	if size != int64(len(body)) || f.Size() != size || !bytes.Equal(got, body) {
		t.Errorf("upload in parts: size %d, object %d, read %d bytes; want %d", size, f.Size(), len(got), len(body))
	}
}

func mustQuery(t *testing.T, u string) url.Values {
	t.Helper()
	parsed, err := url.Parse(u)
	if err != nil {
		t.Fatal(err)
	}
	return parsed.Query()
}

// Sweep on a bucket: the objects no row refers to go once older than the
// grace age, the referenced and the young stay, and a store on a database
// that refers to none of them removes nothing.
func TestSweepS3(t *testing.T) {
	ctx := context.Background()
	files, _ := mediatest.S3Files(t)
	db := dbtest.Open(t)
	var now atomic.Pointer[time.Time]
	setNow := func(t time.Time) { now.Store(&t) }
	setNow(time.Now())
	s := campaign.NewStore(db, t.TempDir(), func() time.Time { return *now.Load() })
	s.SetFiles(files)
	c := newCampaign(t, s)
	got, err := s.PutFile(ctx, c.ID, "video/mp4", "clip.mp4", bytes.NewReader(mediatest.MP4([]byte("clip"))), 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	orphan, _, err := files.Create(ctx, strings.NewReader("orphan"), 10)
	if err != nil {
		t.Fatal(err)
	}

	t.Run("WrongDatabase", func(t *testing.T) {
		other := campaign.NewStore(dbtest.Open(t), t.TempDir(), func() time.Time { return time.Now().Add(2 * campaign.SweepGrace) })
		other.SetFiles(files)
		if err := other.Sweep(ctx); err != nil {
			t.Fatal(err)
		}
		if n := len(listed(t, files)); n != 2 {
			t.Errorf("a database that refers to no object swept: %d left, want 2", n)
		}
	})
	if err := s.Sweep(ctx); err != nil {
		t.Fatal(err)
	}
	want := []string{got.Content.Path, orphan}
	slices.Sort(want)
	if names := listed(t, files); !slices.Equal(names, want) {
		t.Errorf("a young orphan was swept: %v, want %v", names, want)
	}
	setNow(time.Now().Add(campaign.SweepGrace + time.Hour))
	if err := s.Sweep(ctx); err != nil {
		t.Fatal(err)
	}
	if names := listed(t, files); !slices.Equal(names, []string{got.Content.Path}) {
		t.Errorf("after the grace age the bucket holds %v, want only %s", names, got.Content.Path)
	}
}
