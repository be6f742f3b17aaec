package main

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"time"

	"github.com/sillage/sillage/campaign"
	"github.com/sillage/sillage/campaign/cascade"
	"github.com/sillage/sillage/gating"
	"github.com/sillage/sillage/migrations"
	"github.com/sillage/sillage/migrations/dbcopy"
	"github.com/sillage/sillage/migrations/storage"
	"github.com/sillage/sillage/notify"
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

	// The snapshot, beside the source so that it has room for it.
	tmp, err := os.MkdirTemp(filepath.Dir(srcPath), ".db-copy-")
	if err != nil {
		return fmt.Errorf("db copy: %w", err)
	}
	defer os.RemoveAll(tmp)
	snapPath := filepath.Join(tmp, "snapshot.db")
	if err := storage.Snapshot(ctx, srcPath, snapPath); err != nil {
		return err
	}
	taken := time.Now()
	fmt.Fprintf(stdout, "source: %s, as it was at %s; what the server writes after that is not copied (stop it first)\n",
		srcPath, taken.Format(time.RFC3339))
	snap, err := storage.Open(ctx, snapPath)
	if err != nil {
		return err
	}
	defer snap.Close()
	key, keyFrom, err := copyBodyKey(ctx, snap, cfg, srcDir)
	if err != nil {
		return err
	}

	target, err := storage.Open(ctx, to)
	if err != nil {
		return err
	}
	defer target.Close()
	if err := dbcopy.CheckEmpty(ctx, target.Write); err != nil {
		return fmt.Errorf("db copy: %s: %w; nothing was written", target.Target, err)
	}
	srcVersion, err := migrations.Version(ctx, snap.Write)
	if err != nil {
		return err
	}
	dstVersion, err := migrations.Version(ctx, target.Write)
	if err != nil {
		return err
	}
	if srcVersion != dstVersion {
		return fmt.Errorf("db copy: the source is at schema version %d, the target at %d: copy with the binary that made the target; nothing was written", srcVersion, dstVersion)
	}
	tables, err := dbcopy.Plan(ctx, snap.Read, target.Read)
	if err != nil {
		return err
	}

	// Files first: no committed row ever names a file that is not there.
	stored, err := campaign.StoredFiles(ctx, snap.Read)
	if err != nil {
		return err
	}
	var put campaign.Files
	if !dst.inPlace {
		put = dst.files
	}
	files, err := dbcopy.CopyFiles(ctx, stored, campaign.LocalFiles(srcDir), put)
	if err != nil {
		return fmt.Errorf("db copy: %w; no row was written", err)
	}
	var size int64
	for _, f := range files {
		size += f.Size
	}
	fmt.Fprintf(stdout, "content: %s, %s in %s, each read back and checked by size and SHA-256\n", count(nFiles, len(files)), count(nBytes, int(size)), dst.where)

	copied, err := dbcopy.Copy(ctx, snap.Read, target.Write, tables)
	if err != nil {
		return fmt.Errorf("db copy: %w; no row was written", err)
	}
	var counts []string
	for _, t := range tables {
		counts = append(counts, fmt.Sprintf("%s %d", t.Name, copied.Rows[t.Name]))
	}
	fmt.Fprintf(stdout, "rows into %s: %s\n", target.Target, strings.Join(counts, ", "))

	diffs, err := verifyCopy(ctx, snap, target, tables, copied, dst.files, files, key)
	if err != nil {
		diffs = append(diffs, err.Error())
	}
	if len(diffs) > 0 {
		for _, d := range diffs {
			fmt.Fprintln(stderr, "differs:", d)
		}
		return fmt.Errorf("db copy: the copy in %s differs from the source (above): drop that database (DROP DATABASE) and copy again into a new one", target.Target)
	}
	fmt.Fprintln(stdout, "checked: every table's rows, every campaign's counters, tree, figures and exports, every content file, and the sequences (next ids above the copied ones)")
	switch {
	case key == nil:
		fmt.Fprintln(stdout, "body key: none yet; give every instance the same one before serving: head -c32 /dev/urandom | base64 > body.key, and SILLAGE_BODY_KEY_FILE=body.key")
	case printKey:
		fmt.Fprintf(stdout, "body key (from %s): %s\n", keyFrom, base64.StdEncoding.EncodeToString(key))
		fallthrough
	default:
		fmt.Fprintf(stdout, "body key: it opens the queued messages and its fingerprint is in the target; install %s as SILLAGE_BODY_KEY_FILE (or its base64, --print-body-key, as SILLAGE_BODY_KEY) on every instance\n", keyFrom)
	}
	switch {
	case dst.bucket:
		fmt.Fprintf(stdout, "media: in the bucket; set on every instance, as for this copy: %s\n", strings.Join(s3Settings(cfg.Media.S3), " "))
		fmt.Fprintf(stdout, "serve with -db %s\n", target.Target)
	case !dst.inPlace:
		fmt.Fprintf(stdout, "serve with -data-dir %s -db %s\n", dst.where, target.Target)
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

// copyBodyKey returns the key that sealed the source's messages and
// where it came from: SILLAGE_BODY_KEY, SILLAGE_BODY_KEY_FILE, else
// DATA_DIR/body.key; nil when there is none and nothing is sealed. It
// opens a sealed body of the snapshot with it, if there is one, and
// records its fingerprint there (notify's own check), so that the
// fingerprint row crosses with the other settings in the copy's one
// transaction. A key that does not open the messages fails the copy
// before anything is written.
func copyBodyKey(ctx context.Context, snap *storage.DB, cfg *config, dataDir string) ([]byte, string, error) {
	var key []byte
	var from string
	var err error
	switch {
	case cfg.Notify.BodyKey != nil:
		key, from = cfg.Notify.BodyKey, "SILLAGE_BODY_KEY"
	case cfg.Notify.BodyKeyFile != "":
		from = cfg.Notify.BodyKeyFile
		key, err = notify.ReadBodyKeyFile(from)
	default:
		from = filepath.Join(dataDir, "body.key")
		key, err = notify.ReadBodyKeyFile(from)
		if errors.Is(err, fs.ErrNotExist) {
			inUse, err := notify.BodyKeyInUse(ctx, snap)
			if err != nil {
				return nil, "", err
			}
			if inUse {
				return nil, "", fmt.Errorf("db copy: %w: %s is missing; set SILLAGE_BODY_KEY_FILE to the key the server used", notify.ErrBodyKeyMismatch, from)
			}
			return nil, "", nil
		}
	}
	if err != nil {
		return nil, "", fmt.Errorf("db copy: %w", err)
	}
	check := notify.NewStore(snap, notify.Config{BodyKey: key})
	if err := check.CheckBodyKey(ctx); err != nil {
		return nil, "", fmt.Errorf("db copy: %w; nothing was written", err)
	}
	return key, from, nil
}

// verifyCopy reads the source snapshot and the target through the same
// code and returns every difference: each table's rows (count and
// digest), each campaign as the domain reads it (the campaign, its
// counters, tree, figures and every export, the outbox's counts), the
// content files read back from where the target serves them (its folder
// or bucket), the sequences, and the body key's
// fingerprint.
func verifyCopy(ctx context.Context, snap, target *storage.DB, tables []dbcopy.Table, copied *dbcopy.Copied,
	dstFiles campaign.Files, files []dbcopy.File, key []byte) ([]string, error) {
	var diffs []string
	for _, t := range tables {
		a, err := dbcopy.DigestTable(ctx, snap.Read, storage.SQLite, t)
		if err != nil {
			return nil, err
		}
		b, err := dbcopy.DigestTable(ctx, target.Read, storage.Postgres, t)
		if err != nil {
			return nil, err
		}
		if a != b {
			diffs = append(diffs, fmt.Sprintf("table %s: source rows %d (digest %.16s), target rows %d (%.16s)", t.Name, a.Rows, a.Sum, b.Rows, b.Sum))
		}
	}

	now := time.Now()
	clock := func() time.Time { return now }
	type side struct {
		campaigns *campaign.Store
		gate      *gating.Store
		notify    *notify.Store
	}
	sides := [2]side{}
	for i, db := range []*storage.DB{snap, target} {
		sides[i] = side{campaign.NewStore(db, "", clock), gating.NewStore(db, clock), notify.NewStore(db, notify.Config{Now: clock, BodyKey: key})}
		defer sides[i].gate.Close()
	}
	src, err := sides[0].campaigns.List(ctx)
	if err != nil {
		return nil, err
	}
	dst, err := sides[1].campaigns.List(ctx)
	if err != nil {
		return nil, err
	}
	if !reflect.DeepEqual(src, dst) {
		diffs = append(diffs, fmt.Sprintf("campaigns: the source lists %d, the target %d, or they differ", len(src), len(dst)))
	}
	for _, c := range src {
		var views [2]campaignView
		for i, s := range sides {
			if views[i], err = readCampaign(ctx, s.campaigns, s.gate, s.notify, c, now); err != nil {
				return nil, fmt.Errorf("campaign %d: %w", c.ID, err)
			}
		}
		diffs = append(diffs, views[0].diff(views[1], c.ID)...)
	}

	if err := dbcopy.CheckFiles(ctx, dstFiles, files); err != nil {
		diffs = append(diffs, err.Error())
	}
	next, err := dbcopy.NextIDs(ctx, target.Read, tables)
	if err != nil {
		return nil, err
	}
	for name, n := range copied.MaxID {
		if next[name] <= n {
			diffs = append(diffs, fmt.Sprintf("table %s: the next id would be %d, not above the %d copied", name, next[name], n))
		}
	}
	if key != nil {
		if err := sides[1].notify.CheckBodyKey(ctx); err != nil {
			diffs = append(diffs, err.Error())
		}
	}
	return diffs, nil
}

// campaignView is one campaign as one store's domain code reads it.
type campaignView struct {
	counters map[string]int64
	tree     *cascade.Tree
	figures  []byte            // the figures as /stats encodes them
	exports  map[string][]byte // each export format's bytes
	outbox   map[notify.Status]int
}

// readCampaign reads campaign c from one side, at the time now.
func readCampaign(ctx context.Context, campaigns *campaign.Store, gate *gating.Store, deliveries *notify.Store, c *campaign.Campaign, now time.Time) (campaignView, error) {
	var v campaignView
	var err error
	if v.counters, err = campaigns.Counters(ctx, c.ID); err != nil {
		return v, err
	}
	if v.tree, err = gate.Tree(ctx, c.ID); err != nil {
		return v, err
	}
	slices.SortFunc(v.tree.TakeOvers, func(a, b time.Time) int { return a.Compare(b) }) // kept in any order
	if v.figures, err = json.Marshal(cascade.Compute(*v.tree, cascade.Window{Now: now})); err != nil {
		return v, err
	}
	v.exports = map[string][]byte{}
	for name, write := range map[string]func(io.Writer, *cascade.Tree) error{
		"csv":     cascade.WriteCSV,
		"edges":   cascade.WriteEdgesCSV,
		"json":    cascade.WriteJSON,
		"graphml": func(w io.Writer, t *cascade.Tree) error { return cascade.WriteGraphML(w, t, c.Title) },
	} {
		var b bytes.Buffer
		if err := write(&b, v.tree); err != nil {
			return v, err
		}
		v.exports[name] = b.Bytes()
	}
	if v.outbox, err = deliveries.Counts(ctx, int64(c.ID)); err != nil {
		return v, err
	}
	return v, nil
}

// diff names what differs between the source's view a and the target's b.
func (a campaignView) diff(b campaignView, id campaign.ID) []string {
	var out []string
	add := func(what string, same bool) {
		if !same {
			out = append(out, fmt.Sprintf("campaign %d: %s", id, what))
		}
	}
	add(fmt.Sprintf("counters %v, target %v", a.counters, b.counters), reflect.DeepEqual(a.counters, b.counters))
	add(fmt.Sprintf("tree (nodes %d, links %d), target (nodes %d, links %d)", len(a.tree.Nodes), len(a.tree.Links), len(b.tree.Nodes), len(b.tree.Links)),
		reflect.DeepEqual(a.tree, b.tree))
	add(fmt.Sprintf("figures %s, target %s", a.figures, b.figures), bytes.Equal(a.figures, b.figures))
	for name := range a.exports {
		add(name+" export", bytes.Equal(a.exports[name], b.exports[name]))
	}
	add(fmt.Sprintf("outbox %v, target %v", a.outbox, b.outbox), reflect.DeepEqual(a.outbox, b.outbox))
	return out
}
