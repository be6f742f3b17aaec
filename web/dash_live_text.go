package web

// liveText holds the sentences of the live view of a campaign, and how
// its language writes numbers. Views, reach and max depth are dashText's.
type liveText struct {
	lang string // "en" or "fr": the plural forms of liveText.count (web/counts.go)

	AsOf, Period, From, To, PeriodHint, Show, WholeCampaign, BadTime, BadOrder string

	Headline, Links, LinksOpened, Previews, Reviews, Refusals      string
	LinksHint, OpenedHint, PreviewsHint, ReviewsHint, RefusalsHint string

	OverTime, PerHour, PerHours, PerDay, PerDays, HourlySummary, BarViews, NoViews, ChartTop, AsTable, Starting string

	Generations, GenSummary, GenBar, Generation, Share, Branching, BranchingHint, GenHint string

	Channels, Channel, SeedLinks, SeedOpened, Forwards, ForwardsOpened, Conversion, KFactor string
	ChannelNames                                                                            map[string]string // "" is all channels

	Shape, StructuralVirality, DepthMean, DepthMedian, MaxBreadth, MaxBreadthHint               string
	Forwarders, ForwardersHint, TimeToOpen, TimeToOpenHint, CycleTime, CycleTimeHint, MedianP90 string
	Networks, NetworksValue, NetworksUnknown, NetworksHint, OnePerson                           string

	Forecast, ForecastReach, ForecastAssumptions, ForecastNoForward, ForecastTooFew, ForecastRising string
	ForecastFinal                                                                                   string // no recent view left
	Milestones, MilestoneViews, MilestoneDepth, NoMilestone                                         string

	Ambassadors, AmbassadorsHint, BySubtree, ByForwards, Person, ArrivedBy, Downstream, DirectViews, Forwarded string
	NoSubtree, NoForwards                                                                                      string

	Leaks, LeaksHint, Link, SentBy, SeedLink, Seats, Opened, Refused, NoLeak, MoreLeaks string
	Ref                                                                                 string // a link's number: "#12" (people: liveText.person)

	Export, ExportHint, ExportCSV, ExportEdges, ExportJSON, ExportGraphML, BadFormat string

	None  string    // a figure that does not exist yet
	Units [4]string // seconds, minutes, hours, days
}

