package cascade

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"reflect"
	"testing"
	"time"
)

func TestComputeForest(t *testing.T) {
	// Seeds 1 (chain 1-2-3), 4 (star 4-5,6,7) and 8 (alone).
	f := Compute(build(t, 0, 1, 2, 0, 4, 4, 4, 0), Window{})
	if got, want := f.Views, 8; got != want {
		t.Errorf("Views = %d, want %d", got, want)
	}
	if got, want := f.Reach, 8; got != want {
		t.Errorf("Reach = %d, want %d", got, want)
	}
	if got, want := f.Generations, []int{3, 4, 1}; !equal(got, want) {
		t.Errorf("Generations = %v, want %v", got, want)
	}
	if got, want := f.Branching, []float64{4.0 / 3, 1.0 / 4, 0}; !equal(got, want) {
		t.Errorf("Branching = %v, want %v", got, want)
	}
	if got, want := f.MaxBreadth, 4; got != want {
		t.Errorf("MaxBreadth = %d, want %d", got, want)
	}
	want := Depths{Max: 3, Mean: 1.75, Median: 2, Distribution: []float64{3.0 / 8, 4.0 / 8, 1.0 / 8}}
	if got := f.Depth; !reflect.DeepEqual(got, want) {
		t.Errorf("Depth = %+v, want %+v", got, want)
	}
	// Claim i comes i-1 minutes after t0: cycles of 1, 1, 1, 2 and 3
	// minutes; each link was minted a second before its claim.
	if got, want := f.CycleTime, (Timing{Count: 5, Median: 60, P90: 156}); got != want {
		t.Errorf("CycleTime = %+v, want %+v", got, want)
	}
	if got, want := f.TimeToOpen, (Timing{Count: 5, Median: 1, P90: 1}); got != want {
		t.Errorf("TimeToOpen = %+v, want %+v", got, want)
	}
}

func TestComputeEmpty(t *testing.T) {
	f := Compute(Tree{Reviews: 2, Exposures: 3, Previews: 4}, Window{Now: t0})
	if f.Views != 0 || f.Reach != 0 || f.StructuralVirality != nil || f.MaxBreadth != 0 || f.Depth.Max != 0 {
		t.Errorf("empty tree: %+v", f)
	}
	if got, want := [3]int{f.Reviews, f.Exposures, f.Previews}, [3]int{2, 3, 4}; got != want {
		t.Errorf("reviews, exposures, previews = %v, want %v", got, want)
	}
	if f.Forecast.Possible || f.Forecast.Reason == "" {
		t.Errorf("Forecast = %+v, want impossible with a reason", f.Forecast)
	}
	// Lists are empty, not null, for API clients.
	b, err := json.Marshal(f)
	if err != nil {
		t.Fatal(err)
	}
	var got map[string]any
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatal(err)
	}
	for _, key := range []string{"generations", "branching", "leaks", "cascades"} {
		if v, ok := got[key].([]any); !ok || len(v) != 0 {
			t.Errorf("%s = %v, want []", key, got[key])
		}
	}
	if _, ok := got["views_per_hour"].(map[string]any)["start"]; ok {
		t.Errorf("views_per_hour.start present with no view: %s", b)
	}
}

func TestComputeSingleClaim(t *testing.T) {
	f := Compute(build(t, 0), Window{})
	if got, want := f.Views, 1; got != want {
		t.Errorf("Views = %d, want %d", got, want)
	}
	// One claim has no pair: structural virality is undefined.
	if got := f.StructuralVirality; got != nil {
		t.Errorf("StructuralVirality = %v, want nil", *got)
	}
	if got, want := f.Depth, (Depths{Max: 1, Mean: 1, Median: 1, Distribution: []float64{1}}); !reflect.DeepEqual(got, want) {
		t.Errorf("Depth = %+v, want %+v", got, want)
	}
	if got, want := f.CycleTime, (Timing{}); got != want {
		t.Errorf("CycleTime = %+v, want %+v", got, want)
	}
	if got := f.Ambassadors; len(got.BySubtree) != 0 || len(got.ByForwards) != 0 {
		t.Errorf("Ambassadors = %+v, want none", got)
	}
}

