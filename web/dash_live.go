package web

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/sillage/sillage/campaign/cascade"
)

// liveText holds the sentences of the live view of a campaign, and how
// its language writes numbers. Views, reach and max depth are dashText's.
type liveText struct {
	AsOf, Period, From, To, PeriodHint, Show, WholeCampaign, BadTime, BadOrder string

	Headline, Links, LinksOpened, Previews, Reviews, Refusals                                       string
	ViewsHint, ReachHint, DepthHint, LinksHint, OpenedHint, PreviewsHint, ReviewsHint, RefusalsHint string

	OverTime, PerHour, PerHours, PerDay, PerDays, HourlySummary, BarViews, NoViews, ChartTop, AsTable, Starting string

	Generations, GenSummary, GenBar, Generation, Share, Branching, BranchingHint, GenHint string

	Channels, Channel, SeedLinks, SeedOpened, Forwards, ForwardsOpened, Conversion, KFactor, ChannelsHint string
	ChannelNames                                                                                          map[string]string // "" is all channels

	Shape, StructuralVirality, ViralityHint, DepthMean, DepthMedian, MaxBreadth, MaxBreadthHint string
	Forwarders, ForwardersHint, TimeToOpen, TimeToOpenHint, CycleTime, CycleTimeHint, MedianP90 string

	Forecast, ForecastReach, ForecastAssumptions, ForecastNoForward, ForecastTooFew, ForecastRising string
	Milestones, MilestoneViews, MilestoneDepth, NoMilestone                                         string

	Ambassadors, AmbassadorsHint, BySubtree, ByForwards, Person, ArrivedBy, Downstream, DirectViews, Forwarded string
	NoSubtree, NoForwards                                                                                      string

	Leaks, LeaksHint, Link, SentBy, SeedLink, Seats, Opened, Refused, NoLeak, MoreLeaks string
	Ref                                                                                 string // a claim or link number: "#12"

	Export, ExportHint, ExportCSV, ExportEdges, ExportJSON, ExportGraphML, BadFormat string

	None                            string // a figure that does not exist yet
	DecimalMark, GroupMark, Percent string
	Units                           [4]string // seconds, minutes, hours, days
}

