package cascade

import "time"

// Window restricts the figures to a period: the claims made and the links
// minted in [From, To). A zero From or To leaves that side open, so the zero
// Window is the whole campaign. Now is the clock of the forecast; with a
// zero Now no forecast is made.
//
// A window cuts the tree, and the figures treat the cut this way:
//   - a claim keeps its true depth: depth figures, generations and depth
//     milestones place it where it is in the campaign's tree;
//   - tree-shape figures (cascades and their structural virality, subtree
//     sizes, branching, K-factor, ambassadors) use the claims inside the
//     window only: a claim whose parent lies outside hangs directly from
//     the campaign's root, counts as nobody's child (nor as brought by a
//     viewer of the window), and starts no cascade (only seed claims do),
//     so its subtree is in no cascade;
//   - reach counts the window's claims and the seat takeovers made in it;
//   - the viral cycle time of a claim whose parent lies outside still counts:
//     the parent's claim time is known;
//   - a link counts as opened when its first claim came before To;
//     its Claims and Refused are the counts as loaded, not windowed;
//   - Reviews, Exposures and Previews have no timestamps: they are always
//     the campaign's totals.
type Window struct {
	From, To, Now time.Time
}

// whole reports whether the window holds the whole campaign.
func (w Window) whole() bool { return w.From.IsZero() && w.To.IsZero() }

// contains reports whether t falls in [From, To).
func (w Window) contains(t time.Time) bool {
	return (w.From.IsZero() || !t.Before(w.From)) && (w.To.IsZero() || t.Before(w.To))
}

// before reports whether t comes before To.
func (w Window) before(t time.Time) bool { return w.To.IsZero() || t.Before(w.To) }
