package main

import (
	"context"
	"encoding/base64"
	"errors"
	"flag"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"time"

	"github.com/sillage/sillage/campaign"
	"github.com/sillage/sillage/campaign/app"
	"github.com/sillage/sillage/migrations/dbcopy"
	"github.com/sillage/sillage/migrations/storage"
)

var dbCopySpec = spec{Usage: "db copy --to URL [--to-data-dir DIR] [--print-body-key]"}

// dbCommand runs the "db" group: "db copy".
func dbCommand(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	_, rest, err := subcommand("db", args, []string{"copy"}, stdout, stderr)
	if err != nil {
		return err
	}
	return dbCopy(ctx, rest, getenv, stdout, stderr)
}

// dbCopy moves a SQLite installation into an empty PostgreSQL database
// (SCALE-OUT.md §7): a snapshot of the source, its content files into
// the target's folder or, with SILLAGE_S3_* set as serve reads them, its
// bucket, every row in one transaction, then a check that every table,
// every campaign's figures and every file (read back from where the
// target serves it) are the same on both sides. A difference fails the
// command, asking to drop the target.
func dbCopy(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	var to, toDataDir string
	var printKey bool
	sp := dbCopySpec
	sp.Flags = func(fs *flag.FlagSet) {
		fs.StringVar(&to, "to", "", "the empty PostgreSQL database to copy into, a postgres:// `URL`")
		fs.StringVar(&toDataDir, "to-data-dir", "", "the target's data `folder`, where the content files go (default: DATA_DIR, where they are already); with SILLAGE_S3_ENDPOINT and SILLAGE_S3_BUCKET set, as serve reads them, they go into that bucket instead")
		fs.BoolVar(&printKey, "print-body-key", false, "print the body key (base64) for SILLAGE_BODY_KEY; it seals queued messages, keep it secret")
	}
	cfg, rest, err := parseConfig(sp, args, getenv, stdout, stderr)
	if err != nil {
		return err
	}
	if len(rest) != 0 {
		return errors.New("usage: sillage " + sp.Usage)
	}
	if storage.DialectOf(to) != storage.Postgres {
		return errors.New("db copy: --to takes the postgres:// URL of an empty database")
	}
	if storage.DialectOf(cfg.DB) == storage.Postgres {
		return errors.New("db copy: the source (-db) is a SQLite file; to copy a PostgreSQL database use pg_dump")
	}
	srcDir, err := filepath.Abs(cfg.DataDir)
	if err != nil {
		return err
	}
	dst, err := copyTarget(cfg.Media.S3, srcDir, toDataDir)
	if err != nil {
		return err
	}
	srcPath, err := filepath.Abs(cfg.DB)
	if err != nil {
		return err
	}
	res, err := app.CopyDatabase(ctx, app.CopyOptions{
		Source: srcPath, SourceDir: srcDir, Target: to,
		Files: dst.files, PutFiles: !dst.inPlace,
		BodyKey: cfg.Notify.BodyKey, BodyKeyFile: cfg.Notify.BodyKeyFile,
		Snapshot: func(taken time.Time) {
			fmt.Fprintf(stdout, "source: %s, as it was at %s; what the server writes after that is not copied (stop it first)\n",
				srcPath, taken.Format(time.RFC3339))
		},
		Copied: func(files []dbcopy.File, size int64) {
			fmt.Fprintf(stdout, "content: %s, %s in %s, each read back and checked by size and SHA-256\n", count(nFiles, len(files)), count(nBytes, int(size)), dst.where)
		},
		Rows: func(target string, tables []dbcopy.Table, copied *dbcopy.Copied) {
			var counts []string
			for _, t := range tables {
				counts = append(counts, fmt.Sprintf("%s %d", t.Name, copied.Rows[t.Name]))
			}
			fmt.Fprintf(stdout, "rows into %s: %s\n", target, strings.Join(counts, ", "))
		},
	})
	if err != nil {
		return err
	}
	return printCopy(stdout, stderr, res, dst, cfg.Media.S3, printKey)
}

