package backup

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// An installation on PostgreSQL or with media in a bucket is refused,
// with the three parts to back up instead, and nothing is written.
func TestNotLocalRefused(t *testing.T) {
	for name, paths := range map[string]Paths{
		"PostgreSQL": {DB: "postgres://sillage@db.example/sillage"},
		"Bucket":     {Bucket: "media"},
	} {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			paths.DataDir = filepath.Join(dir, "data")
			if paths.DB == "" {
				paths.DB = filepath.Join(paths.DataDir, "sillage.db")
			}
			archive := filepath.Join(dir, "backup.tar.gz")
			_, err := Create(context.Background(), paths, archive, time.Now())
			if !errors.Is(err, ErrNotLocal) {
				t.Fatalf("Create = %v, want ErrNotLocal", err)
			}
			for _, want := range []string{"pg_dump -Fc", "versioning or replication of the bucket", "body key"} {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("%q does not say %q", err, want)
				}
			}
			if _, err := Restore(context.Background(), archive, paths); !errors.Is(err, ErrNotLocal) {
				t.Errorf("Restore = %v, want ErrNotLocal", err)
			}
			if entries, _ := os.ReadDir(dir); len(entries) != 0 {
				t.Errorf("a refused backup wrote %v", entries)
			}
		})
	}
}
