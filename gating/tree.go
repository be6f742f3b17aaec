package gating

import (
	"cmp"
	"context"
	"database/sql"
	"encoding/binary"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/sillage/sillage/campaign"
	"github.com/sillage/sillage/campaign/cascade"
	"github.com/sillage/sillage/migrations/storage"
)

// treeIdle is how long an unused campaign tree stays in memory.
const treeIdle = 10 * time.Minute

// trees keeps each campaign's forward tree in memory. Claims and links are
// never deleted and their tree-shaping columns never change, so a cached
// tree is brought up to date by reading only the rows added since: reading
// a million rows costs seconds through cgo, the few new ones nothing.
//
// "Added since" is exact on both stores. SQLite has one writer, which
// commits ids in the order it takes them: the rows after the last id read.
// On PostgreSQL a transaction may take id 100, another 101 and commit
// first: a refresh reads the rows whose transactions the previous
// refresh's snapshot did not see (SCALE-OUT.md §3), which may hold ids
// below those already held.
type trees struct {
	mu    sync.Mutex
	byID  map[campaign.ID]*cachedTree
	swept time.Time
}

type cachedTree struct {
	mu        sync.Mutex // one reader or refresher at a time
	tree      cascade.Tree
	lastClaim int64 // the highest claim id read
	lastLink  int64 // the highest link id read
	// feed is, on PostgreSQL, the snapshot the tree was last read under,
	// as pg_current_snapshot() text. Empty before the first read, and
	// always on SQLite, which reads by id.
	feed string
	used time.Time
	// nodes and links mirror len(tree.Nodes) and len(tree.Links) after
	// each refresh, for TreeStats, which must not wait for mu.
	nodes, links atomic.Int64
}

// get returns the campaign's cache entry, creating it, and forgets the
// trees nobody asked for lately.
func (t *trees) get(id campaign.ID, now time.Time) *cachedTree {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.byID == nil {
		t.byID = make(map[campaign.ID]*cachedTree)
	}
	if now.Sub(t.swept) > time.Minute {
		for k, c := range t.byID {
			if c.mu.TryLock() {
				if now.Sub(c.used) > treeIdle {
					delete(t.byID, k)
				}
				c.mu.Unlock()
			}
		}
		t.swept = now
	}
	c, ok := t.byID[id]
	if !ok {
		c = &cachedTree{}
		t.byID[id] = c
	}
	return c
}

// WithTree calls fn with campaign id's whole forward tree (claims and
// links sorted by id, counts up to date) and returns fn's error, or
// campaign.ErrNotFound. fn must not keep the tree: it is only valid during
// the call, which holds the campaign's tree for itself.
func (s *Store) WithTree(ctx context.Context, id campaign.ID, fn func(*cascade.Tree) error) error {
	c := s.trees.get(id, s.now())
	c.mu.Lock()
	defer c.mu.Unlock()
	c.used = s.now()
	if err := s.refresh(ctx, id, c); err != nil {
		// A refresh cut short may have read the new links but not their
		// claims, which a later refresh would then count twice: start over.
		c.tree, c.lastClaim, c.lastLink, c.feed = cascade.Tree{}, 0, 0, ""
		c.nodes.Store(0)
		c.links.Store(0)
		return err
	}
	c.nodes.Store(int64(len(c.tree.Nodes)))
	c.links.Store(int64(len(c.tree.Links)))
	return fn(&c.tree)
}