// printCopy tells the operator how the copy res went: every difference
// (an error then), else what was checked, the body key to install (its
// base64 too with printKey) and how to serve from the target.
func printCopy(stdout, stderr io.Writer, res *app.CopyResult, dst copyDest, s3 campaign.S3Config, printKey bool) error {
	if len(res.Diffs) > 0 {
		for _, d := range res.Diffs {
			fmt.Fprintln(stderr, "differs:", d)
		}
		return fmt.Errorf("db copy: the copy in %s differs from the source (above): drop that database (DROP DATABASE) and copy again into a new one", res.Target)
	}
	fmt.Fprintln(stdout, "checked: every table's rows, every campaign's counters, tree, figures and exports, every content file, and the sequences (next ids above the copied ones)")
	switch {
	case res.Key == nil:
		fmt.Fprintln(stdout, "body key: none yet; give every instance the same one before serving: head -c32 /dev/urandom | base64 > body.key, and SILLAGE_BODY_KEY_FILE=body.key")
	case printKey:
		fmt.Fprintf(stdout, "body key (from %s): %s\n", res.KeyFrom, base64.StdEncoding.EncodeToString(res.Key))
		fallthrough
	default:
		fmt.Fprintf(stdout, "body key: it opens the queued messages and its fingerprint is in the target; install %s as SILLAGE_BODY_KEY_FILE (or its base64, --print-body-key, as SILLAGE_BODY_KEY) on every instance\n", res.KeyFrom)
	}
	switch {
	case dst.bucket:
		fmt.Fprintf(stdout, "media: in the bucket; set on every instance, as for this copy: %s\n", strings.Join(s3Settings(s3), " "))
		fmt.Fprintf(stdout, "serve with -db %s\n", res.Target)
	case !dst.inPlace:
		fmt.Fprintf(stdout, "serve with -data-dir %s -db %s\n", dst.where, res.Target)
	}
	return nil
}

// copyDest is where db copy puts the content files, and where it reads
// them back from to check them.
type copyDest struct {
	files   campaign.Files
	where   string // the folder, or the bucket, for the operator
	bucket  bool   // the bucket of SILLAGE_S3_*
	inPlace bool   // the source's own folder: nothing to copy
}

// copyTarget returns where the content files go: the bucket of s3 when
// it names one, else the folder toDataDir, else the source's folder srcDir,
// where they are already.
func copyTarget(s3 campaign.S3Config, srcDir, toDataDir string) (copyDest, error) {
	if s3.Endpoint != "" {
		if toDataDir != "" {
			return copyDest{}, errors.New("db copy: the content files go either into the bucket of SILLAGE_S3_ENDPOINT or into --to-data-dir, not both: unset one")
		}
		files, err := campaign.NewS3Files(s3)
		if err != nil {
			return copyDest{}, fmt.Errorf("db copy: %w", err)
		}
		return copyDest{files: files, where: fmt.Sprintf("bucket %s at %s, prefix %q", s3.Bucket, s3.Endpoint, s3.Prefix), bucket: true}, nil
	}
	dir := srcDir
	if toDataDir != "" {
		var err error
		if dir, err = filepath.Abs(toDataDir); err != nil {
			return copyDest{}, err
		}
	}
	return copyDest{files: campaign.LocalFiles(dir), where: dir, inPlace: dir == srcDir}, nil
}

// s3Settings are the SILLAGE_S3_ settings every instance needs to find
// the bucket s3, as NAME=value, the keys by name only: they are secrets.
func s3Settings(s3 campaign.S3Config) []string {
	out := []string{"SILLAGE_S3_ENDPOINT=" + s3.Endpoint, "SILLAGE_S3_BUCKET=" + s3.Bucket}
	if s3.Prefix != "" {
		out = append(out, "SILLAGE_S3_PREFIX="+s3.Prefix)
	}
	if s3.Region != "" {
		out = append(out, "SILLAGE_S3_REGION="+s3.Region)
	}
	if s3.PathStyle {
		out = append(out, "SILLAGE_S3_PATH_STYLE=true")
	}
	if s3.Insecure {
		out = append(out, "SILLAGE_S3_INSECURE=true")
	}
	if s3.AccessKey != "" {
		out = append(out, "SILLAGE_S3_ACCESS_KEY and SILLAGE_S3_SECRET_KEY (the same keys)")
	}
	return out
}
