package web

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/sillage/sillage/campaign/cascade"
	"github.com/sillage/sillage/campaign/i18n"
	"github.com/sillage/sillage/web/internal/httpx"
)

// dashLiveRoutes adds the routes of the live view of a campaign.
func (s *Server) dashLiveRoutes(r chi.Router) {
	r.Get("/campaigns/{id}/live", s.handleDashLive)
	r.Get("/campaigns/{id}/live.json", s.handleDashLiveJSON)
	r.Get("/campaigns/{id}/export", s.handleDashExport)
}

// liveSections are the parts of the live view that dash_live.js swaps in
// from /live.json: each is the template "live-" + its name.
var liveSections = []string{"headline", "hourly", "generations", "channels", "shape", "ambassadors", "leaks"}

// livePage is the live view of a campaign. Figures is nil when the period
// asked for was refused.
type livePage struct {
	dashPage
	State      string
	StateLabel string
	From, To   string // the period as typed
	Field      string // "from" or "to": the field Error is about
	Error      string
	Poll       string // the address of the figures as JSON, with the period
	Exports    []exportButton
	Figures    *liveFigures
	stats      *httpx.Stats // what Figures shows, as the API answers it

	Notice  string      // what was just done (a link revoked, a seat freed)
	Release releaseForm // the form that frees a seat (web/dash_trust.go)
}

// ErrorFor returns the error when it is about field, else "".
func (p livePage) ErrorFor(field string) string {
	if p.Field == field {
		return p.Error
	}
	return ""
}

type exportButton struct{ URL, Label string }

// liveJSON is /live.json: every key of the API's /stats, the same values,
// and the page's sections rendered, so that the page's script stays small
// and the figures are formatted in one place.
type liveJSON struct {
	*httpx.Stats
	Sections map[string]string `json:"sections"`
}

// handleDashLive answers GET /campaigns/{id}/live[?from=&to=]: the
// campaign's figures, which dash_live.js refreshes from /live.json.
func (s *Server) handleDashLive(w http.ResponseWriter, r *http.Request) {
	p, ok := s.live(w, r)
	if !ok {
		return
	}
	status := http.StatusOK
	if p.Error != "" {
		status = http.StatusBadRequest
	}
	p.Notice = s.popNotice(r, p.CampaignID)
	s.pages.Render(w, status, "dash_live.html", p)
}