var liveTexts = map[string]liveText{
	"en": {
		lang:          "en",
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
		LinksHint:    "seed links and forwards",
		OpenedHint:   "links someone unlocked",
		PreviewsHint: "links pasted in a chat: the app fetched the teaser, no view counted",
		ReviewsHint:  "a phone opening its own link again",
		RefusalsHint: "phones turned away by a link already used",

		OverTime:      "Views over time",
		PerHour:       "views per hour",
		PerHours:      "views per %s",
		PerDay:        "views per day",
		PerDays:       "views per %s",
		HourlySummary: "%s from %s to %s; the tallest bar, from %s, has %s.",
		BarViews:      "%s: %s",
		NoViews:       "No view yet: the chart starts with the first unlocked link.",
		ChartTop:      "Tallest bar:",
		AsTable:       "The same figures as a table",
		Starting:      "Starting at",

		Generations:   "Views per generation",
		GenSummary:    "%s over %s; the widest, generation %d, has %s.",
		GenBar:        "Generation %d: %s",
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
		ChannelNames:   map[string]string{"whatsapp": "WhatsApp", "sms": "SMS", "email": "Email", "link": "Link or QR code", "": "All channels"},

		Shape:              "Shape of the spread",
		StructuralVirality: "Structural virality",
		DepthMean:          "Mean depth",
		DepthMedian:        "Median depth",
		MaxBreadth:         "Widest generation",
		MaxBreadthHint:     "views in the largest generation",
		Forwarders:         "Views that forwarded",
		ForwardersHint:     "people who sent at least one link, and their share of the views",
		Networks:           "Networks the views came from",
		NetworksValue:      "%s (the busiest holds %s of the views, the ten busiest %s)",
		NetworksUnknown:    "; views of unknown network (from before networks were recorded): %s",
		NetworksHint:       "the Wi-Fi or carrier each view came from, known only by a hash that changes every day",
		OnePerson:          "%s of these views come from one network: this looks like one person inflating the figures (or one office or school on one Wi-Fi). The campaign's rule on views per network and day bounds it.",
		TimeToOpen:         "Time to open",
		TimeToOpenHint:     "from a forward link minted to its first view (%s)",
		CycleTime:          "Viral cycle time",
		CycleTimeHint:      "from a view to each view it brought (%s)",
		MedianP90:          "median %s · 90%% within %s",

		Forecast:            "Forecast",
		ForecastReach:       "About %s in the end; %s so far.",
		ForecastAssumptions: "So far each viewer has brought %s new viewers on average (counting the views older than %s: by then, 9 in 10 of the friends a viewer brings have come). Below 1, the spread slows down and stops by itself: %s. Seats, caps, expiry dates and the campaign's end are left out: they can only lower this figure.",
		ForecastFinal:       "So far each viewer has brought %s new viewers on average, and every view is older than %s (by then, 9 in 10 of the friends a viewer brings have come): the spread has stopped, and the figure is final unless someone forwards again.",
		ForecastNoForward:   "No forecast yet: nobody has opened a forwarded link, so there is no pace of spread to go by.",
		ForecastTooFew:      "No forecast yet: it rests on the views old enough to have brought their friends (older than %s), and there are %s of the %d it needs.",
		ForecastRising:      "No forecast: so far each viewer has brought %s new viewers on average, 1 or more, so the campaign keeps growing while that lasts and no end figure can be estimated.",
		Milestones:          "Milestones",
		MilestoneViews:      "%s: %s (after %s)",
		MilestoneDepth:      "Depth %s: %s (after %s)",
		NoMilestone:         "No milestone yet: the first come at 10 views and at depth 2.",

		Ambassadors:     "Top ambassadors",
		AmbassadorsHint: "People stay anonymous: Person\u00a012 is the twelfth phone to open the content in this campaign.",
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
		MoreLeaks: "And %s: the API's /leaks lists them all.",
		Ref:       "#%d",

		Export:        "Export",
		ExportHint:    "The whole forward tree as a file: one row per view (CSV), one row per edge for graph tools (edges CSV), JSON, or GraphML for Gephi, Cytoscape or yEd.",
		ExportCSV:     "Views (CSV)",
		ExportEdges:   "Edges (CSV)",
		ExportJSON:    "JSON",
		ExportGraphML: "GraphML",
		BadFormat:     "Unknown export format: choose CSV, edges CSV, JSON or GraphML.",

		None:  "–",
		Units: [4]string{"s", "min", "h", "d"},
	},
	"fr": {
		lang:          "fr",
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
		LinksHint:    "liens de départ et partages",
		OpenedHint:   "liens que quelqu'un a débloqués",
		PreviewsHint: "liens collés dans une conversation : l'appli a lu l'accroche, aucune vue comptée",
		ReviewsHint:  "un téléphone qui rouvre son propre lien",
		RefusalsHint: "téléphones refusés par un lien déjà utilisé",

		OverTime:      "Vues dans le temps",
		PerHour:       "vues par heure",
		PerHours:      "vues par tranche de %s",
		PerDay:        "vues par jour",
		PerDays:       "vues par tranche de %s",
		HourlySummary: "%s du %s au %s ; la plus haute barre, à partir du %s, en compte %s.",
		BarViews:      "%s : %s",
		NoViews:       "Aucune vue pour l'instant : le graphique commence avec le premier lien débloqué.",
		ChartTop:      "Plus haute barre :",
		AsTable:       "Les mêmes chiffres en tableau",
		Starting:      "À partir du",

		Generations:   "Vues par génération",
		GenSummary:    "%s sur %s ; la plus large, la génération %d, en compte %s.",
		GenBar:        "Génération %d : %s",
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
		ChannelNames:   map[string]string{"whatsapp": "WhatsApp", "sms": "SMS", "email": "E-mail", "link": "Lien ou QR code", "": "Tous les canaux"},

		Shape:              "Forme de la propagation",
		StructuralVirality: "Viralité structurelle",
		DepthMean:          "Profondeur moyenne",
		DepthMedian:        "Profondeur médiane",
		MaxBreadth:         "Génération la plus large",
		MaxBreadthHint:     "vues de la plus grande génération",
		Forwarders:         "Vues qui ont partagé",
		ForwardersHint:     "personnes qui ont envoyé au moins un lien, et leur part des vues",
		Networks:           "Réseaux d'où viennent les vues",
		NetworksValue:      "%s (le plus actif compte %s des vues, les dix plus actifs %s)",
		NetworksUnknown:    " ; vues de réseau inconnu (d'avant l'enregistrement des réseaux) : %s",
		NetworksHint:       "le Wi-Fi ou l'opérateur d'où vient chaque vue, connu seulement par une empreinte qui change chaque jour",
		OnePerson:          "%s de ces vues viennent d'un seul réseau : on dirait une seule personne qui gonfle les chiffres (ou un bureau, une école sur un même Wi-Fi). La règle des vues par réseau et par jour de la campagne la borne.",
		TimeToOpen:         "Délai d'ouverture",
		TimeToOpenHint:     "d'un lien partagé à sa première vue (%s)",
		CycleTime:          "Cycle viral",
		CycleTimeHint:      "d'une vue à chaque vue qu'elle a amenée (%s)",
		MedianP90:          "médiane %s · 90\u00a0%% en moins de %s",

		Forecast:            "Prévision",
		ForecastReach:       "Environ %s au final ; %s jusqu'ici.",
		ForecastAssumptions: "Jusqu'ici, chaque personne qui a vu le contenu en a amené d'autres : %s en moyenne (en comptant les vues de plus de %s : passé ce délai, 9 sur 10 des amis qu'une personne amène sont déjà venus). En dessous de 1, la propagation ralentit et s'arrête d'elle-même : %s. Les places, plafonds, expirations et la fin de la campagne ne sont pas pris en compte : ils ne peuvent que baisser ce chiffre.",
		ForecastFinal:       "Jusqu'ici, chaque personne qui a vu le contenu en a amené d'autres : %s en moyenne, et toutes les vues ont plus de %s (passé ce délai, 9 sur 10 des amis qu'une personne amène sont déjà venus) : la propagation s'est arrêtée, et le chiffre est définitif sauf nouveau partage.",
		ForecastNoForward:   "Pas encore de prévision : personne n'a ouvert de lien partagé, donc aucun rythme de propagation sur lequel s'appuyer.",
		ForecastTooFew:      "Pas encore de prévision : elle s'appuie sur les vues assez anciennes pour avoir amené leurs amis (plus de %s), et il y en a %s sur les %d nécessaires.",
		ForecastRising:      "Pas de prévision : jusqu'ici, chaque personne qui a vu le contenu en a amené d'autres, %s en moyenne, 1 ou plus : la campagne continue de croître tant que cela dure, et aucun chiffre final ne peut être estimé.",
		Milestones:          "Étapes",
		MilestoneViews:      "%s : %s (après %s)",
		MilestoneDepth:      "Profondeur %s : %s (après %s)",
		NoMilestone:         "Aucune étape pour l'instant : les premières sont à 10 vues et à la profondeur 2.",

		Ambassadors:     "Meilleurs ambassadeurs",
		AmbassadorsHint: "Les personnes restent anonymes : Personne\u00a012 est le douzième téléphone à avoir ouvert le contenu dans cette campagne.",
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
		MoreLeaks: "Et %s : l'API (/leaks) les liste tous.",
		Ref:       "n°\u00a0%d",

		Export:        "Exporter",
		ExportHint:    "Tout l'arbre des partages dans un fichier : une ligne par vue (CSV), une ligne par arête pour les outils de graphes (CSV des arêtes), JSON, ou GraphML pour Gephi, Cytoscape ou yEd.",
		ExportCSV:     "Vues (CSV)",
		ExportEdges:   "Arêtes (CSV)",
		ExportJSON:    "JSON",
		ExportGraphML: "GraphML",
		BadFormat:     "Format d'export inconnu : choisissez CSV, CSV des arêtes, JSON ou GraphML.",

		None:  "–",
		Units: [4]string{"s", "min", "h", "j"},
	},
}