var liveTexts = map[string]liveText{
	"en": {
		AsOf:          "Figures as of %s.",
		Period:        "Period",
		From:          "From",
		To:            "Until",
		PeriodHint:    "UTC. Leave both empty for the whole campaign. Re-views, previews and refusals are always the campaign's totals.",
		Show:          "Show",
		WholeCampaign: "Whole campaign",
		BadTime:       "Enter a date and time such as 2026-12-01 20:00, or leave it empty.",
		BadOrder:      "The end of the period must come after its start.",

		Headline:     "Headline figures",
		Links:        "Links minted",
		LinksOpened:  "Links opened",
		Previews:     "Previews",
		Reviews:      "Re-views",
		Refusals:     "Refusals",
		ViewsHint:    "phones that unlocked the content",
		ReachHint:    "distinct people: one phone, one view",
		DepthHint:    "the longest chain of forwards",
		LinksHint:    "seed links and forwards",
		OpenedHint:   "links someone unlocked",
		PreviewsHint: "links pasted in a chat: the app fetched the teaser, no view counted",
		ReviewsHint:  "a phone opening its own link again",
		RefusalsHint: "phones turned away by a link already used",

		OverTime:      "Views over time",
		PerHour:       "views per hour",
		PerHours:      "views per %d hours",
		PerDay:        "views per day",
		PerDays:       "views per %d days",
		HourlySummary: "%s views from %s to %s; the tallest bar, from %s, has %s.",
		BarViews:      "%s: %s views",
		NoViews:       "No view yet: the chart starts with the first unlocked link.",
		ChartTop:      "Tallest bar:",
		AsTable:       "The same figures as a table",
		Starting:      "Starting at",

		Generations:   "Views per generation",
		GenSummary:    "%s views over %d generations; the widest, generation %d, has %s.",
		GenBar:        "Generation %d: %s views",
		Generation:    "Generation",
		Share:         "Share of views",
		Branching:     "Branching",
		BranchingHint: "Branching: the mean number of views each view of a generation brought to the next.",
		GenHint:       "Generation 1 is the people who received a seed link; generation 2, the friends they sent it to; and so on.",

		Channels:       "Channels",
		Channel:        "Channel",
		SeedLinks:      "Seed links",
		SeedOpened:     "Seed links opened",
		Forwards:       "Forwards",
		ForwardsOpened: "Forwards opened",
		Conversion:     "Conversion",
		KFactor:        "K-factor",
		ChannelsHint:   "Conversion: forwards opened ÷ forwards. K-factor: forwards opened ÷ views, the new views each view brings through the channel; above 1, the campaign spreads on its own.",
		ChannelNames:   map[string]string{"whatsapp": "WhatsApp", "sms": "SMS", "email": "Email", "link": "Link or QR code", "": "All channels"},

		Shape:              "Shape of the spread",
		StructuralVirality: "Structural virality",
		ViralityHint:       "The mean distance between two people in the tree, the campaign included: near 2 is a broadcast from the seed links, higher means long chains of friends.",
		DepthMean:          "Mean depth",
		DepthMedian:        "Median depth",
		MaxBreadth:         "Widest generation",
		MaxBreadthHint:     "views in the largest generation",
		Forwarders:         "Views that forwarded",
		ForwardersHint:     "people who sent at least one link, and their share of the views",
		TimeToOpen:         "Time to open",
		TimeToOpenHint:     "from a forward link minted to its first view (%s links)",
		CycleTime:          "Viral cycle time",
		CycleTimeHint:      "from a view to each view it brought (%s views)",
		MedianP90:          "median %s · 90%% within %s",

		Forecast:            "Forecast",
		ForecastReach:       "About %s views in the end.",
		ForecastAssumptions: "Assumes R = %s, the mean number of views brought by each of the %s views older than the p90 viral cycle time (%s), and that each of the %s younger views will bring R/(1 − R) more. Seats, caps, expiries and the campaign's end are not taken into account.",
		ForecastNoForward:   "No forecast yet: no forwarded link has been opened, so there is no cycle time to tell settled views from active ones.",
		ForecastTooFew:      "No forecast yet: only %s views are older than the p90 viral cycle time (%s); it takes %d.",
		ForecastRising:      "No forecast: R = %s, each view brings at least one more, so there is no finite estimate while that lasts.",
		Milestones:          "Milestones",
		MilestoneViews:      "%s views: %s (after %s)",
		MilestoneDepth:      "Depth %s: %s (after %s)",
		NoMilestone:         "No milestone yet: the first come at 10 views and at depth 2.",

		Ambassadors:     "Top ambassadors",
		AmbassadorsHint: "People stay anonymous: a number such as #12 stands for one phone's view.",
		BySubtree:       "Most views downstream",
		ByForwards:      "Most links forwarded",
		Person:          "Person",
		ArrivedBy:       "Came by",
		Downstream:      "Views downstream",
		DirectViews:     "Direct views",
		Forwarded:       "Links forwarded",
		NoSubtree:       "No ambassador yet: nobody's forward has been opened.",
		NoForwards:      "Nobody has forwarded a link yet.",

		Leaks:     "Leak alerts",
		LeaksHint: "A link refused to more phones than it has seats was probably posted publicly: think of revoking it.",
		Link:      "Link",
		SentBy:    "Sent by",
		SeedLink:  "seed link",
		Seats:     "Seats",
		Opened:    "Opened",
		Refused:   "Phones refused",
		NoLeak:    "No leak: no link was refused to more phones than it has seats.",
		MoreLeaks: "And %s more links: the API's /leaks lists them all.",
		Ref:       "#%d",

		Export:        "Export",
		ExportHint:    "The whole forward tree as a file: one row per view (CSV), one row per edge for graph tools (edges CSV), JSON, or GraphML for Gephi, Cytoscape or yEd.",
		ExportCSV:     "Views (CSV)",
		ExportEdges:   "Edges (CSV)",
		ExportJSON:    "JSON",
		ExportGraphML: "GraphML",
		BadFormat:     "Unknown export format: choose CSV, edges CSV, JSON or GraphML.",

		None:        "–",
		DecimalMark: ".",
		GroupMark:   ",",
		Percent:     "%s%%",
		Units:       [4]string{"s", "min", "h", "d"},
	},
	"fr": {
		AsOf:          "Chiffres au %s.",
		Period:        "Période",
		From:          "Du",
		To:            "Jusqu'au",
		PeriodHint:    "En UTC. Laissez les deux vides pour toute la campagne. Revues, aperçus et refus restent les totaux de la campagne.",
		Show:          "Afficher",
		WholeCampaign: "Toute la campagne",
		BadTime:       "Saisissez une date et une heure comme 2026-12-01 20:00, ou laissez vide.",
		BadOrder:      "La fin de la période doit venir après son début.",

		Headline:     "Chiffres clés",
		Links:        "Liens créés",
		LinksOpened:  "Liens ouverts",
		Previews:     "Aperçus",
		Reviews:      "Revues",
		Refusals:     "Refus",
		ViewsHint:    "téléphones qui ont débloqué le contenu",
		ReachHint:    "personnes distinctes : un téléphone, une vue",
		DepthHint:    "la plus longue chaîne de partages",
		LinksHint:    "liens de départ et partages",
		OpenedHint:   "liens que quelqu'un a débloqués",
		PreviewsHint: "liens collés dans une conversation : l'appli a lu l'accroche, aucune vue comptée",
		ReviewsHint:  "un téléphone qui rouvre son propre lien",
		RefusalsHint: "téléphones refusés par un lien déjà utilisé",

		OverTime:      "Vues dans le temps",
		PerHour:       "vues par heure",
		PerHours:      "vues par tranche de %d heures",
		PerDay:        "vues par jour",
		PerDays:       "vues par tranche de %d jours",
		HourlySummary: "%s vues du %s au %s ; la plus haute barre, à partir du %s, en compte %s.",
		BarViews:      "%s : %s vues",
		NoViews:       "Aucune vue pour l'instant : le graphique commence avec le premier lien débloqué.",
		ChartTop:      "Plus haute barre :",
		AsTable:       "Les mêmes chiffres en tableau",
		Starting:      "À partir du",

		Generations:   "Vues par génération",
		GenSummary:    "%s vues sur %d générations ; la plus large, la génération %d, en compte %s.",
		GenBar:        "Génération %d : %s vues",
		Generation:    "Génération",
		Share:         "Part des vues",
		Branching:     "Ramification",
		BranchingHint: "Ramification : le nombre moyen de vues que chaque vue d'une génération a amenées à la suivante.",
		GenHint:       "La génération 1, ce sont les personnes qui ont reçu un lien de départ ; la 2, les amis à qui elles l'ont envoyé ; et ainsi de suite.",

		Channels:       "Canaux",
		Channel:        "Canal",
		SeedLinks:      "Liens de départ",
		SeedOpened:     "Liens de départ ouverts",
		Forwards:       "Partages",
		ForwardsOpened: "Partages ouverts",
		Conversion:     "Conversion",
		KFactor:        "Facteur K",
		ChannelsHint:   "Conversion : partages ouverts ÷ partages. Facteur K : partages ouverts ÷ vues, les nouvelles vues qu'amène chaque vue par ce canal ; au-dessus de 1, la campagne se propage d'elle-même.",
		ChannelNames:   map[string]string{"whatsapp": "WhatsApp", "sms": "SMS", "email": "E-mail", "link": "Lien ou QR code", "": "Tous les canaux"},

		Shape:              "Forme de la propagation",
		StructuralVirality: "Viralité structurelle",
		ViralityHint:       "La distance moyenne entre deux personnes de l'arbre, campagne comprise : près de 2, c'est une diffusion depuis les liens de départ ; plus haut, de longues chaînes d'amis.",
		DepthMean:          "Profondeur moyenne",
		DepthMedian:        "Profondeur médiane",
		MaxBreadth:         "Génération la plus large",
		MaxBreadthHint:     "vues de la plus grande génération",
		Forwarders:         "Vues qui ont partagé",
		ForwardersHint:     "personnes qui ont envoyé au moins un lien, et leur part des vues",
		TimeToOpen:         "Délai d'ouverture",
		TimeToOpenHint:     "d'un lien partagé à sa première vue (%s liens)",
		CycleTime:          "Cycle viral",
		CycleTimeHint:      "d'une vue à chaque vue qu'elle a amenée (%s vues)",
		MedianP90:          "médiane %s · 90\u00a0%% en moins de %s",

		Forecast:            "Prévision",
		ForecastReach:       "Environ %s vues au final.",
		ForecastAssumptions: "Hypothèses : R = %s, le nombre moyen de vues amenées par chacune des %s vues plus anciennes que le cycle viral p90 (%s), et chacune des %s vues plus récentes en amènera encore R/(1 − R). Les places, plafonds, expirations et la fin de la campagne ne sont pas pris en compte.",
		ForecastNoForward:   "Pas encore de prévision : aucun lien partagé n'a été ouvert, donc aucun cycle viral pour distinguer les vues établies des vues actives.",
		ForecastTooFew:      "Pas encore de prévision : seules %s vues sont plus anciennes que le cycle viral p90 (%s) ; il en faut %d.",
		ForecastRising:      "Pas de prévision : R = %s, chaque vue en amène au moins une autre, donc aucune estimation finie tant que cela dure.",
		Milestones:          "Étapes",
		MilestoneViews:      "%s vues : %s (après %s)",
		MilestoneDepth:      "Profondeur %s : %s (après %s)",
		NoMilestone:         "Aucune étape pour l'instant : les premières sont à 10 vues et à la profondeur 2.",

		Ambassadors:     "Meilleurs ambassadeurs",
		AmbassadorsHint: "Les personnes restent anonymes : un numéro comme n° 12 désigne la vue d'un téléphone.",
		BySubtree:       "Le plus de vues en aval",
		ByForwards:      "Le plus de liens partagés",
		Person:          "Personne",
		ArrivedBy:       "Arrivée par",
		Downstream:      "Vues en aval",
		DirectViews:     "Vues directes",
		Forwarded:       "Liens partagés",
		NoSubtree:       "Aucun ambassadeur pour l'instant : aucun partage n'a été ouvert.",
		NoForwards:      "Personne n'a encore partagé de lien.",

		Leaks:     "Alertes de fuite",
		LeaksHint: "Un lien refusé à plus de téléphones qu'il n'a de places a sans doute été publié : pensez à le révoquer.",
		Link:      "Lien",
		SentBy:    "Envoyé par",
		SeedLink:  "lien de départ",
		Seats:     "Places",
		Opened:    "Ouvertures",
		Refused:   "Téléphones refusés",
		NoLeak:    "Aucune fuite : aucun lien n'a été refusé à plus de téléphones qu'il n'a de places.",
		MoreLeaks: "Et %s liens de plus : l'API (/leaks) les liste tous.",
		Ref:       "n°\u00a0%d",

		Export:        "Exporter",
		ExportHint:    "Tout l'arbre des partages dans un fichier : une ligne par vue (CSV), une ligne par arête pour les outils de graphes (CSV des arêtes), JSON, ou GraphML pour Gephi, Cytoscape ou yEd.",
		ExportCSV:     "Vues (CSV)",
		ExportEdges:   "Arêtes (CSV)",
		ExportJSON:    "JSON",
		ExportGraphML: "GraphML",
		BadFormat:     "Format d'export inconnu : choisissez CSV, CSV des arêtes, JSON ou GraphML.",

		None:        "–",
		DecimalMark: ",",
		GroupMark:   "\u202f",
		Percent:     "%s\u00a0%%",
		Units:       [4]string{"s", "min", "h", "j"},
	},
}

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
	stats      *statsJSON // what Figures shows, as the API answers it

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
	*statsJSON
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
	s.render(w, status, "dash_live.html", p)
}

