package campaign_test

import (
	"bytes"
	"context"
	"io"
	"strings"
	"testing"

	"github.com/sillage/sillage/campaign"
)

// PutFile stores a file under the name a row holds, in either store, and
// takes no other name: nothing it writes lands outside the content folder.
func TestPutFileUnderItsName(t *testing.T) {
	ctx := context.Background()
	name := "content/0123456789abcdef0123456789abcdef"
	stores, _ := filesStores(t)
	for kind, files := range stores {
		t.Run(kind, func(t *testing.T) {
			for _, bad := range []string{
				"content/0123456789ABCDEF0123456789ABCDEF", // not as Create writes them
				"content/0123456789abcdef0123456789abcde",
				"content/0123456789abcdef0123456789abcdef0",
				"content/.upload-0123456789abcdef0123456",
				"content/../0123456789abcdef0123456789abcdef",
				"../0123456789abcdef0123456789abcdef",
				"/tmp/content/0123456789abcdef0123456789abcdef",
				"media/0123456789abcdef0123456789abcdef",
				"content/0123456789abcdef0123456789abcdef/x",
				"0123456789abcdef0123456789abcdef",
			} {
				if err := campaign.PutFile(ctx, files, bad, strings.NewReader("x"), 1); err == nil {
					t.Errorf("PutFile(%q) = nil, want a refusal", bad)
				}
			}
			if got := listed(t, files); len(got) != 0 {
				t.Fatalf("refused names stored %q", got)
			}

			body := bytes.Repeat([]byte("sillage "), 1000)
			if err := campaign.PutFile(ctx, files, name, bytes.NewReader(body), int64(len(body))); err != nil {
				t.Fatal(err)
			}
			if got, want := listed(t, files), []string{name}; strings.Join(got, ",") != strings.Join(want, ",") {
				t.Errorf("listed %q, want %q", got, want)
			}
			f, err := files.Open(ctx, name)
			if err != nil {
				t.Fatal(err)
			}
			got, err := io.ReadAll(f)
			f.Close()
			if err != nil || !bytes.Equal(got, body) {
				t.Errorf("read back %d bytes (%v), want the %d put", len(got), err, len(body))
			}
			// A body shorter than announced is refused, not stored short.
			short := "content/fedcba9876543210fedcba9876543210"
			if err := campaign.PutFile(ctx, files, short, bytes.NewReader(body[:10]), int64(len(body))); err == nil {
				t.Error("a body shorter than its size was stored")
			}
			if f, err := files.Open(ctx, short); err == nil {
				f.Close()
				t.Error("the short body is there")
			}
		})
	}
}
