package dashboard

import (
	"strconv"
	"time"

	"github.com/sillage/sillage/campaign/cascade"
	"github.com/sillage/sillage/campaign/i18n"
)

// The live view's bar charts, drawn as SVG by the template.

// chart is a bar chart the template draws as SVG: bars in a viewBox 100
// high, stretched to the page's width, with the labels in HTML around it
// so that they keep their size on a phone.
type chart struct {
	ID          string
	Width       int // of the viewBox: 10 per bar, at least 12 bars' room
	Bars        []chartBar
	Top         string // the tallest bar's value
	First, Last string // the labels under the first and the last bar
	Summary     string // what the chart shows, for screen readers
	Rows        []chartRow
}

type chartBar struct{ X, Y, H, Title string }

// chartRow is one bar in the chart's table: the same figures as text.
type chartRow struct{ Label, Value string }

// newChart draws values; title describes bar i.
func newChart(id string, values []int, title func(i int) string) chart {
	c := chart{ID: id, Width: 10 * max(len(values), 12)}
	top := 0
	for _, v := range values {
		top = max(top, v)
	}
	for i, v := range values {
		if v == 0 {
			continue
		}
		h := max(100*float64(v)/float64(top), 1.5) // a lone view stays visible
		c.Bars = append(c.Bars, chartBar{strconv.Itoa(10*i + 1), strconv.FormatFloat(100-h, 'f', 2, 64),
			strconv.FormatFloat(h, 'f', 2, 64), title(i)})
	}
	return c
}

// maxBars is the most bars of the views over time: hours are put
// together in bins of 2, 3, 6, 12 hours, or days, to stay under it.
const maxBars = 72

// hourlyChart draws the views per hour, binned; it returns the unit of
// the bars too.
func hourlyChart(l *i18n.Lang, s cascade.Series) (chart, string) {
	if len(s.Counts) == 0 {
		return chart{ID: "hourly"}, ""
	}
	bin := 24 * ((len(s.Counts) + 24*maxBars - 1) / (24 * maxBars))
	for _, b := range []int{1, 2, 3, 6, 12} {
		if (len(s.Counts)+b-1)/b <= maxBars {
			bin = b
			break
		}
	}
	counts := make([]int, (len(s.Counts)+bin-1)/bin)
	total, busiest := 0, 0
	for i, n := range s.Counts {
		counts[i/bin] += n
		total += n
	}
	for i, n := range counts {
		if n > counts[busiest] {
			busiest = i
		}
	}
	start := func(i int) string { return formatTime(l, s.Start.Add(time.Duration(i*bin)*time.Hour)) }
	c := newChart("hourly", counts, func(i int) string {
		return l.T("dashboard.live.bar_views", start(i), count(l, nViews, counts[i]))
	})
	for i, n := range counts {
		if n > 0 {
			c.Rows = append(c.Rows, chartRow{start(i), l.Int(int64(n))})
		}
	}
	c.Top = l.Int(int64(counts[busiest]))
	c.First = start(0)
	if len(counts) > 1 {
		c.Last = start(len(counts) - 1)
	}
	c.Summary = l.T("dashboard.live.hourly_summary", count(l, nViews, total), c.First, start(len(counts)-1), start(busiest), c.Top)
	unit := l.T("dashboard.live.per_hour")
	switch {
	case bin > 24:
		unit = l.T("dashboard.live.per_days", count(l, nDays, bin/24))
	case bin == 24:
		unit = l.T("dashboard.live.per_day")
	case bin > 1:
		unit = l.T("dashboard.live.per_hours", count(l, nHours, bin))
	}
	return c, unit
}

func generationChart(l *i18n.Lang, gens []int) chart {
	if len(gens) == 0 {
		return chart{ID: "generations"}
	}
	c := newChart("generations", gens, func(i int) string { return l.T("dashboard.live.gen_bar", i+1, count(l, nViews, gens[i])) })
	total, widest := 0, 0
	for i, g := range gens {
		total += g
		if g > gens[widest] {
			widest = i
		}
	}
	c.Top = l.Int(int64(gens[widest]))
	c.First, c.Last = strconv.Itoa(1), strconv.Itoa(len(gens))
	c.Summary = l.T("dashboard.live.gen_summary", count(l, nViews, total), count(l, nGenerations, len(gens)), widest+1, c.Top)
	return c
}