// handleDashLiveJSON answers GET /campaigns/{id}/live.json[?from=&to=],
// or 304 when If-None-Match names the figures as they are.
func (s *Server) handleDashLiveJSON(w http.ResponseWriter, r *http.Request) {
	p, ok := s.live(w, r)
	if !ok {
		return
	}
	if p.Error != "" {
		httpx.Error(w, http.StatusBadRequest, p.Error)
		return
	}
	body := liveJSON{Stats: p.stats, Sections: make(map[string]string, len(liveSections))}
	for _, name := range liveSections {
		var buf bytes.Buffer
		if err := s.pages.Section(&buf, "dash_live.html", "live-"+name, p); err != nil {
			s.dashError(w, r, fmt.Errorf("render live section %s: %w", name, err))
			return
		}
		body.Sections[name] = buf.String()
	}
	data, err := json.Marshal(body)
	if err != nil {
		s.dashError(w, r, err)
		return
	}
	// Most polls of a quiet campaign find nothing new: the page's script
	// sends the last ETag back, and a phone is spared the same figures.
	sum := sha256.Sum256(data)
	tag := `"` + hex.EncodeToString(sum[:16]) + `"`
	w.Header().Set("ETag", tag)
	w.Header().Set("Cache-Control", "no-store")
	if r.Header.Get("If-None-Match") == tag {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Write(append(data, '\n'))
}

// live computes the live view of the route's campaign with the API's
// figures, or writes the error. A period it cannot read leaves the page
// with Error set and no figures.
func (s *Server) live(w http.ResponseWriter, r *http.Request) (livePage, bool) {
	c, ok := s.dashCampaign(w, r)
	if !ok {
		return livePage{}, false
	}
	t, now := dashLang(r), s.cfg.Now()
	p := livePage{dashPage: s.campaignPage(r, t, c.Title, c.ID, "live")}
	p.State = string(c.State(now))
	p.StateLabel = word(t, "dashboard.states."+p.State)
	q := r.URL.Query()
	p.From, p.To = q.Get("from"), q.Get("to")
	p.Poll = fmt.Sprintf("/campaigns/%d/live.json", c.ID)
	period := url.Values{}
	if p.From != "" {
		period.Set("from", p.From)
	}
	if p.To != "" {
		period.Set("to", p.To)
	}
	if len(period) > 0 {
		p.Poll += "?" + period.Encode()
	}
	for _, e := range []struct{ format, label string }{
		{"csv", t.T("dashboard.live.export_csv")}, {"edges", t.T("dashboard.live.export_edges")}, {"json", t.T("dashboard.live.export_json")}, {"graphml", t.T("dashboard.live.export_graph_ml")},
	} {
		p.Exports = append(p.Exports, exportButton{fmt.Sprintf("/campaigns/%d/export?format=%s", c.ID, e.format), e.label})
	}
	win, out, field, err := liveWindow(q, t, now)
	if err != nil {
		p.Field, p.Error = field, err.Error()
		return p, true
	}
	f, err := s.app.Figures(r.Context(), c.ID, win)
	if err != nil {
		s.dashError(w, r, err)
		return livePage{}, false
	}
	p.stats = httpx.NewStats(f)
	p.stats.Window = out
	var named []int64 // the claims the page names: numbered per campaign
	for _, a := range append(p.stats.Ambassadors.BySubtree, p.stats.Ambassadors.ByForwards...) {
		named = append(named, a.Claim)
	}
	for _, k := range p.stats.Leaks {
		named = append(named, k.Sender)
	}
	people, err := s.people(r.Context(), c.ID, named)
	if err != nil {
		s.dashError(w, r, err)
		return livePage{}, false
	}
	p.Figures = liveFiguresOf(t, p.stats, now, people)
	if len(p.Figures.Leaks) > 0 {
		// The figures do not say which leaks were revoked; the API's
		// /leaks does.
		revoked, err := s.app.RevokedLeaks(r.Context(), c.ID)
		if err != nil {
			s.dashError(w, r, err)
			return livePage{}, false
		}
		for i, k := range p.Figures.Leaks {
			p.Figures.Leaks[i].Revoked = revoked[k.ID]
		}
	}
	return p, true
}

// handleDashExport answers GET /campaigns/{id}/export?format=: the API's
// export, for the download buttons.
func (s *Server) handleDashExport(w http.ResponseWriter, r *http.Request) {
	c, ok := s.dashCampaign(w, r)
	if !ok {
		return
	}
	format, ok := cascade.FormatNamed(r.URL.Query().Get("format"))
	if !ok {
		t := dashLang(r)
		p := dashMessagePage{dashPage: s.campaignPage(r, t, c.Title, c.ID, "live"), Message: t.T("dashboard.live.bad_format")}
		s.pages.Render(w, http.StatusBadRequest, "dash_message.html", p)
		return
	}
	if err := s.exports.Write(w, r, c, format); err != nil {
		s.dashError(w, r, err)
	}
}

// liveWindow reads the optional period of the live view: from and to as
// the form's datetime-local fields send them (UTC), or in RFC 3339 as the
// API takes them. On error it names the field, with a message to show.
func liveWindow(q url.Values, l *i18n.Lang, now time.Time) (cascade.Window, httpx.Window, string, error) {
	w := cascade.Window{Now: now}
	var out httpx.Window
	for _, p := range []struct {
		name string
		dst  *time.Time
		out  **time.Time
	}{{"from", &w.From, &out.From}, {"to", &w.To, &out.To}} {
		v := strings.TrimSpace(q.Get(p.name))
		if v == "" {
			continue
		}
		t, err := time.ParseInLocation(dateTimeLocal, v, time.UTC)
		if err != nil {
			if t, err = time.Parse(time.RFC3339, v); err != nil {
				return w, out, p.name, errors.New(l.T("dashboard.live.bad_time"))
			}
		}
		t = t.UTC()
		*p.dst, *p.out = t, &t
	}
	if out.From != nil && out.To != nil && !w.To.After(w.From) {
		return w, out, "to", errors.New(l.T("dashboard.live.bad_order"))
	}
	return w, out, "", nil
}

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
		f.Channels = append(f.Channels, channelRow{
			Name: channelName(l, ch), All: ch == "",
			SeedLinks: l.Int(int64(seeds)), SeedOpened: opened,
			Forwards: l.Int(int64(fwd)), ForwardsOpened: l.Int(int64(perChannel(st.ForwardsOpened, ch))),
			Conversion: rate(st.Conversion, fwd), KFactor: k,
		})
	}
	virality := liveFigure{Field: "structural_virality", Label: l.T("dashboard.live.structural_virality"), Value: l.T("dashboard.live.none"), Hint: l.T("dashboard.live.defs.no_virality")}
	if v := st.StructuralVirality; v != nil {
		virality.Value, virality.Hint = l.Decimal(*v, 2), l.T("dashboard.live.defs.virality")
	}
	f.Shape = []liveFigure{
		virality,
		{Field: "depth.mean", Label: l.T("dashboard.live.depth_mean"), Value: l.Decimal(st.Depth.Mean, 2), Hint: l.T("dashboard.live.defs.depth_mean")},
		{Field: "depth.median", Label: l.T("dashboard.live.depth_median"), Value: l.Decimal(st.Depth.Median, 1), Hint: l.T("dashboard.live.defs.depth_median")},
		{Label: l.T("dashboard.live.max_breadth"), Value: l.Int(int64(st.MaxBreadth)), Hint: l.T("dashboard.live.max_breadth_hint")},
		{Label: l.T("dashboard.live.forwarders"), Value: l.Int(int64(st.Forwarders)) + " (" + l.Percent(st.ForwarderShare, 0) + ")", Hint: l.T("dashboard.live.forwarders_hint")},
		{Label: l.T("dashboard.live.time_to_open"), Value: timing(l, st.TimeToOpen), Hint: l.T("dashboard.live.time_to_open_hint", count(l, nLinks, st.TimeToOpen.Count))},
		{Label: l.T("dashboard.live.cycle_time"), Value: timing(l, st.CycleTime), Hint: l.T("dashboard.live.cycle_time_hint", count(l, nViews, st.CycleTime.Count))},
	}
	f.Shape = append(f.Shape, networks(l, st.Networks))
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
	for i, k := range st.Leaks {
		if i == maxLeakRows {
			f.MoreLeaks = l.T("dashboard.live.more_leaks", count(l, nMoreLinks, len(st.Leaks)-maxLeakRows))
			break
		}
		by := l.T("dashboard.live.seed_link")
		if k.Sender != 0 {
			by = person(l, people[k.Sender])
		}
		f.Leaks = append(f.Leaks, leakRow{ID: k.Link, Link: l.T("dashboard.live.ref", k.Link), Channel: channel(l, k.Channel), SentBy: by,
			Seats: l.Int(int64(k.Seats)), Claims: l.Int(int64(k.Claims)), Refused: l.Int(int64(k.Refused))})
	}
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
