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

// Leak is a link that more devices tried than it has seats (claims plus
// devices refused exceed seats): it was most likely posted somewhere
// public, or forwarded on by its recipient instead of asking for a new one.
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
	l := &links{fwd: make([]int32, s.len()), sender: make([]int32, len(t.Links)), toOpen: make([]int64, 0, len(t.Links)), leaks: []Leak{}}
	for i := range t.Links {
		k := &t.Links[i]
		l.sender[i] = -1
		if !w.contains(k.CreatedAt) {
			continue
		}
		l.total++
		opened := (k.Claims > 0 || !k.FirstClaimAt.IsZero()) && w.before(k.FirstClaimAt)
		if opened {
			l.opened++
		}
		if k.Claims+k.Refused > k.Seats {
			l.leaks = append(l.leaks, Leak{Link: k.ID, Sender: k.Sender, Channel: k.Channel, Seats: k.Seats, Claims: k.Claims, Refused: k.Refused})
		}
		if k.Sender == 0 {
			l.seeds.add(k.Channel, 1)
			if opened {
				l.seedsOpened.add(k.Channel, 1)
			}
			continue
		}
		l.forwards.add(k.Channel, 1)
		if opened {
			l.forwardsOpened.add(k.Channel, 1)
			if !k.FirstClaimAt.IsZero() {
				l.toOpen = append(l.toOpen, k.FirstClaimAt.UnixMicro()-k.CreatedAt.UnixMicro())
			}
		}
		if j := s.window(k.Sender); j >= 0 {
			l.fwd[j]++
			l.sender[i] = int32(j)
		}
	}
	slices.SortFunc(l.leaks, func(a, b Leak) int {
		return cmp.Or(cmp.Compare(b.Refused, a.Refused), cmp.Compare(a.Link, b.Link))
	})
	return l
}
