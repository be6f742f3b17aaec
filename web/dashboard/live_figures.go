package dashboard

import (
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/sillage/sillage/campaign/cascade"
	"github.com/sillage/sillage/campaign/i18n"
	"github.com/sillage/sillage/web/internal/httpx"
)

// The live view's figures, every number written in the page's language.

// liveFigures is the figures of a campaign as the live view shows them,
// every number formatted in the page's language.
type liveFigures struct {
	AsOf        string
	Headline    []liveFigure
	Hourly      chart
	HourlyUnit  string
	Generations chart
	GenRows     []generationRow
	Channels    []channelRow
	Shape       []liveFigure
	ChannelsDef string // what conversion and the K-factor count
	Forecast    string // the estimate, empty when there is none
	ForecastWhy string // its assumptions, or why there is none
	Milestones  []string
	Ambassadors []ambassadorTable // by subtree, then by forwards
	Leaks       []leakRow
	MoreLeaks   string
	OnePerson   string // the warning when the views look like one person's, else ""
}

// liveFigure is one figure: Field is its key in /stats, for scripts and
// browser tests (data-field), Raw its value unformatted.
type liveFigure struct {
	Field, Label, Value, Hint string
	Raw                       int64
}

type generationRow struct{ Generation, Views, Share, Branching string }

type channelRow struct {
	Name, SeedLinks, SeedOpened, Forwards, ForwardsOpened, Conversion, KFactor string
	All                                                                        bool
}

// ambassadorTable is one ranking of the ambassadors; L holds its headers.
type ambassadorTable struct {
	L                *i18n.Lang
	ID, Title, Empty string
	Rows             []ambassadorRow
}

type ambassadorRow struct{ Who, Generation, Channel, Downstream, Children, Forwards string }

// leakRow is one leaked link; Revoked is known only for links refused to
// more devices than they have seats (gating.Leaks).
type leakRow struct {
	ID                                            int64
	Link, Channel, SentBy, Seats, Claims, Refused string
	Revoked                                       bool
}

// maxLeakRows bounds the leak table; the API lists every leak.
const maxLeakRows = 20

// liveChannels are the channels in the order of the tables; "" is all.
var liveChannels = []string{"whatsapp", "sms", "email", "link", ""}

// liveFiguresOf formats the figures st, computed at now, for the page;
// people holds the person numbers of the claims it names.
func liveFiguresOf(l *i18n.Lang, st *httpx.Stats, now time.Time, people map[int64]int) *liveFigures {
	f := &liveFigures{AsOf: l.T("dashboard.live.as_of", formatTime(l, now)), ChannelsDef: l.T("dashboard.live.defs.channels")}
	for _, h := range []struct {
		field, label, hint string
		v                  int64
	}{
		{"views", l.T("dashboard.views"), l.T("dashboard.live.defs.views"), int64(st.Views)},
		{"reach", l.T("dashboard.reach"), l.T("dashboard.live.defs.reach"), int64(st.Reach)},
		{"max_depth", l.T("dashboard.max_depth"), l.T("dashboard.live.defs.max_depth"), int64(st.MaxDepth)},
		{"links", l.T("dashboard.live.links"), l.T("dashboard.live.links_hint"), int64(st.Links)},
		{"links_opened", l.T("dashboard.live.links_opened"), l.T("dashboard.live.opened_hint"), int64(st.LinksOpened)},
		{"previews", l.T("dashboard.live.previews"), l.T("dashboard.live.previews_hint"), int64(st.Previews)},
		{"reviews", l.T("dashboard.live.reviews"), l.T("dashboard.live.reviews_hint"), int64(st.Reviews)},
		{"refusals", l.T("dashboard.live.refusals"), l.T("dashboard.live.refusals_hint"), st.Refusals},
	} {
		f.Headline = append(f.Headline, liveFigure{Field: h.field, Label: h.label, Hint: h.hint, Value: l.Int(h.v), Raw: h.v})
	}
	f.Hourly, f.HourlyUnit = hourlyChart(l, st.ViewsPerHour)
	f.Generations = generationChart(l, st.Generations)
	for d, g := range st.Generations {
		f.GenRows = append(f.GenRows, generationRow{strconv.Itoa(d + 1), l.Int(int64(g)),
			l.Percent(st.Depth.Distribution[d], 1), l.Decimal(st.Branching[d], 2)})
	}
	f.Channels = channelRows(l, st)
	f.Shape = shapeFigures(l, st)
	if n := st.Networks; n.OnePerson {
		f.OnePerson = l.T("dashboard.live.one_person", l.Percent(n.TopShare, 0))
	}
	f.Forecast, f.ForecastWhy = forecast(l, st)
	for _, m := range st.Milestones.Views {
		f.Milestones = append(f.Milestones, l.T("dashboard.live.milestone_views", count(l, nViews, m.Value), formatTime(l, m.At), duration(l, m.After)))
	}
	for _, m := range st.Milestones.Depth {
		f.Milestones = append(f.Milestones, l.T("dashboard.live.milestone_depth", l.Int(int64(m.Value)), formatTime(l, m.At), duration(l, m.After)))
	}
	f.Ambassadors = []ambassadorTable{
		{l, "by-subtree", l.T("dashboard.live.by_subtree"), l.T("dashboard.live.no_subtree"), ambassadorRows(l, st.Ambassadors.BySubtree, people)},
		{l, "by-forwards", l.T("dashboard.live.by_forwards"), l.T("dashboard.live.no_forwards"), ambassadorRows(l, st.Ambassadors.ByForwards, people)},
	}
	f.Leaks, f.MoreLeaks = leakRows(l, st.Leaks, people)
	return f
}

