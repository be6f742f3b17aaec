package gating

import (
	"context"
	"database/sql"
	"encoding/binary"
	"errors"
	"fmt"
	"time"

	"github.com/sillage/sillage/campaign"
	"github.com/sillage/sillage/campaign/cascade"
)

// snapshotMin is the smallest tree worth a snapshot: smaller ones are read
// from their rows in a few milliseconds.
const snapshotMin = 10_000

// snapshotVersion is the first byte of a snapshot; a snapshot of another
// version is ignored and the tree read from its rows. Version 2 added each
// claim's network; a version 1 snapshot was written before claims had
// one, so it is read with every network unknown.
const snapshotVersion = 2

// SaveTrees writes a snapshot of every large campaign tree held in memory,
// so that the next process reads it back at once instead of row by row.
// Call it when the server stops, after the last write.
func (s *Store) SaveTrees(ctx context.Context) error {
	s.trees.mu.Lock()
	cached := make(map[campaign.ID]*cachedTree, len(s.trees.byID))
	for id, c := range s.trees.byID {
		cached[id] = c
	}
	s.trees.mu.Unlock()
	var errs []error
	for id, c := range cached {
		c.mu.Lock()
		var err error
		if len(c.tree.Nodes) >= snapshotMin {
			err = s.saveTree(ctx, id, c)
		}
		c.mu.Unlock()
		if err != nil {
			errs = append(errs, fmt.Errorf("campaign %d: %w", id, err))
		}
	}
	return errors.Join(errs...)
}

// WarmTrees reads back the trees that were in memory when the server last
// stopped, from their snapshots, so that the first figures asked for after
// a restart come from memory as they did before it. Snapshots older than
// the last stop are left alone: nobody was reading those campaigns. Run it
// in the background once the server listens; a request that comes first
// waits for its own tree only.
func (s *Store) WarmTrees(ctx context.Context) error {
	rows, err := s.db.Read.QueryContext(ctx, `SELECT campaign_id FROM tree_snapshots
		WHERE saved_at >= (SELECT MAX(saved_at) FROM tree_snapshots) - $1 ORDER BY campaign_id`, time.Minute.Milliseconds())
	if err != nil {
		return fmt.Errorf("warm trees: %w", err)
	}
	var ids []campaign.ID
	for rows.Next() {
		var id campaign.ID
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return fmt.Errorf("warm trees: %w", err)
		}
		ids = append(ids, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("warm trees: %w", err)
	}
	var errs []error
	for _, id := range ids {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		err := s.WithTree(ctx, id, func(*cascade.Tree) error { return nil })
		if err != nil && !errors.Is(err, campaign.ErrNotFound) {
			errs = append(errs, fmt.Errorf("campaign %d: %w", id, err)) // the others may still load
		}
	}
	return errors.Join(errs...)
}

// saveTree writes c with where it stops: the last ids read, and on
// PostgreSQL the snapshot it was read under. Several instances save the
// same campaign's tree when they stop; each snapshot holds a tree and
// what it was read under, so any is right, and the newest is kept.
func (s *Store) saveTree(ctx context.Context, id campaign.ID, c *cachedTree) error {
	_, err := s.db.Write.ExecContext(ctx, `INSERT INTO tree_snapshots (campaign_id, last_claim, last_link, data, saved_at, feed)
		VALUES ($1, $2, $3, $4, $5, $6)
		ON CONFLICT (campaign_id) DO UPDATE SET last_claim = excluded.last_claim, last_link = excluded.last_link,
			data = excluded.data, saved_at = excluded.saved_at, feed = excluded.feed
		WHERE tree_snapshots.saved_at <= excluded.saved_at`,
		id, c.lastClaim, c.lastLink, encodeTree(&c.tree), s.now().UnixMilli(), c.feed)
	return err
}

// loadSnapshot fills c from campaign id's snapshot, if it has a readable
// one, and says whether it did. On PostgreSQL only a snapshot with its
// feed will do: the last ids read do not bound what it holds there. On
// SQLite only one without: one read on PostgreSQL (and copied) may lack
// rows below its last ids.
func loadSnapshot(ctx context.Context, tx *sql.Tx, id campaign.ID, c *cachedTree, pg bool) (bool, error) {
	rows, err := tx.QueryContext(ctx, `SELECT last_claim, last_link, data, feed FROM tree_snapshots WHERE campaign_id = $1`, id)
	if err != nil {
		return false, fmt.Errorf("load tree snapshot: %w", err)
	}
	defer rows.Close()
	if !rows.Next() {
		if err := rows.Err(); err != nil {
			return false, fmt.Errorf("load tree snapshot: %w", err)
		}
		return false, nil
	}
	var (
		lastClaim, lastLink int64
		data                sql.RawBytes // decoded before Close: saves a copy of tens of MB
		feed                string
	)
	if err := rows.Scan(&lastClaim, &lastLink, &data, &feed); err != nil {
		return false, fmt.Errorf("load tree snapshot: %w", err)
	}
	if (feed != "") != pg {
		return false, nil // read on the other store: the rows are still there
	}
	t, ok := decodeTree(data)
	if !ok {
		return false, nil // unreadable: the rows are still there
	}
	c.tree, c.lastClaim, c.lastLink, c.feed = t, lastClaim, lastLink, feed
	return true, nil
}

