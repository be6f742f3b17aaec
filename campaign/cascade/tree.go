// Package cascade computes the figures of a campaign's forward tree: pure
// functions over claims and links, with no I/O.
package cascade

import "time"

// Node is one claim: one device that unlocked one link. The campaign is the
// root at depth 0; a seed-link claim has Parent 0 and Depth 1.
type Node struct {
	ID        int64  // claim id, > 0; a parent's ID is always smaller than its children's
	Parent    int64  // parent claim id, 0 for a seed-link claim
	Depth     int    // 1 for seed-link claims, parent's depth + 1 otherwise
	Channel   string // channel of the link claimed: "whatsapp", "sms", "email", "link"
	Link      int64  // id of the link claimed
	ClaimedAt time.Time
	Network   uint32 // the client's network, as the first bits of its daily-salted hash; 0 when unknown
}

// Link is one minted link (seed links have Sender 0).
type Link struct {
	ID           int64
	Sender       int64 // claim id that minted it (a forward); 0 for seed links
	Channel      string
	Seats        int
	Claims       int // seats taken
	Refused      int // distinct devices turned away because it was full
	CreatedAt    time.Time
	FirstClaimAt time.Time // zero when never claimed
}

// Tree is everything known about one campaign's spread. Nodes and Links
// are sorted by ID.
type Tree struct {
	Nodes     []Node
	Links     []Link
	Reviews   int // re-opens of a claim by its own device
	Exposures int // an already-reached device unlocking another link
	Previews  int // link-preview fetches (link pasted in a chat)
	// TakeOvers holds, in any order, the time of each takeover: a new
	// device taking over a released seat keeps the claim's node (no new
	// view) but is one more device that saw the content.
	TakeOvers []time.Time
}