// linkTree is a small campaign with every kind of link:
//
//	claims: 1 seed (email link 1), 2 and 3 seeds (one WhatsApp group link 2
//	of two seats), 4 and 5 children of 1, 6 child of 4.
//	links: 1 seed email, opened; 2 seed whatsapp, 2 seats, 2 claims, 1 refused;
//	3 by 1 whatsapp, opened; 4 by 1 sms, opened; 5 by 1 email, never opened;
//	6 by 4 whatsapp, opened; 7 by 4 whatsapp, never opened; 8 seed "link",
//	never opened, 2 refused; 9 by 2 email, never opened, 1 refused.
func linkTree() Tree {
	at := func(m int) time.Time { return t0.Add(time.Duration(m) * time.Minute) }
	node := func(id, parent int64, depth int, ch string, link int64, m int) Node {
		return Node{ID: id, Parent: parent, Depth: depth, Channel: ch, Link: link, ClaimedAt: at(m)}
	}
	link := func(id, sender int64, ch string, seats, claims, refused, created, first int) Link {
		l := Link{ID: id, Sender: sender, Channel: ch, Seats: seats, Claims: claims, Refused: refused, CreatedAt: at(created)}
		if first >= 0 {
			l.FirstClaimAt = at(first)
		}
		return l
	}
	return Tree{
		Nodes: []Node{
			node(1, 0, 1, chEmail, 1, 0),
			node(2, 0, 1, chWhatsApp, 2, 1),
			node(3, 0, 1, chWhatsApp, 2, 2),
			node(4, 1, 2, chWhatsApp, 3, 4),
			node(5, 1, 2, chSMS, 4, 6),
			node(6, 4, 3, chWhatsApp, 6, 12),
		},
		Links: []Link{
			link(1, 0, chEmail, 1, 1, 0, 0, 0),
			link(2, 0, chWhatsApp, 2, 2, 1, 0, 1),
			link(3, 1, chWhatsApp, 1, 1, 0, 3, 4),
			link(4, 1, chSMS, 1, 1, 0, 3, 6),
			link(5, 1, chEmail, 1, 0, 0, 3, -1),
			link(6, 4, chWhatsApp, 1, 1, 0, 8, 12),
			link(7, 4, chWhatsApp, 1, 0, 0, 8, -1),
			link(8, 0, chLink, 1, 0, 2, 0, -1),
			link(9, 2, chEmail, 1, 0, 1, 5, -1),
		},
	}
}

func TestComputeLinks(t *testing.T) {
	f := Compute(linkTree(), Window{})
	for _, c := range []struct {
		name      string
		got, want any
	}{
		{"Links", f.Links, 9},
		{"LinksOpened", f.LinksOpened, 5},
		{"SeedLinks", f.SeedLinks, PerChannel[int]{All: 3, WhatsApp: 1, Email: 1, Link: 1}},
		{"Forwards", f.Forwards, PerChannel[int]{All: 6, WhatsApp: 3, SMS: 1, Email: 2}},
		{"ForwardsOpened", f.ForwardsOpened, PerChannel[int]{All: 3, WhatsApp: 2, SMS: 1}},
		{"Conversion", f.Conversion, PerChannel[float64]{All: 0.5, WhatsApp: 2.0 / 3, SMS: 1}},
		{"SeedConversion", f.SeedConversion, PerChannel[float64]{All: 2.0 / 3, WhatsApp: 1, Email: 1}},
		{"Forwarders", f.Forwarders, 3},
		{"ForwarderShare", f.ForwarderShare, 0.5},
		{"KFactor", f.KFactor, PerChannel[float64]{All: 3.0 / 6, WhatsApp: 2.0 / 6, SMS: 1.0 / 6}},
		// Links 3, 4 and 6 opened after 1, 3 and 4 minutes.
		{"TimeToOpen", f.TimeToOpen, Timing{Count: 3, Median: 180, P90: 228}},
		{"Leaks", f.Leaks, []Leak{
			{Link: 8, Channel: chLink, Seats: 1, Refused: 2},
			// Link 2 (2 seats, 2 claims) refused 1 device, not more than
			// its seats: no leak.
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			if !reflect.DeepEqual(c.got, c.want) {
				t.Errorf("got %+v, want %+v", c.got, c.want)
			}
		})
	}
}