// networks is the figure of how concentrated the views are by network.
func networks(l *i18n.Lang, n cascade.Networks) liveFigure {
	f := liveFigure{Label: l.T("dashboard.live.networks"), Value: l.T("dashboard.live.none"), Hint: l.T("dashboard.live.networks_hint")}
	if n.Distinct > 0 {
		f.Value = l.T("dashboard.live.networks_value", l.Int(int64(n.Distinct)), l.Percent(n.TopShare, 0), l.Percent(n.Top10Share, 0))
		if n.Unknown > 0 {
			f.Value += l.T("dashboard.live.networks_unknown", l.Int(int64(n.Unknown)))
		}
	}
	return f
}

func ambassadorRows(l *i18n.Lang, list []cascade.Ambassador, people map[int64]int) []ambassadorRow {
	rows := make([]ambassadorRow, len(list))
	for i, a := range list {
		var mix []string
		for _, ch := range liveChannels[:4] {
			if n := perChannel(a.Forwards, ch); n > 0 {
				mix = append(mix, channelName(l, ch)+" "+l.Int(int64(n)))
			}
		}
		fwd := l.Int(int64(a.Forwards.All))
		if len(mix) > 0 {
			fwd += " (" + strings.Join(mix, ", ") + ")"
		}
		rows[i] = ambassadorRow{person(l, people[a.Claim]), strconv.Itoa(a.Depth), channel(l, a.Channel),
			l.Int(int64(a.Descendants)), l.Int(int64(a.Children)), fwd}
	}
	return rows
}

// perChannel picks channel ch's figure, "" for all channels.
func perChannel[T int | float64](p cascade.PerChannel[T], ch string) T {
	switch ch {
	case "whatsapp":
		return p.WhatsApp
	case "sms":
		return p.SMS
	case "email":
		return p.Email
	case "link":
		return p.Link
	}
	return p.All
}

// forecast says the forecast in the page's language: the estimate, and
// its assumptions or why there is none. The cases are cascade.Forecast's,
// told apart by the figures it gives.
func forecast(l *i18n.Lang, st *httpx.Stats) (string, string) {
	fc := st.Forecast
	cycle := duration(l, st.CycleTime.P90)
	switch {
	case fc.Possible:
		reach := l.T("dashboard.live.forecast_reach", count(l, nViews, fc.FinalReach), l.Int(int64(st.Views)))
		if fc.Active == 0 {
			return reach, l.T("dashboard.live.forecast_final", l.Decimal(fc.R, 2), cycle)
		}
		more := l.Int(int64(fc.FinalReach - st.Views))
		return reach, l.T("dashboard.live.forecast_assumptions", l.Decimal(fc.R, 2), cycle, count(l, nRecentBring, fc.Active, more))
	case st.CycleTime.Count == 0:
		return "", l.T("dashboard.live.forecast_no_forward")
	case fc.Mature < cascade.MinMature:
		return "", l.T("dashboard.live.forecast_too_few", cycle, l.Int(int64(fc.Mature)), cascade.MinMature)
	}
	return "", l.T("dashboard.live.forecast_rising", l.Decimal(fc.R, 2))
}

