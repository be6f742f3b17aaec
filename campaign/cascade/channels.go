package cascade

import (
	"cmp"
	"slices"
)

// The channels a link travels by.
const (
	chWhatsApp = "whatsapp"
	chSMS      = "sms"
	chEmail    = "email"
	chLink     = "link" // copied, QR code, handed out
)

// PerChannel holds one figure for all channels together and for each
// channel. All includes links of a channel none of the four names.
type PerChannel[T int | float64] struct {
	All      T `json:"all"`
	WhatsApp T `json:"whatsapp"`
	SMS      T `json:"sms"`
	Email    T `json:"email"`
	Link     T `json:"link"`
}

// add adds v to All and to channel's own figure.
func (p *PerChannel[T]) add(channel string, v T) {
	p.All += v
	switch channel {
	case chWhatsApp:
		p.WhatsApp += v
	case chSMS:
		p.SMS += v
	case chEmail:
		p.Email += v
	case chLink:
		p.Link += v
	}
}

// channelIndex numbers the channels 0 to 3 in PerChannel's order, and any
// other 4, to count links in arrays: one string comparison per link.
func channelIndex(channel string) int {
	switch channel {
	case chWhatsApp:
		return 0
	case chSMS:
		return 1
	case chEmail:
		return 2
	case chLink:
		return 3
	}
	return 4
}

// perChannel turns counts by channelIndex into a PerChannel.
func perChannel(c [5]int) PerChannel[int] {
	return PerChannel[int]{All: c[0] + c[1] + c[2] + c[3] + c[4], WhatsApp: c[0], SMS: c[1], Email: c[2], Link: c[3]}
}

// ratio divides a by b channel by channel, with 0 where b is 0 (JSON has
// no NaN; the counts beside a ratio tell an empty channel from a dead one).
func ratio(a, b PerChannel[int]) PerChannel[float64] {
	r := func(x, y int) float64 {
		if y == 0 {
			return 0
		}
		return float64(x) / float64(y)
	}
	return PerChannel[float64]{
		All:      r(a.All, b.All),
		WhatsApp: r(a.WhatsApp, b.WhatsApp),
		SMS:      r(a.SMS, b.SMS),
		Email:    r(a.Email, b.Email),
		Link:     r(a.Link, b.Link),
	}
}

// Leak is a link refused to more devices than it has seats: it was most
// likely posted somewhere public. One refusal is not a leak (a recipient
// may open a one-seat link on a second phone); the rule is gating's, which
// can revoke leaked links as it refuses.
type Leak struct {
	Link    int64  `json:"link"`
	Sender  int64  `json:"sender"` // the claim that minted it, 0 for a seed link
	Channel string `json:"channel"`
	Seats   int    `json:"seats"`
	Claims  int    `json:"claims"`
	Refused int    `json:"refused"`
}

// links holds the figures of the window's links.
type links struct {
	total, opened  int
	seeds          PerChannel[int] // seed links minted
	seedsOpened    PerChannel[int]
	forwards       PerChannel[int] // links minted by claims
	forwardsOpened PerChannel[int]
	toOpen         []int64 // microseconds from minting to first claim, forward links
	fwd            []int32 // forward links minted, per window position
	sender         []int32 // per link of the tree: its sender's window position, or -1
	leaks          []Leak
}

// countLinks reads the links minted in the window once. Time to open is
// measured on forward links only: seed links are minted in batches and
// handed out later (printed QR codes), which says nothing of how fast
// people open what a friend sends them.
func (s *shape) countLinks(t Tree, w Window) *links {
	l := &links{
		fwd:    s.sc.int32s(rFwd, s.len()),
		sender: s.sc.int32s(rSender, len(t.Links)),
		toOpen: s.sc.int64s(rTemp64, len(t.Links))[:0],
		leaks:  []Leak{},
	}
	var n [2][2][5]int // [forward][opened][channel]
	for i := range t.Links {
		k := &t.Links[i]
		l.sender[i] = -1
		if !w.contains(k.CreatedAt) {
			continue
		}
		opened := (k.Claims > 0 || !k.FirstClaimAt.IsZero()) && w.before(k.FirstClaimAt)
		if k.Refused > k.Seats {
			l.leaks = append(l.leaks, Leak{Link: k.ID, Sender: k.Sender, Channel: k.Channel, Seats: k.Seats, Claims: k.Claims, Refused: k.Refused})
		}
		forward := k.Sender != 0
		n[b2i(forward)][b2i(opened)][channelIndex(k.Channel)]++
		if !forward {
			continue
		}
		if opened && !k.FirstClaimAt.IsZero() {
			l.toOpen = append(l.toOpen, k.FirstClaimAt.UnixMicro()-k.CreatedAt.UnixMicro())
		}
		l.sender[i] = -2 // a forward: looked up below
	}
	// Senders are looked up, then counted, each in a pass of its own for
	// the same reason as parents in newShape.
	for i, j := range l.sender {
		if j == -2 {
			l.sender[i] = int32(s.window(t.Links[i].Sender))
		}
	}
	for _, j := range l.sender {
		if j >= 0 {
			l.fwd[j]++
		}
	}
	l.seedsOpened, l.forwardsOpened = perChannel(n[0][1]), perChannel(n[1][1])
	for c := range 5 {
		n[0][0][c] += n[0][1][c]
		n[1][0][c] += n[1][1][c]
	}
	l.seeds, l.forwards = perChannel(n[0][0]), perChannel(n[1][0])
	l.total = l.seeds.All + l.forwards.All
	l.opened = l.seedsOpened.All + l.forwardsOpened.All
	slices.SortFunc(l.leaks, func(a, b Leak) int {
		return cmp.Or(cmp.Compare(b.Refused, a.Refused), cmp.Compare(a.Link, b.Link))
	})
	return l
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}
