package cascade

// Figures is everything a marketer reads about a campaign's spread over a
// window. Rates with a zero denominator are 0, since JSON has no NaN; the
// counts beside them tell an empty figure from a zero one.
type Figures struct {
	Views     int `json:"views"`     // claims: the tree's nodes
	Reach     int `json:"reach"`     // distinct devices that unlocked the content: claims, plus the new devices that took a released seat over
	Reviews   int `json:"reviews"`   // campaign total
	Exposures int `json:"exposures"` // campaign total
	Previews  int `json:"previews"`  // campaign total

	Links          int                 `json:"links"`           // minted, seeds and forwards
	LinksOpened    int                 `json:"links_opened"`    // with a first claim before the window's end
	SeedLinks      PerChannel[int]     `json:"seed_links"`      // links minted by the marketer
	Forwards       PerChannel[int]     `json:"forwards"`        // links minted by claims
	ForwardsOpened PerChannel[int]     `json:"forwards_opened"` // of those, opened
	Conversion     PerChannel[float64] `json:"conversion"`      // forwards opened / forwards
	SeedConversion PerChannel[float64] `json:"seed_conversion"` // seed links opened / seed links
	Forwarders     int                 `json:"forwarders"`      // claims that minted a link
	ForwarderShare float64             `json:"forwarder_share"` // forwarders / views
	// KFactor is the viral coefficient: new viewers brought per viewer,
	// the window's claims whose parent claim is in the window over the
	// window's claims (each claim but a seed claim was brought by exactly
	// one viewer, its parent). Per channel, the numerator counts only the
	// claims made through a link of that channel, so the channels add up
	// to All. A 3-seat link opened by 3 people brings 3 viewers.
	KFactor PerChannel[float64] `json:"k_factor"`

	Generations []int     `json:"generations"` // views per depth, index 0 = depth 1
	Branching   []float64 `json:"branching"`   // mean child claims per claim at each depth, index 0 = depth 1
	MaxBreadth  int       `json:"max_breadth"` // the largest generation
	Depth       Depths    `json:"depth"`
	// StructuralVirality is the size-weighted mean of the cascades'
	// structural virality over the cascades of two claims or more, nil
	// (null) when there is none: see campaignVirality.
	StructuralVirality *float64 `json:"structural_virality"`

	TimeToOpen   Timing     `json:"time_to_open"` // forward link minted -> first claim
	CycleTime    Timing     `json:"cycle_time"`   // parent claim -> child claim
	ViewsPerHour Series     `json:"views_per_hour"`
	Milestones   Milestones `json:"milestones"`

	Ambassadors Ambassadors `json:"ambassadors"`
	Forecast    Forecast    `json:"forecast"`
	Networks    Networks    `json:"networks"` // how concentrated the views are by client network
	Leaks       []Leak      `json:"leaks"`    // among the window's links, most refused first
	Cascades    []Cascade   `json:"cascades"` // largest first, see Cascades
}

// Depths sums up how far from the campaign the views are, by their true
// depth. Every depth of the figures counts the same way: the campaign is
// depth 0, a seed claim (someone the marketer reached) depth 1, a claim
// of a link it forwarded depth 2, and so on.
type Depths struct {
	Max          int       `json:"max"`
	Mean         float64   `json:"mean"`
	Median       float64   `json:"median"`       // mean of the two middle depths for an even count
	Distribution []float64 `json:"distribution"` // share of views at each depth, index 0 = depth 1
}

// Compute returns the figures of the tree over the window w (see Window for
// how a window cuts the tree). t.Nodes should be sorted by ID, as loaded;
// unsorted nodes are sorted on a copy. It runs in time linear in the size
// of the tree (but for sorting the lists of leaks and cascades), with no
// recursion; its working slices are pooled between calls. It does not modify t, keeps nothing of it, and is safe for
// concurrent use.
func Compute(t Tree, w Window) Figures {
	s := newShape(t, w)
	defer s.release()
	m := s.len()
	f := Figures{Views: m, Reach: m, Reviews: t.Reviews, Exposures: t.Exposures, Previews: t.Previews}
	for _, at := range t.TakeOvers {
		if w.contains(at) {
			f.Reach++
		}
	}

	f.Generations, f.Branching = s.generations()
	f.Depth = depths(f.Generations, m)
	for _, g := range f.Generations {
		f.MaxBreadth = max(f.MaxBreadth, g)
	}

	l := s.countLinks(t, w)
	f.Links, f.LinksOpened = l.total, l.opened
	f.SeedLinks, f.Forwards, f.ForwardsOpened = l.seeds, l.forwards, l.forwardsOpened
	f.Conversion = ratio(l.forwardsOpened, l.forwards)
	f.SeedConversion = ratio(l.seedsOpened, l.seeds)
	for _, n := range l.fwd {
		if n > 0 {
			f.Forwarders++
		}
	}
	if m > 0 {
		f.ForwarderShare = float64(f.Forwarders) / float64(m)
		views := PerChannel[int]{All: m, WhatsApp: m, SMS: m, Email: m, Link: m}
		f.KFactor = ratio(s.brought(), views)
	}

	f.TimeToOpen, _ = timing(l.toOpen)
	var cycleP90 float64
	f.CycleTime, cycleP90 = timing(s.cycle)
	f.Forecast = s.forecast(w.Now, cycleP90, m)
	c := s.clock(len(f.Generations), s.cycle) // the cycle times are spent
	f.ViewsPerHour = c.perHour()
	f.Milestones = c.milestones()

	f.Ambassadors = s.ambassadors(l, t, TopAmbassadors)
	f.Networks = s.networks()
	f.Leaks = l.leaks
	f.Cascades = s.cascades()
	f.StructuralVirality = campaignVirality(f.Cascades)
	return f
}

// brought counts the window's claims whose parent claim is in the window,
// by the channel of the link they claimed: the viewers the window's
// viewers brought.
func (s *shape) brought() PerChannel[int] {
	var out PerChannel[int]
	for j, p := range s.par {
		if p >= 0 {
			out.add(s.node(j).Channel, 1)
		}
	}
	return out
}

// generations counts the window's views per depth and the mean number of
// child claims (in the window) of the claims at each depth.
func (s *shape) generations() ([]int, []float64) {
	gens := []int{}
	var kids []int
	for j := range s.len() {
		d := int(s.depth[j])
		for len(gens) < d {
			gens, kids = append(gens, 0), append(kids, 0)
		}
		gens[d-1]++
		kids[d-1] += int(s.kids[j])
	}
	branching := make([]float64, len(gens))
	for d, g := range gens {
		if g > 0 {
			branching[d] = float64(kids[d]) / float64(g)
		}
	}
	return gens, branching
}

// depths sums up m views spread over generations.
func depths(gens []int, m int) Depths {
	out := Depths{Max: len(gens), Distribution: make([]float64, len(gens))}
	if m == 0 {
		return out
	}
	sum := 0
	for d, g := range gens {
		sum += (d + 1) * g
		out.Distribution[d] = float64(g) / float64(m)
	}
	out.Mean = float64(sum) / float64(m)
	out.Median = float64(nthDepth(gens, (m-1)/2)+nthDepth(gens, m/2)) / 2
	return out
}

// nthDepth returns the depth of the k-th view (from 0) in depth order.
func nthDepth(gens []int, k int) int {
	for d, g := range gens {
		if k < g {
			return d + 1
		}
		k -= g
	}
	return len(gens)
}