// Tree returns a copy of campaign id's forward tree.
func (s *Store) Tree(ctx context.Context, id campaign.ID) (*cascade.Tree, error) {
	var out cascade.Tree
	err := s.WithTree(ctx, id, func(t *cascade.Tree) error {
		out = *t
		out.Nodes, out.Links, out.TakeOvers = slices.Clone(t.Nodes), slices.Clone(t.Links), slices.Clone(t.TakeOvers)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// refresh reads what was added to the campaign since the last refresh, on
// one read snapshot so that claims and links agree.
func (s *Store) refresh(ctx context.Context, id campaign.ID, c *cachedTree) error {
	pg := s.db.Dialect == storage.Postgres
	opts := &sql.TxOptions{ReadOnly: true}
	if pg {
		// The snapshot kept as the feed must be the one every row is read
		// under: one per transaction, where READ COMMITTED takes one per
		// statement.
		opts.Isolation = sql.LevelRepeatableRead
	}
	tx, err := s.db.Read.BeginTx(ctx, opts)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	var feed string
	if pg {
		if err := tx.QueryRowContext(ctx, `SELECT pg_current_snapshot()::text`).Scan(&feed); err != nil {
			return fmt.Errorf("tree snapshot: %w", err)
		}
	}
	if _, err := campaign.FindTx(ctx, tx, id); err != nil {
		return err
	}
	t := &c.tree
	if c.feed == "" && c.lastClaim == 0 && c.lastLink == 0 {
		// A first read starts from the last snapshot when there is one,
		// and reads only the rows added since.
		loaded, err := loadSnapshot(ctx, tx, id, c, pg)
		if err != nil {
			return err
		}
		if !loaded {
			if err := preallocate(ctx, tx, id, t); err != nil {
				return err
			}
		}
	}
	fresh, err := appendLinks(ctx, tx, id, c, t)
	if err != nil {
		return err
	}
	if err := appendNodes(ctx, tx, id, c, t, fresh); err != nil {
		return err
	}
	c.feed = feed
	if err := readRefusals(ctx, tx, id, t); err != nil {
		return err
	}
	if err := readTakeOvers(ctx, tx, id, t); err != nil {
		return err
	}
	for name, dst := range map[string]*int{
		campaign.CountReviews:   &t.Reviews,
		campaign.CountExposures: &t.Exposures,
		campaign.CountPreviews:  &t.Previews,
	} {
		n, err := campaign.CountTx(ctx, tx, id, name)
		if err != nil {
			return err
		}
		*dst = int(n)
	}
	return nil
}

// preallocate sizes a first read's slices once: growing slices of a
// million structs by doubling would copy them over and over.
func preallocate(ctx context.Context, tx *sql.Tx, id campaign.ID, t *cascade.Tree) error {
	var nodes, links int
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM claims WHERE campaign_id = $1`, id).Scan(&nodes); err != nil {
		return fmt.Errorf("count claims: %w", err)
	}
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM links WHERE campaign_id = $1`, id).Scan(&links); err != nil {
		return fmt.Errorf("count links: %w", err)
	}
	t.Nodes, t.Links = make([]cascade.Node, 0, nodes), make([]cascade.Link, 0, links)
	return nil
}

// channelOf interns the four channel names, so a million rows share four
// strings instead of allocating one each.
func channelOf(b []byte) string {
	for _, ch := range Channels {
		if string(b) == string(ch) {
			return string(ch)
		}
	}
	return string(b)
}

// networkOf shortens a claim's network hash to the 32 bits a node keeps:
// enough to tell a campaign's networks apart (two of ten thousand share
// a value with odds of about one in a hundred, which moves a share by a
// few views at most). 0 is kept for unknown.
func networkOf(hash []byte) uint32 {
	if len(hash) < 4 {
		return 0
	}
	return max(binary.BigEndian.Uint32(hash), 1)
}

// freshLinks says which links a refresh read: their claims were counted
// with them, in the same snapshot.
type freshLinks struct {
	above int64          // every link above this id, when ids is nil
	ids   map[int64]bool // these, when some came below links held before
}

func (f freshLinks) has(id int64) bool {
	if f.ids != nil {
		return f.ids[id]
	}
	return id > f.above
}

// sinceFeed is the condition of the rows that the snapshot $2 did not
// see: every transaction below its xmin had ended when it was taken.
const sinceFeed = `campaign_id = $1 AND txid >= pg_snapshot_xmin($2::pg_snapshot) AND NOT pg_visible_in_snapshot(txid, $2::pg_snapshot)`

// appendLinks reads the links minted since c was last read, into t in id
// order, and returns which they are. Their claims and first claim come
// from the same snapshot (a seat taken over was claimed once: claimed +
// released counts every claim ever).
func appendLinks(ctx context.Context, tx *sql.Tx, id campaign.ID, c *cachedTree, t *cascade.Tree) (freshLinks, error) {
	const cols = `SELECT id, sender_claim_id, channel, seats, claimed + released, created_at, first_claimed_at FROM links WHERE `
	query, args := cols+`campaign_id = $1 AND id > $2 ORDER BY id`, []any{id, c.lastLink}
	if c.feed != "" {
		query, args = cols+sinceFeed+` ORDER BY id`, []any{id, c.feed}
	}
	held := len(t.Links)
	fresh := freshLinks{}
	if held > 0 {
		fresh.above = t.Links[held-1].ID
	}
	rows, err := tx.QueryContext(ctx, query, args...)
	if err != nil {
		return fresh, fmt.Errorf("load links: %w", err)
	}
	defer rows.Close()
	var (
		sender, first sql.NullInt64
		channel       sql.RawBytes
		created       int64
	)
	for rows.Next() {
		var l cascade.Link
		if err := rows.Scan(&l.ID, &sender, &channel, &l.Seats, &l.Claims, &created, &first); err != nil {
			return fresh, fmt.Errorf("load links: %w", err)
		}
		l.Sender, l.Channel, l.CreatedAt = sender.Int64, channelOf(channel), time.UnixMilli(created).UTC()
		if first.Valid {
			l.FirstClaimAt = time.UnixMilli(first.Int64).UTC()
		}
		t.Links = append(t.Links, l)
		c.lastLink = max(c.lastLink, l.ID)
	}
	if err := rows.Err(); err != nil {
		return fresh, fmt.Errorf("load links: %w", err)
	}
	if held > 0 && len(t.Links) > held && t.Links[held].ID < fresh.above {
		fresh.ids = make(map[int64]bool, len(t.Links)-held)
		for _, l := range t.Links[held:] {
			fresh.ids[l.ID] = true
		}
		mergeByID(t.Links, held, func(l *cascade.Link) int64 { return l.ID })
	}
	return fresh, nil
}

// appendNodes reads the claims made since c was last read, into t in id
// order. A claim on a link that this refresh did not read (an earlier one
// did) updates that link's claims and first claim; the fresh links were
// read with theirs.
func appendNodes(ctx context.Context, tx *sql.Tx, id campaign.ID, c *cachedTree, t *cascade.Tree, fresh freshLinks) error {
	// A first read walks the campaign's index; a refresh on SQLite walks
	// the primary key from where it stopped, which the campaign index
	// cannot do; one on PostgreSQL walks the campaign's transactions.
	const cols = `SELECT id, campaign_id, parent_id, depth, channel, link_id, claimed_at, network FROM claims WHERE `
	query, args := cols+`campaign_id = $1 ORDER BY id`, []any{id}
	switch {
	case c.feed != "":
		query, args = cols+sinceFeed+` ORDER BY id`, []any{id, c.feed}
	case c.lastClaim > 0:
		query, args = cols+`id > $1 ORDER BY id`, []any{c.lastClaim}
	}
	held := len(t.Nodes)
	rows, err := tx.QueryContext(ctx, query, args...)
	if err != nil {
		return fmt.Errorf("load claims: %w", err)
	}
	defer rows.Close()
	var (
		owner   campaign.ID
		parent  sql.NullInt64
		channel sql.RawBytes
		network sql.RawBytes
		claimed int64
	)
	for rows.Next() {
		var n cascade.Node
		if err := rows.Scan(&n.ID, &owner, &parent, &n.Depth, &channel, &n.Link, &claimed, &network); err != nil {
			return fmt.Errorf("load claims: %w", err)
		}
		c.lastClaim = max(c.lastClaim, n.ID)
		if owner != id {
			continue // another campaign's claim, met on the primary key
		}
		n.Parent, n.Channel, n.ClaimedAt = parent.Int64, channelOf(channel), time.UnixMilli(claimed).UTC()
		n.Network = networkOf(network)
		if !fresh.has(n.Link) {
			if i, ok := slices.BinarySearchFunc(t.Links, n.Link, func(x cascade.Link, id int64) int { return cmp.Compare(x.ID, id) }); ok {
				l := &t.Links[i]
				l.Claims++
				if l.FirstClaimAt.IsZero() || n.ClaimedAt.Before(l.FirstClaimAt) {
					l.FirstClaimAt = n.ClaimedAt
				}
			}
		}
		t.Nodes = append(t.Nodes, n)
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("load claims: %w", err)
	}
	// cascade wants nodes sorted by id: a parent before its children.
	mergeByID(t.Nodes, held, func(n *cascade.Node) int64 { return n.ID })
	return nil
}

// mergeByID sorts s by id when s[:held] and s[held:] each are: rows
// committed out of id order (PostgreSQL only) land among those held.
// In id order already, as nearly always, it returns at once.
func mergeByID[T any](s []T, held int, id func(*T) int64) {
	if held == 0 || held == len(s) || id(&s[held-1]) < id(&s[held]) {
		return
	}
	tail := slices.Clone(s[held:])
	i, j := held-1, len(tail)-1
	for k := len(s) - 1; j >= 0; k-- {
		if i >= 0 && id(&s[i]) > id(&tail[j]) {
			s[k] = s[i]
			i--
		} else {
			s[k] = tail[j]
			j--
		}
	}
}

// readRefusals sets the refused count of the few links that have one.
func readRefusals(ctx context.Context, tx *sql.Tx, id campaign.ID, t *cascade.Tree) error {
	rows, err := tx.QueryContext(ctx, `SELECT id, refused FROM links WHERE campaign_id = $1 AND refused > 0`, id)
	if err != nil {
		return fmt.Errorf("load refusals: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var link int64
		var refused int
		if err := rows.Scan(&link, &refused); err != nil {
			return err
		}
		if i, ok := slices.BinarySearchFunc(t.Links, link, func(x cascade.Link, id int64) int { return cmp.Compare(x.ID, id) }); ok {
			t.Links[i].Refused = refused
		}
	}
	return rows.Err()
}

// readTakeOvers reads again the time of every seat takeover of the
// campaign: a new device that saw the content without adding a node. The
// query walks seat_releases, a table of the few seats marketers released,
// and looks each claim's campaign up by its key, so that its cost does
// not grow with the campaign's claims.
func readTakeOvers(ctx context.Context, tx *sql.Tx, id campaign.ID, t *cascade.Tree) error {
	rows, err := tx.QueryContext(ctx, `SELECT r.taken_over_at FROM seat_releases r
		WHERE r.taken_over_at IS NOT NULL AND (SELECT c.campaign_id FROM claims c WHERE c.id = r.claim_id) = $1`, id)
	if err != nil {
		return fmt.Errorf("load takeovers: %w", err)
	}
	defer rows.Close()
	t.TakeOvers = nil // a new slice: a copy of the tree may still hold the old one
	for rows.Next() {
		var at int64
		if err := rows.Scan(&at); err != nil {
			return fmt.Errorf("load takeovers: %w", err)
		}
		t.TakeOvers = append(t.TakeOvers, time.UnixMilli(at).UTC())
	}
	return rows.Err()
}
