package cascade

import (
	"cmp"
	"slices"
)

// Networks says how concentrated a window's views are by client network:
// many views from one network look like one person clearing cookies or
// forwarding to themselves. A network is known only as a hash whose salt
// changes every day, so one network on two days counts as two.
type Networks struct {
	Distinct   int     `json:"distinct"`    // networks among the views whose network is known
	Unknown    int     `json:"unknown"`     // views with no network: made before networks were recorded, or from a local peer
	Top        int     `json:"top"`         // views from the busiest network
	TopShare   float64 `json:"top_share"`   // Top / views
	Top10Share float64 `json:"top10_share"` // views from the ten busiest networks / views
	// OnePerson flags a window where the busiest network holds more than
	// half the views, and at least OnePersonViews of them.
	OnePerson bool `json:"one_person"`
}

// OnePersonViews is the fewest views from one network that can raise the
// OnePerson flag: a handful of views from one home is no alarm.
const OnePersonViews = 10

// networks counts the window's views by network. Shares are of all the
// window's views, unknown ones included: claims of unknown network are
// not one network, so a share is never overstated by them.
func (s *shape) networks() Networks {
	var out Networks
	m := s.len()
	counts := make(map[uint32]int)
	for j := range m {
		if n := s.node(j).Network; n != 0 {
			counts[n]++
		} else {
			out.Unknown++
		}
	}
	out.Distinct = len(counts)
	if m == 0 || len(counts) == 0 {
		return out
	}
	busiest := make([]int, 0, len(counts))
	for _, c := range counts {
		busiest = append(busiest, c)
	}
	slices.SortFunc(busiest, func(a, b int) int { return cmp.Compare(b, a) })
	top10 := 0
	for _, c := range busiest[:min(10, len(busiest))] {
		top10 += c
	}
	out.Top = busiest[0]
	out.TopShare = float64(out.Top) / float64(m)
	out.Top10Share = float64(top10) / float64(m)
	out.OnePerson = out.Top >= OnePersonViews && 2*out.Top > m
	return out
}
