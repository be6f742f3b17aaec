package web

// seedText holds the sentences of a campaign's seeding pages. Those with
// verbs such as %d are formats.
type seedText struct {
	Intro   string
	NotLive string // followed by the state

	ContactsTitle string
	ContactsIntro string
	File          string
	Paste         string
	PasteHint     string
	SkipInvalid   string
	ImportButton  string
	Imported      string // %d added, %d merged
	InvalidRows   string
	Rejected      string
	Line          string
	Reason        string
	NoFile        string
	FileTooLarge  string

	SendTitle  string
	SendIntro  string
	SendButton string
	Queued     string // %d messages
	Suppressed string // %d contacts
	AllSent    string
	NoContacts string
	Ended      string

	DeliveriesTitle string
	DeliveriesHint  string
	Statuses        map[string]string // notify.Status
	Channels        map[string]string // notify.Channel and gating.Channel
	Recipient       string
	Channel         string
	Updated         string
	Error           string
	Erased          string
	NoDeliveries    string
	ShowStatus      string
	AllStatuses     string
	Show            string
	NextPage        string
	FirstPage       string
	BadStatus       string
	BadAfter        string

	MintTitle      string
	MintIntro      string
	Count          string
	CountHint      string // %d on a page, %d as CSV
	LinkChannel    string
	Label          string
	LabelHint      string
	Seats          string
	SeatsHint      string // %d seats per link, %d at most
	ExpiresAt      string
	ExpiresHint    string
	PrintButton    string
	CSVButton      string
	OnlyOnce       string
	FixBelow       string
	BadCount       string // %d at most
	TooManyForPage string // %s: the most links, counted
	BadSeats       string
	BadFormat      string
	PastExpiry     string
	AlreadyMinted  string // the printable page posted again, by a reload
	StaleForm      string

	LinksHeading  string // %d links
	NotShownAgain string
	Print         string
	DownloadCSV   string
	Back          string
	QRLabel       string // %d: the link's number
}

