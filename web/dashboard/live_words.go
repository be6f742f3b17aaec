package dashboard

import (
	"fmt"
	"time"

	"github.com/sillage/sillage/campaign/cascade"
	"github.com/sillage/sillage/campaign/i18n"
)

// How the live view words durations and channels.

// duration writes seconds in the two largest units that matter: 45 s,
// 12 min, 3 h 5 min, 2 d 4 h, 2 d.
func duration(l *i18n.Lang, seconds float64) string {
	seconds = min(seconds, 100*365*24*3600) // a bad timestamp must not overflow
	d := time.Duration(seconds * float64(time.Second)).Round(time.Second)
	u := [4]string{l.T("number.unit.seconds"), l.T("number.unit.minutes"), l.T("number.unit.hours"), l.T("number.unit.days")}
	say := func(a int64, ua string, b int64, ub string) string {
		if b == 0 {
			return fmt.Sprintf("%d\u00a0%s", a, ua)
		}
		return fmt.Sprintf("%d\u00a0%s %d\u00a0%s", a, ua, b, ub)
	}
	day, m := 24*time.Hour, d.Round(time.Minute)
	switch {
	case d < time.Minute:
		return say(int64(d/time.Second), u[0], 0, "")
	case m < time.Hour:
		return say(int64(m/time.Minute), u[1], 0, "")
	case m < day:
		return say(int64(m/time.Hour), u[2], int64(m%time.Hour/time.Minute), u[1])
	}
	h := d.Round(time.Hour)
	return say(int64(h/day), u[3], int64(h%day/time.Hour), u[2])
}

// timing writes a median and a p90, or None when nothing was timed.
func timing(l *i18n.Lang, tm cascade.Timing) string {
	if tm.Count == 0 {
		return l.T("dashboard.live.none")
	}
	return l.T("dashboard.live.median_p90", duration(l, tm.Median), duration(l, tm.P90))
}

func channel(l *i18n.Lang, ch string) string {
	if name := channelName(l, ch); name != "" && ch != "" {
		return name
	}
	return ch
}

// channelName names channel ch ("" for all of them), or "" for one the
// catalog does not know.
func channelName(l *i18n.Lang, ch string) string {
	if ch == "" {
		ch = "all"
	}
	return word(l, "dashboard.live.channel_names."+ch)
}
