package gating

import (
	"encoding/binary"
	"reflect"
	"testing"
	"time"

	"github.com/sillage/sillage/campaign/cascade"
)

// A version 1 snapshot, written before claims had a network, still reads,
// with every network unknown; version 2 keeps each claim's.
func TestSnapshotVersions(t *testing.T) {
	t0 := time.Date(2026, 11, 23, 20, 0, 0, 0, time.UTC)
	tree := cascade.Tree{
		Nodes: []cascade.Node{
			{ID: 1, Depth: 1, Channel: "link", Link: 1, ClaimedAt: t0, Network: 0xdeadbeef},
			{ID: 2, Parent: 1, Depth: 2, Channel: "sms", Link: 2, ClaimedAt: t0.Add(time.Minute)},
		},
		Links: []cascade.Link{
			{ID: 1, Channel: "link", Seats: 1, Claims: 1, CreatedAt: t0, FirstClaimAt: t0},
			{ID: 2, Sender: 1, Channel: "sms", Seats: 1, Claims: 1, CreatedAt: t0, FirstClaimAt: t0.Add(time.Minute)},
		},
	}
	got, ok := decodeTree(encodeTree(&tree))
	if !ok || !reflect.DeepEqual(got, tree) {
		t.Fatalf("version 2 round trip: %v\n%+v\nwant %+v", ok, got, tree)
	}

	// Version 1: the same, without the four bytes of each claim's network.
	v1 := []byte{1}
	v1 = binary.AppendUvarint(v1, uint64(len(tree.Nodes)))
	v1 = binary.AppendUvarint(v1, uint64(len(tree.Links)))
	var id, at int64
	for _, n := range tree.Nodes {
		us := n.ClaimedAt.UnixMicro()
		v1 = binary.AppendVarint(v1, n.ID-id)
		v1 = binary.AppendVarint(v1, n.ID-n.Parent)
		v1 = binary.AppendVarint(v1, int64(n.Depth))
		v1 = append(v1, channelCode(n.Channel))
		v1 = binary.AppendVarint(v1, n.ID-n.Link)
		v1 = binary.AppendVarint(v1, us-at)
		id, at = n.ID, us
	}
	v2 := encodeTree(&tree)
	v1 = append(v1, v2[len(v2)-linksLen(t, v2, len(tree.Nodes)):]...)
	got, ok = decodeTree(v1)
	want := tree
	want.Nodes = []cascade.Node{tree.Nodes[0], tree.Nodes[1]}
	want.Nodes[0].Network = 0
	if !ok || !reflect.DeepEqual(got, want) {
		t.Fatalf("version 1: %v\n%+v\nwant %+v", ok, got, want)
	}
}

// linksLen returns how many bytes of a version 2 snapshot its links take.
func linksLen(t *testing.T, b []byte, nodes int) int {
	t.Helper()
	r := reader{b: b[1:]}
	r.uvarint()
	r.uvarint()
	for range nodes {
		for range 3 {
			r.varint()
		}
		r.byte()
		r.varint()
		r.varint()
		r.uint32()
	}
	if r.err {
		t.Fatal("bad snapshot")
	}
	return len(r.b)
}