var seedTexts = map[string]seedText{
	"en": {
		Intro:   "Seed the campaign to a first circle: send a personal link to each of your contacts, or mint links to hand out with their QR codes.",
		NotLive: "Links sent or minted now open only once the campaign is live. Its status:",

		ContactsTitle: "Contacts",
		ContactsIntro: "A CSV file whose first line names its columns: name, email, phone, channel (email, sms or whatsapp) and language (fr or en). Commas or semicolons; phone numbers with their +country prefix. A contact already there is updated.",
		File:          "CSV file",
		Paste:         "Or paste the CSV",
		PasteHint:     "First line: the column names.",
		SkipInvalid:   "Import the valid rows even if others are rejected",
		ImportButton:  "Import the contacts",
		Imported:      "Contacts added: %d. Rows merged into existing contacts: %d.",
		InvalidRows:   "Some rows are rejected, so nothing was imported. Correct them and import again, or tick “Import the valid rows” to skip them.",
		Rejected:      "Rejected rows",
		Line:          "Line",
		Reason:        "Reason",
		NoFile:        "Choose a CSV file or paste its lines.",
		FileTooLarge:  "The contact file is larger than the limit: split it.",

		SendTitle:  "Send personal links",
		SendIntro:  "Each contact not sent a link yet gets their own, on their channel and in their language. Pressing again sends only to the contacts added since; those who opted out are skipped.",
		SendButton: "Send to new contacts",
		Queued:     "Messages queued: %d. They leave within moments.",
		Suppressed: "Contacts skipped because they opted out: %d.",
		AllSent:    "Every contact already has their link: nothing new to send.",
		NoContacts: "There is no contact to send to: import contacts first.",
		Ended:      "This campaign has ended: no link can be sent or minted any more.",

		DeliveriesTitle: "Deliveries",
		DeliveriesHint:  "Figures and rows update every few seconds.",
		Statuses: map[string]string{
			"queued": "Queued", "sending": "Sending", "sent": "Sent",
			"kept":      "Kept by the development sender (not delivered)",
			"delivered": "Delivered", "undelivered": "Undelivered", "failed": "Failed",
		},
		Channels:     map[string]string{"email": "Email", "sms": "SMS", "whatsapp": "WhatsApp", "link": "Link or QR code"},
		Recipient:    "Recipient",
		Channel:      "Channel",
		Updated:      "Last change",
		Error:        "Error",
		Erased:       "erased",
		NoDeliveries: "No message yet.",
		ShowStatus:   "Status shown",
		AllStatuses:  "All",
		Show:         "Show",
		NextPage:     "Next messages",
		FirstPage:    "First messages",
		BadStatus:    "Unknown status: choose one from the list.",
		BadAfter:     "This page of deliveries does not exist.",

		MintTitle:      "Links to hand out",
		MintIntro:      "Seed links with a QR code each, for posters, flyers or the people you meet. Every press mints new links.",
		Count:          "Number of links",
		CountHint:      "Up to %d on a printable page, %d in a CSV file.",
		LinkChannel:    "How they travel",
		Label:          "Label (optional)",
		LabelHint:      "For your records, such as “flyers, Paris concert”.",
		Seats:          "Seats per link (optional)",
		SeatsHint:      "Empty: the campaign's %d. At most %d: a poster seen by many needs more.",
		ExpiresAt:      "Expires at (optional)",
		ExpiresHint:    "UTC. Empty: the links last as long as the campaign.",
		PrintButton:    "Printable page with QR codes",
		CSVButton:      "CSV file",
		OnlyOnce:       "Links are shown only once, on the page or in the file that answers: only their fingerprints are stored.",
		FixBelow:       "Nothing was minted: please correct the field marked below.",
		BadCount:       "Enter a whole number of links from 1 to %d.",
		TooManyForPage: "A printable page holds at most %s: choose the CSV file for more.",
		BadSeats:       "Enter a whole number of seats, or leave it empty.",
		BadFormat:      "Choose a printable page or a CSV file.",
		PastExpiry:     "The expiry must be in the future.",
		AlreadyMinted:  "Nothing new was minted: this form's links were minted and shown already (reloading the printable page posts the form again). They cannot be shown again: only their fingerprints are stored. Press a button below for new links.",
		StaleForm:      "Nothing was minted: this form is too old. Press the button again on this page.",

		LinksHeading:  "Links to hand out: %d",
		NotShownAgain: "These links will not be shown again, even if you reload this page: only their fingerprints are stored. Print this page or download the CSV now.",
		Print:         "Print",
		DownloadCSV:   "Download these links as CSV",
		Back:          "Back to seeding",
		QRLabel:       "QR code of link %d",
	},
	"fr": {
		Intro:   "Lancez la campagne auprès d'un premier cercle : envoyez un lien personnel à chacun de vos contacts, ou créez des liens à distribuer avec leur QR code.",
		NotLive: "Les liens envoyés ou créés maintenant ne s'ouvriront qu'une fois la campagne en ligne. Son statut :",

		ContactsTitle: "Contacts",
		ContactsIntro: "Un fichier CSV dont la première ligne nomme les colonnes : nom, email, téléphone, canal (email, sms ou whatsapp) et langue (fr ou en). Virgules ou points-virgules ; numéros avec leur indicatif +pays. Un contact déjà présent est mis à jour.",
		File:          "Fichier CSV",
		Paste:         "Ou collez le CSV",
		PasteHint:     "Première ligne : les noms des colonnes.",
		SkipInvalid:   "Importer les lignes valides même si d'autres sont refusées",
		ImportButton:  "Importer les contacts",
		Imported:      "Contacts ajoutés : %d. Lignes fusionnées avec des contacts existants : %d.",
		InvalidRows:   "Des lignes sont refusées : rien n'a été importé. Corrigez-les et importez à nouveau, ou cochez « Importer les lignes valides » pour les ignorer.",
		Rejected:      "Lignes refusées",
		Line:          "Ligne",
		Reason:        "Motif",
		NoFile:        "Choisissez un fichier CSV ou collez ses lignes.",
		FileTooLarge:  "Le fichier de contacts dépasse la taille maximale : découpez-le.",

		SendTitle:  "Envoyer les liens personnels",
		SendIntro:  "Chaque contact qui n'a pas encore reçu de lien reçoit le sien, sur son canal et dans sa langue. Un nouvel envoi ne concerne que les contacts ajoutés depuis ; ceux qui se sont désinscrits sont ignorés.",
		SendButton: "Envoyer aux nouveaux contacts",
		Queued:     "Messages mis en file d'attente : %d. Ils partent dans quelques instants.",
		Suppressed: "Contacts ignorés car désinscrits : %d.",
		AllSent:    "Chaque contact a déjà son lien : rien de nouveau à envoyer.",
		NoContacts: "Aucun contact à qui envoyer : importez d'abord des contacts.",
		Ended:      "Cette campagne est terminée : plus aucun lien ne peut être envoyé ni créé.",

		DeliveriesTitle: "Envois",
		DeliveriesHint:  "Les chiffres et les lignes se mettent à jour toutes les quelques secondes.",
		Statuses: map[string]string{
			"queued": "En attente", "sending": "En cours d'envoi", "sent": "Envoyé",
			"kept":      "Gardé par l'expéditeur de développement (non distribué)",
			"delivered": "Distribué", "undelivered": "Non distribué", "failed": "Échec",
		},
		Channels:     map[string]string{"email": "E-mail", "sms": "SMS", "whatsapp": "WhatsApp", "link": "Lien ou QR code"},
		Recipient:    "Destinataire",
		Channel:      "Canal",
		Updated:      "Dernier changement",
		Error:        "Erreur",
		Erased:       "effacé",
		NoDeliveries: "Aucun message pour l'instant.",
		ShowStatus:   "Statut affiché",
		AllStatuses:  "Tous",
		Show:         "Afficher",
		NextPage:     "Messages suivants",
		FirstPage:    "Premiers messages",
		BadStatus:    "Statut inconnu : choisissez-en un dans la liste.",
		BadAfter:     "Cette page d'envois n'existe pas.",

		MintTitle:      "Liens à distribuer",
		MintIntro:      "Des liens de lancement avec chacun son QR code, pour des affiches, des flyers ou les personnes que vous rencontrez. Chaque clic crée de nouveaux liens.",
		Count:          "Nombre de liens",
		CountHint:      "Jusqu'à %d sur une page à imprimer, %d dans un fichier CSV.",
		LinkChannel:    "Par où ils circulent",
		Label:          "Étiquette (facultative)",
		LabelHint:      "Pour vous y retrouver, par exemple « flyers, concert de Paris ».",
		Seats:          "Places par lien (facultatif)",
		SeatsHint:      "Vide : les %d de la campagne. Au plus %d : une affiche vue par beaucoup en demande davantage.",
		ExpiresAt:      "Expiration (facultative)",
		ExpiresHint:    "En UTC. Vide : les liens durent autant que la campagne.",
		PrintButton:    "Page à imprimer avec QR codes",
		CSVButton:      "Fichier CSV",
		OnlyOnce:       "Les liens ne sont montrés qu'une fois, sur la page ou dans le fichier obtenu : seules leurs empreintes sont conservées.",
		FixBelow:       "Aucun lien n'a été créé : corrigez le champ signalé ci-dessous.",
		BadCount:       "Saisissez un nombre entier de liens, de 1 à %d.",
		TooManyForPage: "Une page à imprimer contient au plus %s : choisissez le fichier CSV pour davantage.",
		BadSeats:       "Saisissez un nombre entier de places, ou laissez vide.",
		BadFormat:      "Choisissez une page à imprimer ou un fichier CSV.",
		PastExpiry:     "L'expiration doit être dans le futur.",
		AlreadyMinted:  "Aucun nouveau lien n'a été créé : les liens de ce formulaire ont déjà été créés et affichés (recharger la page à imprimer renvoie le formulaire). Ils ne peuvent plus être affichés : seules leurs empreintes sont conservées. Appuyez sur un bouton ci-dessous pour de nouveaux liens.",
		StaleForm:      "Aucun lien n'a été créé : ce formulaire est trop ancien. Appuyez à nouveau sur le bouton de cette page.",

		LinksHeading:  "Liens à distribuer : %d",
		NotShownAgain: "Ces liens ne seront plus affichés, même si vous rechargez cette page : seules leurs empreintes sont conservées. Imprimez cette page ou téléchargez le CSV maintenant.",
		Print:         "Imprimer",
		DownloadCSV:   "Télécharger ces liens en CSV",
		Back:          "Retour à la diffusion",
		QRLabel:       "QR code du lien %d",
	},
}
