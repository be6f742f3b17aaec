package cascade

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
//
// The networks are sorted and counted run by run rather than in a map: a
// million claims from a hundred thousand networks would miss the cache at
// nearly every map update, while a radix sort streams through memory.
func (s *shape) networks() Networks {
	var out Networks
	m := s.len()
	nets := s.sc.int32s(rNet, m)[:0]
	for j := range m {
		if n := s.node(j).Network; n != 0 {
			nets = append(nets, int32(n))
		} else {
			out.Unknown++
		}
	}
	radixSort(nets, s.sc.int32s(rNetTmp, len(nets)))
	var top [10]int // the busiest networks' views, most first
	for i := 0; i < len(nets); {
		k := i + 1
		for k < len(nets) && nets[k] == nets[i] {
			k++
		}
		out.Distinct++
		if c := k - i; c > top[len(top)-1] {
			p := len(top) - 1
			for ; p > 0 && top[p-1] < c; p-- {
				top[p] = top[p-1]
			}
			top[p] = c
		}
		i = k
	}
	if m == 0 || out.Distinct == 0 {
		return out
	}
	top10 := 0
	for _, c := range top {
		top10 += c
	}
	out.Top = top[0]
	out.TopShare = float64(out.Top) / float64(m)
	out.Top10Share = float64(top10) / float64(m)
	out.OnePerson = out.Top >= OnePersonViews && 2*out.Top > m
	return out
}

// radixSort sorts a by its bits as unsigned numbers, a byte at a time,
// using tmp (as long as a) as the other buffer: four passes leave the
// result in a.
func radixSort(a, tmp []int32) {
	src, dst := a, tmp
	for shift := 0; shift < 32; shift += 8 {
		var count [257]int
		for _, v := range src {
			count[(uint32(v)>>shift)&0xff+1]++
		}
		for i := 1; i < len(count); i++ {
			count[i] += count[i-1]
		}
		for _, v := range src {
			b := (uint32(v) >> shift) & 0xff
			dst[count[b]] = v
			count[b]++
		}
		src, dst = dst, src
	}
}