// The encoding: a version byte, the node and link counts, then each node
// and each link as varints, ids and times as deltas from the previous row
// (both are sorted by id and mostly by time), channels as one byte, a
// claim's network as four. About 16 bytes a claim and 14 a link.

func encodeTree(t *cascade.Tree) []byte {
	b := make([]byte, 0, 1+2*binary.MaxVarintLen64+len(t.Nodes)*18+len(t.Links)*16)
	b = append(b, snapshotVersion)
	b = binary.AppendUvarint(b, uint64(len(t.Nodes)))
	b = binary.AppendUvarint(b, uint64(len(t.Links)))
	var id, at int64
	for _, n := range t.Nodes {
		us := n.ClaimedAt.UnixMicro()
		b = binary.AppendVarint(b, n.ID-id)
		b = binary.AppendVarint(b, n.ID-n.Parent)
		b = binary.AppendVarint(b, int64(n.Depth))
		b = append(b, channelCode(n.Channel))
		b = binary.AppendVarint(b, n.ID-n.Link)
		b = binary.AppendVarint(b, us-at)
		b = binary.BigEndian.AppendUint32(b, n.Network)
		id, at = n.ID, us
	}
	id, at = 0, 0
	for _, l := range t.Links {
		us := l.CreatedAt.UnixMicro()
		b = binary.AppendVarint(b, l.ID-id)
		b = binary.AppendVarint(b, l.Sender)
		b = append(b, channelCode(l.Channel))
		b = binary.AppendVarint(b, int64(l.Seats))
		b = binary.AppendVarint(b, int64(l.Claims))
		b = binary.AppendVarint(b, int64(l.Refused))
		b = binary.AppendVarint(b, us-at)
		first := int64(-1) // never claimed
		if !l.FirstClaimAt.IsZero() {
			first = l.FirstClaimAt.UnixMicro() - us
		}
		b = binary.AppendVarint(b, first)
		id, at = l.ID, us
	}
	return b
}

// decodeTree reads what encodeTree wrote; false for anything else.
func decodeTree(b []byte) (cascade.Tree, bool) {
	r := reader{b: b}
	version := byte(0)
	if len(b) > 0 {
		version = r.byte()
	}
	if version != 1 && version != snapshotVersion {
		return cascade.Tree{}, false
	}
	nodes, links := r.uvarint(), r.uvarint()
	// Each row takes at least 6 bytes: counts beyond what the blob can
	// hold are a corrupt snapshot, not a reason to allocate.
	if r.err || nodes > uint64(len(b))/6 || links > uint64(len(b))/6 {
		return cascade.Tree{}, false
	}
	t := cascade.Tree{Nodes: make([]cascade.Node, nodes), Links: make([]cascade.Link, links)}
	var id, at int64
	for i := range t.Nodes {
		n := &t.Nodes[i]
		n.ID = id + r.varint()
		n.Parent = n.ID - r.varint()
		n.Depth = int(r.varint())
		n.Channel = channelName(r.byte())
		n.Link = n.ID - r.varint()
		at += r.varint()
		n.ClaimedAt = time.UnixMicro(at).UTC()
		if version >= 2 {
			n.Network = r.uint32()
		}
		id = n.ID
	}
	id, at = 0, 0
	for i := range t.Links {
		l := &t.Links[i]
		l.ID = id + r.varint()
		l.Sender = r.varint()
		l.Channel = channelName(r.byte())
		l.Seats, l.Claims, l.Refused = int(r.varint()), int(r.varint()), int(r.varint())
		at += r.varint()
		l.CreatedAt = time.UnixMicro(at).UTC()
		if first := r.varint(); first >= 0 {
			l.FirstClaimAt = time.UnixMicro(at + first).UTC()
		}
		id = l.ID
	}
	if r.err || len(r.b) != 0 {
		return cascade.Tree{}, false
	}
	return t, true
}

func channelCode(ch string) byte {
	for i, c := range Channels {
		if string(c) == ch {
			return byte(i)
		}
	}
	return 255
}

func channelName(code byte) string {
	if int(code) < len(Channels) {
		return string(Channels[code])
	}
	return ""
}

// reader walks a snapshot, remembering the first error instead of
// returning one per value.
type reader struct {
	b   []byte
	err bool
}

func (r *reader) byte() byte {
	if len(r.b) == 0 {
		r.err = true
		return 0
	}
	v := r.b[0]
	r.b = r.b[1:]
	return v
}

func (r *reader) uint32() uint32 {
	if len(r.b) < 4 {
		r.err = true
		return 0
	}
	v := binary.BigEndian.Uint32(r.b)
	r.b = r.b[4:]
	return v
}

func (r *reader) uvarint() uint64 {
	v, n := binary.Uvarint(r.b)
	if n <= 0 {
		r.err = true
		return 0
	}
	r.b = r.b[n:]
	return v
}

func (r *reader) varint() int64 {
	v, n := binary.Varint(r.b)
	if n <= 0 {
		r.err = true
		return 0
	}
	r.b = r.b[n:]
	return v
}