// handleDashLiveJSON answers GET /campaigns/{id}/live.json[?from=&to=],
// or 304 when If-None-Match names the figures as they are.
func (s *Server) handleDashLiveJSON(w http.ResponseWriter, r *http.Request) {
	p, ok := s.live(w, r)
	if !ok {
		return
	}
	if p.Error != "" {
		jsonError(w, http.StatusBadRequest, p.Error)
		return
	}
	body := liveJSON{statsJSON: p.stats, Sections: make(map[string]string, len(liveSections))}
	tmpl := s.pages.byName["dash_live.html"]
	for _, name := range liveSections {
		var buf bytes.Buffer
		if err := tmpl.ExecuteTemplate(&buf, "live-"+name, p); err != nil {
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
	t, now := dashTextFor(r), s.cfg.Now()
	p := livePage{dashPage: s.dashPage(r, t, c.Title)}
	p.Nav, p.CampaignID, p.Tab = "campaigns", c.ID, "live"
	p.State = string(c.State(now))
	p.StateLabel = t.States[p.State]
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
		{"csv", t.Live.ExportCSV}, {"edges", t.Live.ExportEdges}, {"json", t.Live.ExportJSON}, {"graphml", t.Live.ExportGraphML},
	} {
		p.Exports = append(p.Exports, exportButton{fmt.Sprintf("/campaigns/%d/export?format=%s", c.ID, e.format), e.label})
	}
	win, out, field, err := liveWindow(q, &t.Live, now)
	if err != nil {
		p.Field, p.Error = field, err.Error()
		return p, true
	}
	if p.stats, err = s.campaignFigures(r.Context(), c.ID, win); err != nil {
		s.dashError(w, r, err)
		return livePage{}, false
	}
	p.stats.Window = out
	p.Figures = liveFiguresOf(t, p.stats, now)
	if len(p.Figures.Leaks) > 0 {
		// The figures do not say which leaks were revoked; the API's
		// /leaks does.
		revoked, err := s.revokedLeaks(r.Context(), c.ID)
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
	format := r.URL.Query().Get("format")
	if _, ok := exporters[format]; !ok {
		t := dashTextFor(r)
		p := dashMessagePage{dashPage: s.dashPage(r, t, c.Title), Message: t.Live.BadFormat}
		p.Nav, p.CampaignID, p.Tab = "campaigns", c.ID, "live"
		s.render(w, http.StatusBadRequest, "dash_message.html", p)
		return
	}
	s.writeExport(w, r, c, format)
}

// liveWindow reads the optional period of the live view: from and to as
// the form's datetime-local fields send them (UTC), or in RFC 3339 as the
// API takes them. On error it names the field, with a message to show.
func liveWindow(q url.Values, l *liveText, now time.Time) (cascade.Window, window, string, error) {
	w := cascade.Window{Now: now}
	var out window
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
				return w, out, p.name, errors.New(l.BadTime)
			}
		}
		t = t.UTC()
		*p.dst, *p.out = t, &t
	}
	if out.From != nil && out.To != nil && !w.To.After(w.From) {
		return w, out, "to", errors.New(l.BadOrder)
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
	Forecast    string // the estimate, empty when there is none
	ForecastWhy string // its assumptions, or why there is none
	Milestones  []string
	Ambassadors []ambassadorTable // by subtree, then by forwards
	Leaks       []leakRow
	MoreLeaks   string
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
	L                *liveText
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

// liveFiguresOf formats the figures st, computed at now, for the page.
func liveFiguresOf(t *dashText, st *statsJSON, now time.Time) *liveFigures {
	l := &t.Live
	f := &liveFigures{AsOf: fmt.Sprintf(l.AsOf, formatTime(t, now))}
	for _, h := range []struct {
		field, label, hint string
		v                  int64
	}{
		{"views", t.Views, l.ViewsHint, int64(st.Views)},
		{"reach", t.Reach, l.ReachHint, int64(st.Reach)},
		{"max_depth", t.MaxDepth, l.DepthHint, int64(st.MaxDepth)},
		{"links", l.Links, l.LinksHint, int64(st.Links)},
		{"links_opened", l.LinksOpened, l.OpenedHint, int64(st.LinksOpened)},
		{"previews", l.Previews, l.PreviewsHint, int64(st.Previews)},
		{"reviews", l.Reviews, l.ReviewsHint, int64(st.Reviews)},
		{"refusals", l.Refusals, l.RefusalsHint, st.Refusals},
	} {
		f.Headline = append(f.Headline, liveFigure{Field: h.field, Label: h.label, Hint: h.hint, Value: l.integer(h.v), Raw: h.v})
	}
	f.Hourly, f.HourlyUnit = hourlyChart(t, st.ViewsPerHour)
	f.Generations = generationChart(l, st.Generations)
	for d, g := range st.Generations {
		f.GenRows = append(f.GenRows, generationRow{strconv.Itoa(d + 1), l.integer(int64(g)),
			l.percent(st.Depth.Distribution[d], 1), l.decimal(st.Branching[d], 2)})
	}
	for _, ch := range liveChannels {
		rate := func(r cascade.PerChannel[float64], of int) string {
			if of == 0 {
				return l.None // a rate of nothing is no rate, not 0
			}
			return l.percent(perChannel(r, ch), 0)
		}
		seeds, fwd := perChannel(st.SeedLinks, ch), perChannel(st.Forwards, ch)
		k := l.None
		if st.Views > 0 {
			k = l.decimal(perChannel(st.KFactor, ch), 2)
		}
		f.Channels = append(f.Channels, channelRow{
			Name: l.ChannelNames[ch], All: ch == "",
			SeedLinks: l.integer(int64(seeds)), SeedOpened: rate(st.SeedConversion, seeds),
			Forwards: l.integer(int64(fwd)), ForwardsOpened: l.integer(int64(perChannel(st.ForwardsOpened, ch))),
			Conversion: rate(st.Conversion, fwd), KFactor: k,
		})
	}
	f.Shape = []liveFigure{
		{Label: l.StructuralVirality, Value: l.decimal(st.StructuralVirality, 2), Hint: l.ViralityHint},
		{Label: l.DepthMean, Value: l.decimal(st.Depth.Mean, 2)},
		{Label: l.DepthMedian, Value: l.decimal(st.Depth.Median, 1)},
		{Label: l.MaxBreadth, Value: l.integer(int64(st.MaxBreadth)), Hint: l.MaxBreadthHint},
		{Label: l.Forwarders, Value: l.integer(int64(st.Forwarders)) + " (" + l.percent(st.ForwarderShare, 0) + ")", Hint: l.ForwardersHint},
		{Label: l.TimeToOpen, Value: l.timing(st.TimeToOpen), Hint: fmt.Sprintf(l.TimeToOpenHint, l.integer(int64(st.TimeToOpen.Count)))},
		{Label: l.CycleTime, Value: l.timing(st.CycleTime), Hint: fmt.Sprintf(l.CycleTimeHint, l.integer(int64(st.CycleTime.Count)))},
	}
	f.Forecast, f.ForecastWhy = l.forecast(st)
	for _, m := range st.Milestones.Views {
		f.Milestones = append(f.Milestones, fmt.Sprintf(l.MilestoneViews, l.integer(int64(m.Value)), formatTime(t, m.At), l.duration(m.After)))
	}
	for _, m := range st.Milestones.Depth {
		f.Milestones = append(f.Milestones, fmt.Sprintf(l.MilestoneDepth, l.integer(int64(m.Value)), formatTime(t, m.At), l.duration(m.After)))
	}
	f.Ambassadors = []ambassadorTable{
		{l, "by-subtree", l.BySubtree, l.NoSubtree, ambassadorRows(l, st.Ambassadors.BySubtree)},
		{l, "by-forwards", l.ByForwards, l.NoForwards, ambassadorRows(l, st.Ambassadors.ByForwards)},
	}
	for i, k := range st.Leaks {
		if i == maxLeakRows {
			f.MoreLeaks = fmt.Sprintf(l.MoreLeaks, l.integer(int64(len(st.Leaks)-maxLeakRows)))
			break
		}
		by := l.SeedLink
		if k.Sender != 0 {
			by = fmt.Sprintf(l.Ref, k.Sender)
		}
		f.Leaks = append(f.Leaks, leakRow{ID: k.Link, Link: fmt.Sprintf(l.Ref, k.Link), Channel: l.channel(k.Channel), SentBy: by,
			Seats: l.integer(int64(k.Seats)), Claims: l.integer(int64(k.Claims)), Refused: l.integer(int64(k.Refused))})
	}
	return f
}

func ambassadorRows(l *liveText, list []cascade.Ambassador) []ambassadorRow {
	rows := make([]ambassadorRow, len(list))
	for i, a := range list {
		var mix []string
		for _, ch := range liveChannels[:4] {
			if n := perChannel(a.Forwards, ch); n > 0 {
				mix = append(mix, l.ChannelNames[ch]+" "+l.integer(int64(n)))
			}
		}
		fwd := l.integer(int64(a.Forwards.All))
		if len(mix) > 0 {
			fwd += " (" + strings.Join(mix, ", ") + ")"
		}
		rows[i] = ambassadorRow{fmt.Sprintf(l.Ref, a.Claim), strconv.Itoa(a.Depth), l.channel(a.Channel),
			l.integer(int64(a.Descendants)), l.integer(int64(a.Children)), fwd}
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
func (l *liveText) forecast(st *statsJSON) (string, string) {
	fc := st.Forecast
	cycle := l.duration(st.CycleTime.P90)
	switch {
	case fc.Possible:
		return fmt.Sprintf(l.ForecastReach, l.integer(int64(fc.FinalReach))),
			fmt.Sprintf(l.ForecastAssumptions, l.decimal(fc.R, 3), l.integer(int64(fc.Mature)), cycle, l.integer(int64(fc.Active)))
	case st.CycleTime.Count == 0:
		return "", l.ForecastNoForward
	case fc.Mature < cascade.MinMature:
		return "", fmt.Sprintf(l.ForecastTooFew, l.integer(int64(fc.Mature)), cycle, cascade.MinMature)
	}
	return "", fmt.Sprintf(l.ForecastRising, l.decimal(fc.R, 3))
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
func hourlyChart(t *dashText, s cascade.Series) (chart, string) {
	l := &t.Live
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
	start := func(i int) string { return formatTime(t, s.Start.Add(time.Duration(i*bin)*time.Hour)) }
	c := newChart("hourly", counts, func(i int) string {
		return fmt.Sprintf(l.BarViews, start(i), l.integer(int64(counts[i])))
	})
	for i, n := range counts {
		if n > 0 {
			c.Rows = append(c.Rows, chartRow{start(i), l.integer(int64(n))})
		}
	}
	c.Top = l.integer(int64(counts[busiest]))
	c.First = start(0)
	if len(counts) > 1 {
		c.Last = start(len(counts) - 1)
	}
	c.Summary = fmt.Sprintf(l.HourlySummary, l.integer(int64(total)), c.First, start(len(counts)-1), start(busiest), c.Top)
	unit := l.PerHour
	switch {
	case bin > 24:
		unit = fmt.Sprintf(l.PerDays, bin/24)
	case bin == 24:
		unit = l.PerDay
	case bin > 1:
		unit = fmt.Sprintf(l.PerHours, bin)
	}
	return c, unit
}

func generationChart(l *liveText, gens []int) chart {
	if len(gens) == 0 {
		return chart{ID: "generations"}
	}
	c := newChart("generations", gens, func(i int) string { return fmt.Sprintf(l.GenBar, i+1, l.integer(int64(gens[i]))) })
	total, widest := 0, 0
	for i, g := range gens {
		total += g
		if g > gens[widest] {
			widest = i
		}
	}
	c.Top = l.integer(int64(gens[widest]))
	c.First, c.Last = strconv.Itoa(1), strconv.Itoa(len(gens))
	c.Summary = fmt.Sprintf(l.GenSummary, l.integer(int64(total)), len(gens), widest+1, c.Top)
	return c
}

// integer writes n with the language's digit grouping: 12,345 or 12 345.
func (l *liveText) integer(n int64) string {
	s := strconv.FormatInt(n, 10)
	if n < 0 {
		return "-" + l.group(s[1:])
	}
	return l.group(s)
}

func (l *liveText) group(digits string) string {
	var b strings.Builder
	for i, d := range digits {
		if i > 0 && (len(digits)-i)%3 == 0 {
			b.WriteString(l.GroupMark)
		}
		b.WriteRune(d)
	}
	return b.String()
}

// decimal writes x with places decimals: 1,234.57 or 1 234,57.
func (l *liveText) decimal(x float64, places int) string {
	s := strconv.FormatFloat(x, 'f', places, 64)
	whole, frac, _ := strings.Cut(s, ".")
	sign := ""
	if strings.HasPrefix(whole, "-") {
		sign, whole = "-", whole[1:]
	}
	if frac != "" {
		frac = l.DecimalMark + frac
	}
	return sign + l.group(whole) + frac
}

// percent writes the share x (0.42) as a percentage: 42% or 42 %.
func (l *liveText) percent(x float64, places int) string {
	return fmt.Sprintf(l.Percent, l.decimal(100*x, places))
}

// duration writes seconds in the two largest units that matter: 45 s,
// 12 min, 3 h 5 min, 2 d 4 h, 2 d.
func (l *liveText) duration(seconds float64) string {
	seconds = min(seconds, 100*365*24*3600) // a bad timestamp must not overflow
	d := time.Duration(seconds * float64(time.Second)).Round(time.Second)
	u := l.Units
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
func (l *liveText) timing(tm cascade.Timing) string {
	if tm.Count == 0 {
		return l.None
	}
	return fmt.Sprintf(l.MedianP90, l.duration(tm.Median), l.duration(tm.P90))
}

func (l *liveText) channel(ch string) string {
	if name, ok := l.ChannelNames[ch]; ok && ch != "" {
		return name
	}
	return ch
}