func TestAmbassadors(t *testing.T) {
	t.Run("LinkTree", func(t *testing.T) {
		got := Compute(linkTree(), Window{}).Ambassadors
		want := Ambassadors{
			BySubtree: []Ambassador{
				{Claim: 1, Depth: 1, Channel: chEmail, Descendants: 3, Children: 2, Forwards: PerChannel[int]{All: 3, WhatsApp: 1, SMS: 1, Email: 1}},
				{Claim: 4, Depth: 2, Channel: chWhatsApp, Descendants: 1, Children: 1, Forwards: PerChannel[int]{All: 2, WhatsApp: 2}},
			},
			ByForwards: []Ambassador{
				{Claim: 1, Depth: 1, Channel: chEmail, Descendants: 3, Children: 2, Forwards: PerChannel[int]{All: 3, WhatsApp: 1, SMS: 1, Email: 1}},
				{Claim: 4, Depth: 2, Channel: chWhatsApp, Descendants: 1, Children: 1, Forwards: PerChannel[int]{All: 2, WhatsApp: 2}},
				{Claim: 2, Depth: 1, Channel: chWhatsApp, Forwards: PerChannel[int]{All: 1, Email: 1}},
			},
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("got %+v\nwant %+v", got, want)
		}
	})
	t.Run("Ordering", func(t *testing.T) {
		// Seeds 1, 2, 3. Claim 1 has children 4 and 5, claim 2 has 6 and 7
		// (equal subtrees: the older first), claim 3 has 8, 9 and 10, and 6
		// has 11. Each child minted a link, so forwards tie on count and
		// then go to the larger subtree.
		tr := build(t, 0, 0, 0, 1, 1, 2, 2, 3, 3, 3, 6)
		f := Compute(tr, Window{})
		claims := func(as []Ambassador) []int64 {
			var ids []int64
			for _, a := range as {
				ids = append(ids, a.Claim)
			}
			return ids
		}
		if got, want := claims(f.Ambassadors.BySubtree), []int64{2, 3, 1, 6}; !equal(got, want) {
			t.Errorf("BySubtree = %v, want %v", got, want)
		}
		if got, want := claims(f.Ambassadors.ByForwards), []int64{3, 2, 1, 6}; !equal(got, want) {
			t.Errorf("ByForwards = %v, want %v", got, want)
		}
	})
	t.Run("TopN", func(t *testing.T) {
		// Seed claim i+1 gets i children: the largest come last in id order.
		var parents []int64
		for i := range 15 {
			parents = append(parents, 0)
			seed := int64(len(parents))
			for range i {
				parents = append(parents, seed)
			}
		}
		f := Compute(build(t, parents...), Window{})
		var got []int
		for _, a := range f.Ambassadors.BySubtree {
			got = append(got, a.Descendants)
		}
		if want := []int{14, 13, 12, 11, 10, 9, 8, 7, 6, 5}; !equal(got, want) {
			t.Errorf("descendants = %v, want %v", got, want)
		}
	})
}

func TestJSONShape(t *testing.T) {
	b, err := json.Marshal(Compute(linkTree(), Window{Now: t0.Add(time.Hour)}))
	if err != nil {
		t.Fatal(err)
	}
	var got map[string]any
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatal(err)
	}
	for _, key := range []string{"structural_virality", "max_breadth", "views", "reach", "reviews", "exposures",
		"previews", "links", "links_opened", "forwarder_share"} {
		if _, ok := got[key].(float64); !ok {
			t.Errorf("%s = %v, want a number", key, got[key])
		}
	}
	if _, ok := got["generations"].([]any); !ok {
		t.Errorf("generations = %v, want a list", got["generations"])
	}
	for key, fields := range map[string][]string{
		"k_factor":       {"all", "whatsapp", "sms", "email", "link"},
		"forwards":       {"all", "whatsapp", "sms", "email", "link"},
		"conversion":     {"all", "whatsapp", "sms", "email", "link"},
		"depth":          {"max", "mean", "median", "distribution"},
		"time_to_open":   {"count", "median_seconds", "p90_seconds"},
		"cycle_time":     {"count", "median_seconds", "p90_seconds"},
		"views_per_hour": {"start", "counts"},
		"milestones":     {"views", "depth"},
		"ambassadors":    {"by_subtree", "by_forwards"},
		"forecast":       {"possible", "reason", "final_reach", "r", "mature", "active", "assumptions"},
	} {
		obj, ok := got[key].(map[string]any)
		if !ok {
			t.Errorf("%s = %v, want an object", key, got[key])
			continue
		}
		for _, f := range fields {
			if _, ok := obj[f]; !ok {
				t.Errorf("%s has no %q: %v", key, f, obj)
			}
		}
	}
}

// TestConcurrent checks that pooled working memory is never shared: run
// with -race.
func TestConcurrent(t *testing.T) {
	trees := []Tree{
		randomTree(rand.New(rand.NewPCG(11, 12)), recursive, 3000, 1),
		randomTree(rand.New(rand.NewPCG(13, 14)), deep, 2000, 1<<20),
	}
	want := []Figures{Compute(trees[0], Window{}), Compute(trees[1], Window{})}
	done := make(chan error)
	for g := range 8 {
		go func() {
			for i := range 10 {
				k := (g + i) % 2
				if got := Compute(trees[k], Window{}); !reflect.DeepEqual(got, want[k]) {
					done <- fmt.Errorf("goroutine %d, run %d: figures differ", g, i)
					return
				}
			}
			done <- nil
		}()
	}
	for range 8 {
		if err := <-done; err != nil {
			t.Error(err)
		}
	}
}
