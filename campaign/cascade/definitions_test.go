package cascade

import (
	"reflect"
	"testing"
	"time"
)

// TestKFactorCountsPeople checks that the K-factor counts the viewers a
// forward brought, not the links opened: a seed claim forwards one
// 3-seat WhatsApp link, opened by 3 people, and one SMS link opened by one.
// 4 new viewers for 5 viewers (links opened per view said 2/5).
func TestKFactorCountsPeople(t *testing.T) {
	at := func(m int) time.Time { return t0.Add(time.Duration(m) * time.Minute) }
	tr := Tree{
		Nodes: []Node{
			{ID: 1, Depth: 1, Channel: chEmail, Link: 1, ClaimedAt: at(0)},
			{ID: 2, Parent: 1, Depth: 2, Channel: chWhatsApp, Link: 2, ClaimedAt: at(2)},
			{ID: 3, Parent: 1, Depth: 2, Channel: chWhatsApp, Link: 2, ClaimedAt: at(3)},
			{ID: 4, Parent: 1, Depth: 2, Channel: chWhatsApp, Link: 2, ClaimedAt: at(4)},
			{ID: 5, Parent: 1, Depth: 2, Channel: chSMS, Link: 3, ClaimedAt: at(5)},
		},
		Links: []Link{
			{ID: 1, Channel: chEmail, Seats: 1, Claims: 1, CreatedAt: at(0), FirstClaimAt: at(0)},
			{ID: 2, Sender: 1, Channel: chWhatsApp, Seats: 3, Claims: 3, CreatedAt: at(1), FirstClaimAt: at(2)},
			{ID: 3, Sender: 1, Channel: chSMS, Seats: 1, Claims: 1, CreatedAt: at(1), FirstClaimAt: at(5)},
		},
	}
	f := Compute(tr, Window{})
	want := PerChannel[float64]{All: 4.0 / 5, WhatsApp: 3.0 / 5, SMS: 1.0 / 5}
	if got := f.KFactor; got != want {
		t.Errorf("KFactor = %+v, want %+v", got, want)
	}
	// The link figures still count links.
	if got, want := f.ForwardsOpened, (PerChannel[int]{All: 2, WhatsApp: 1, SMS: 1}); got != want {
		t.Errorf("ForwardsOpened = %+v, want %+v", got, want)
	}
	// A window from the third claim on: claims 3, 4 and 5, brought by 1
	// (outside the window), bring nobody.
	f = Compute(tr, Window{From: at(3)})
	if got := f.KFactor; got != (PerChannel[float64]{}) {
		t.Errorf("windowed KFactor = %+v, want 0", got)
	}
}

// TestReachCountsTakeOvers checks that reach counts the devices that saw
// the content: a seat released and taken over by a new phone is one view
// and two devices.
func TestReachCountsTakeOvers(t *testing.T) {
	tr := build(t, 0, 1) // claims at t0 and t0+1min
	tr.TakeOvers = []time.Time{t0.Add(10 * time.Minute)}
	f := Compute(tr, Window{})
	if got, want := [2]int{f.Views, f.Reach}, [2]int{2, 3}; got != want {
		t.Errorf("views, reach = %v, want %v", got, want)
	}
	// A window counts the takeovers made in it.
	f = Compute(tr, Window{To: t0.Add(5 * time.Minute)})
	if got, want := [2]int{f.Views, f.Reach}, [2]int{2, 2}; got != want {
		t.Errorf("before the takeover: views, reach = %v, want %v", got, want)
	}
	f = Compute(tr, Window{From: t0.Add(5 * time.Minute)})
	if got, want := [2]int{f.Views, f.Reach}, [2]int{0, 1}; got != want {
		t.Errorf("after the claims: views, reach = %v, want %v", got, want)
	}
}

// TestDepthConvention checks that every depth of one answer counts the
// same way, a seed claim at depth 1: depth.max, generations, the
// cascades', the ambassadors' and the milestones'.
func TestDepthConvention(t *testing.T) {
	t.Run("Star", func(t *testing.T) {
		// A seed claim with 10 children: depths 1 and 2.
		f := Compute(build(t, star(10)...), Window{})
		if got, want := f.Depth, (Depths{Max: 2, Mean: 21.0 / 11, Median: 2, Distribution: []float64{1.0 / 11, 10.0 / 11}}); !reflect.DeepEqual(got, want) {
			t.Errorf("Depth = %+v, want %+v", got, want)
		}
		if got, want := f.Generations, []int{1, 10}; !equal(got, want) {
			t.Errorf("Generations = %v, want %v", got, want)
		}
		if got, want := f.Cascades[0].Depth, 2; got != want {
			t.Errorf("Cascades[0].Depth = %d, want %d", got, want)
		}
		if got, want := f.Ambassadors.BySubtree[0].Depth, 1; got != want {
			t.Errorf("the seed claim's ambassador depth = %d, want %d", got, want)
		}
		if got := f.Milestones.Depth; len(got) != 1 || got[0].Value != 2 {
			t.Errorf("Milestones.Depth = %+v, want depth 2 only", got)
		}
	})
	t.Run("Path", func(t *testing.T) {
		// A chain of 5 claims: depths 1 to 5.
		f := Compute(build(t, path(5)...), Window{})
		if got, want := f.Depth.Max, 5; got != want {
			t.Errorf("Depth.Max = %d, want %d", got, want)
		}
		if got, want := f.Cascades[0].Depth, f.Depth.Max; got != want {
			t.Errorf("Cascades[0].Depth = %d, want depth.max %d", got, want)
		}
		var got []int
		for _, m := range f.Milestones.Depth {
			got = append(got, m.Value)
		}
		if want := []int{2, 3, 5}; !equal(got, want) {
			t.Errorf("depth milestones = %v, want %v", got, want)
		}
	})
	t.Run("LoneSeed", func(t *testing.T) {
		f := Compute(build(t, 0), Window{})
		if got, want := [2]int{f.Depth.Max, f.Cascades[0].Depth}, [2]int{1, 1}; got != want {
			t.Errorf("depth.max, cascade depth = %v, want %v", got, want)
		}
	})
}
