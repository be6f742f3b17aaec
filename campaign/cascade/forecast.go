package cascade

import (
	"fmt"
	"math"
	"time"
)

// MinMature is the fewest mature claims a forecast rests on.
const MinMature = 30

// Forecast estimates a running campaign's final reach from its branching.
// A claim is mature once it is older than the p90 viral cycle time: by
// then nine in ten child claims have come. R is the mean number of child
// claims of mature claims. When R < 1 each still-active (not mature) claim
// is expected to bring R + R² + … = R/(1-R) more views. It is computed on
// the window's claims at Now, so it is meant for a window open until now;
// one that ends earlier misses children and underestimates R.
type Forecast struct {
	Possible    bool    `json:"possible"`
	Reason      string  `json:"reason,omitempty"` // why not, when not possible
	FinalReach  int     `json:"final_reach"`      // 0 when not possible
	R           float64 `json:"r"`
	Mature      int     `json:"mature"`
	Active      int     `json:"active"`
	Assumptions string  `json:"assumptions"`
}

// forecast computes the Forecast at now; cycleP90 is in microseconds.
func (s *shape) forecast(now time.Time, cycleP90 float64, views int) Forecast {
	switch {
	case now.IsZero():
		return Forecast{Reason: "no clock to tell mature claims from active ones"}
	case len(s.cycle) == 0:
		return Forecast{Reason: "no forward has been claimed yet: no cycle time to tell mature claims"}
	}
	var f Forecast
	children, nowUS := 0, now.UnixMicro()
	for j := range s.len() {
		if float64(nowUS-s.us[s.at(j)]) > cycleP90 {
			f.Mature++
			children += int(s.kids[j])
		} else {
			f.Active++
		}
	}
	if f.Mature > 0 {
		f.R = float64(children) / float64(f.Mature)
	}
	cycle := (time.Duration(cycleP90) * time.Microsecond).Round(time.Second)
	f.Assumptions = fmt.Sprintf("R = %.3f, the mean number of child claims of the %d claims older than the p90 viral cycle time (%s); "+
		"each of the %d younger claims is expected to bring R/(1-R) more views; "+
		"seats, caps, expiries and the campaign's end are not taken into account", f.R, f.Mature, cycle, f.Active)
	switch {
	case f.Mature < MinMature:
		f.Reason = fmt.Sprintf("too few mature claims (older than %s): %d of the %d needed", cycle, f.Mature, MinMature)
	case f.R >= 1:
		f.Reason = fmt.Sprintf("R = %.3f: each claim brings at least one more, no finite estimate", f.R)
	default:
		f.Possible = true
		f.FinalReach = views + int(math.Round(float64(f.Active)*f.R/(1-f.R)))
	}
	return f
}