// channelRows are the channels table: each channel, then all of them.
func channelRows(l *i18n.Lang, st *httpx.Stats) []channelRow {
	var rows []channelRow
	for _, ch := range liveChannels {
		rate := func(r cascade.PerChannel[float64], of int) string {
			if of == 0 {
				return l.T("dashboard.live.none") // a rate of nothing is no rate, not 0
			}
			return l.Percent(perChannel(r, ch), 0)
		}
		seeds, fwd := perChannel(st.SeedLinks, ch), perChannel(st.Forwards, ch)
		k := l.T("dashboard.live.none")
		if st.Views > 0 {
			k = l.Decimal(perChannel(st.KFactor, ch), 2)
		}
		// Seed links opened: a count, as the columns beside it, with its
		// share of the seed links. The figures give the share only.
		opened := l.Int(int64(math.Round(perChannel(st.SeedConversion, ch) * float64(seeds))))
		if seeds > 0 {
			opened += " (" + rate(st.SeedConversion, seeds) + ")"
		}
		rows = append(rows, channelRow{
			Name: channelName(l, ch), All: ch == "",
			SeedLinks: l.Int(int64(seeds)), SeedOpened: opened,
			Forwards: l.Int(int64(fwd)), ForwardsOpened: l.Int(int64(perChannel(st.ForwardsOpened, ch))),
			Conversion: rate(st.Conversion, fwd), KFactor: k,
		})
	}
	return rows
}

// shapeFigures are the figures of the shape of the spread.
func shapeFigures(l *i18n.Lang, st *httpx.Stats) []liveFigure {
	virality := liveFigure{Field: "structural_virality", Label: l.T("dashboard.live.structural_virality"), Value: l.T("dashboard.live.none"), Hint: l.T("dashboard.live.defs.no_virality")}
	if v := st.StructuralVirality; v != nil {
		virality.Value, virality.Hint = l.Decimal(*v, 2), l.T("dashboard.live.defs.virality")
	}
	return []liveFigure{
		virality,
		{Field: "depth.mean", Label: l.T("dashboard.live.depth_mean"), Value: l.Decimal(st.Depth.Mean, 2), Hint: l.T("dashboard.live.defs.depth_mean")},
		{Field: "depth.median", Label: l.T("dashboard.live.depth_median"), Value: l.Decimal(st.Depth.Median, 1), Hint: l.T("dashboard.live.defs.depth_median")},
		{Label: l.T("dashboard.live.max_breadth"), Value: l.Int(int64(st.MaxBreadth)), Hint: l.T("dashboard.live.max_breadth_hint")},
		{Label: l.T("dashboard.live.forwarders"), Value: l.Int(int64(st.Forwarders)) + " (" + l.Percent(st.ForwarderShare, 0) + ")", Hint: l.T("dashboard.live.forwarders_hint")},
		{Label: l.T("dashboard.live.time_to_open"), Value: timing(l, st.TimeToOpen), Hint: l.T("dashboard.live.time_to_open_hint", count(l, nLinks, st.TimeToOpen.Count))},
		{Label: l.T("dashboard.live.cycle_time"), Value: timing(l, st.CycleTime), Hint: l.T("dashboard.live.cycle_time_hint", count(l, nViews, st.CycleTime.Count))},
		networks(l, st.Networks),
	}
}

// leakRows are the leak table's rows, at most maxLeakRows, and the
// sentence saying how many more there are.
func leakRows(l *i18n.Lang, leaks []cascade.Leak, people map[int64]int) (rows []leakRow, more string) {
	for i, k := range leaks {
		if i == maxLeakRows {
			more = l.T("dashboard.live.more_leaks", count(l, nMoreLinks, len(leaks)-maxLeakRows))
			break
		}
		by := l.T("dashboard.live.seed_link")
		if k.Sender != 0 {
			by = person(l, people[k.Sender])
		}
		rows = append(rows, leakRow{ID: k.Link, Link: l.T("dashboard.live.ref", k.Link), Channel: channel(l, k.Channel), SentBy: by,
			Seats: l.Int(int64(k.Seats)), Claims: l.Int(int64(k.Claims)), Refused: l.Int(int64(k.Refused))})
	}
	return rows, more
}
