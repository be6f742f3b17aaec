package app

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"time"

	"github.com/sillage/sillage/campaign"
	"github.com/sillage/sillage/campaign/cascade"
	"github.com/sillage/sillage/gating"
	"github.com/sillage/sillage/migrations"
	"github.com/sillage/sillage/migrations/dbcopy"
	"github.com/sillage/sillage/migrations/storage"
	"github.com/sillage/sillage/notify"
)

// CopyOptions say what CopyDatabase copies, and where to.
type CopyOptions struct {
	Source    string // the SQLite file, an absolute path
	SourceDir string // its data folder, an absolute path: where its content files are
	Target    string // the postgres:// URL of an empty database

	// Files is where the content files go (the target's folder or
	// bucket), where they are read back from to be checked; PutFiles is
	// false when Files is SourceDir itself, where they are already.
	Files    campaign.Files
	PutFiles bool

	// The key that sealed the source's queued messages: BodyKey
	// (SILLAGE_BODY_KEY), else the file BodyKeyFile
	// (SILLAGE_BODY_KEY_FILE), else SourceDir/body.key if there is one.
	BodyKey     []byte
	BodyKeyFile string

	// Told as each step is done, for the operator; nil: not told.
	Snapshot func(at time.Time)                                                // the snapshot the copy reads is taken
	Copied   func(files []dbcopy.File, size int64)                             // every content file is in place, read back and checked
	Rows     func(target string, tables []dbcopy.Table, copied *dbcopy.Copied) // every row is in the target
}

// CopyResult is what CopyDatabase did.
type CopyResult struct {
	Target  string   // the target, without its password
	Key     []byte   // the body key, nil when there is none (nothing is sealed)
	KeyFrom string   // where the key came from
	Diffs   []string // every difference found between the source and the copy: none, or the copy is to drop
}

// CopyDatabase moves a SQLite installation into an empty PostgreSQL
// database (SCALE-OUT.md §7): a snapshot of the source beside it, its
// content files into opts.Files, every row in one transaction, then a
// check that every table, every campaign's figures and exports and every
// file (read back from where the target serves it) are the same on both
// sides (VerifyCopy), in CopyResult.Diffs. An error means nothing, or
// nothing more than the files, was written; a difference means a copy to
// drop.
func CopyDatabase(ctx context.Context, opts CopyOptions) (*CopyResult, error) {
	// The snapshot, beside the source so that it has room for it.
	tmp, err := os.MkdirTemp(filepath.Dir(opts.Source), ".db-copy-")
	if err != nil {
		return nil, fmt.Errorf("db copy: %w", err)
	}
	defer os.RemoveAll(tmp)
	snapPath := filepath.Join(tmp, "snapshot.db")
	if err := storage.Snapshot(ctx, opts.Source, snapPath); err != nil {
		return nil, err
	}
	if opts.Snapshot != nil {
		opts.Snapshot(time.Now())
	}
	snap, err := storage.Open(ctx, snapPath)
	if err != nil {
		return nil, err
	}
	defer snap.Close()
	key, keyFrom, err := copyBodyKey(ctx, snap, opts)
	if err != nil {
		return nil, err
	}

	target, err := storage.Open(ctx, opts.Target)
	if err != nil {
		return nil, err
	}
	defer target.Close()
	tables, err := planCopy(ctx, snap, target)
	if err != nil {
		return nil, err
	}

	// Files first: no committed row ever names a file that is not there.
	files, err := copyFiles(ctx, snap, opts)
	if err != nil {
		return nil, err
	}

	copied, err := dbcopy.Copy(ctx, snap.Read, target.Write, tables)
	if err != nil {
		return nil, fmt.Errorf("db copy: %w; no row was written", err)
	}
	if opts.Rows != nil {
		opts.Rows(target.Target, tables, copied)
	}

	res := &CopyResult{Target: target.Target, Key: key, KeyFrom: keyFrom}
	res.Diffs, err = VerifyCopy(ctx, snap, target, tables, copied, opts.Files, files, key)
	if err != nil {
		res.Diffs = append(res.Diffs, err.Error())
	}
	return res, nil
}

// planCopy checks that the target is empty and at the snapshot's schema
// version, and returns the tables to copy.
func planCopy(ctx context.Context, snap, target *storage.DB) ([]dbcopy.Table, error) {
	if err := dbcopy.CheckEmpty(ctx, target.Write); err != nil {
		return nil, fmt.Errorf("db copy: %s: %w; nothing was written", target.Target, err)
	}
	srcVersion, err := migrations.Version(ctx, snap.Write)
	if err != nil {
		return nil, err
	}
	dstVersion, err := migrations.Version(ctx, target.Write)
	if err != nil {
		return nil, err
	}
	if srcVersion != dstVersion {
		return nil, fmt.Errorf("db copy: the source is at schema version %d, the target at %d: copy with the binary that made the target; nothing was written", srcVersion, dstVersion)
	}
	return dbcopy.Plan(ctx, snap.Read, target.Read)
}

// copyFiles puts the content files the snapshot names into opts.Files,
// unless they are there already, reads each back to check it, and tells
// opts.Copied.
func copyFiles(ctx context.Context, snap *storage.DB, opts CopyOptions) ([]dbcopy.File, error) {
	stored, err := campaign.StoredFiles(ctx, snap.Read)
	if err != nil {
		return nil, err
	}
	var put campaign.Files
	if opts.PutFiles {
		put = opts.Files
	}
	files, err := dbcopy.CopyFiles(ctx, stored, campaign.LocalFiles(opts.SourceDir), put)
	if err != nil {
		return nil, fmt.Errorf("db copy: %w; no row was written", err)
	}
	if opts.Copied != nil {
		var size int64
		for _, f := range files {
			size += f.Size
		}
		opts.Copied(files, size)
	}
	return files, nil
}

// copyBodyKey returns the key that sealed the source's messages and
// where it came from: SILLAGE_BODY_KEY, SILLAGE_BODY_KEY_FILE, else
// DATA_DIR/body.key; nil when there is none and nothing is sealed. It
// opens a sealed body of the snapshot with it, if there is one, and
// records its fingerprint there (notify's own check), so that the
// fingerprint row crosses with the other settings in the copy's one
// transaction. A key that does not open the messages fails the copy
// before anything is written.
func copyBodyKey(ctx context.Context, snap *storage.DB, opts CopyOptions) ([]byte, string, error) {
	var key []byte
	var from string
	var err error
	switch {
	case opts.BodyKey != nil:
		key, from = opts.BodyKey, "SILLAGE_BODY_KEY"
	case opts.BodyKeyFile != "":
		from = opts.BodyKeyFile
		key, err = notify.ReadBodyKeyFile(from)
	default:
		from = filepath.Join(opts.SourceDir, "body.key")
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

// VerifyCopy reads the source snapshot and the target through the same
// code and returns every difference: each table's rows (count and
// digest), each campaign as the domain reads it (the campaign, its
// counters, tree, figures and every export, the outbox's counts), the
// content files read back from where the target serves them (its folder
// or bucket), the sequences, and the body key's
// fingerprint.
func VerifyCopy(ctx context.Context, snap, target *storage.DB, tables []dbcopy.Table, copied *dbcopy.Copied,
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
	for _, f := range cascade.Formats {
		var b bytes.Buffer
		if err := f.Write(&b, v.tree, c.Title); err != nil {
			return v, err
		}
		v.exports[f.Name] = b.Bytes()
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
