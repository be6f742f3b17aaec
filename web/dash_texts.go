package web

import (
	"net/http"

	"github.com/sillage/sillage/campaign/i18n"
)

// dashText holds every sentence of the dashboard in one language. Field
// names in validation messages come from campaign.Validate, in English.
type dashText struct {
	Lang       string
	DateLayout string
	SkipLink   string
	Nav        string
	Campaigns  string
	Keys       string
	SignOut    string
	SignedInAs string

	SignIn          string
	SignInTitle     string
	Email           string
	Password        string
	PasswordAgain   string
	PasswordHint    string
	BadCredentials  string
	TooMany         string
	SetupTitle      string
	SetupIntro      string
	SetupButton     string
	PasswordsDiffer string
	BadEmail        string
	BadPassword     string
	EmailTaken      string
	SetupCode       string
	SetupCodeHint   string
	BadSetupCode    string

	NewCampaign string
	NoCampaigns string
	Title       string
	Status      string
	Views       string
	Reach       string
	MaxDepth    string
	LiveHint    string
	States      map[string]string // campaign states by name

	EditTitle         string
	NewTitle          string
	General           string
	Language          string
	LangFR            string
	LangEN            string
	Teaser            string
	TeaserHint        string
	TeaserTitle       string
	TeaserText        string
	TeaserImageURL    string
	Rules             string
	SeatsPerLink      string
	MaxSeats          string
	ForwardsPerClaim  string
	MaxDepthRule      string
	ZeroNoLimit       string
	LinkLifetime      string
	ViewCap           string
	PerNetwork        string
	PerNetworkHint    string
	SendForMe         string
	Countries         string
	CountriesHint     string
	RevokeLeaks       string
	Schedule          string
	StartsAt          string
	EndsAt            string
	UTCHint           string
	Save              string
	Create            string
	Saved             string
	FixBelow          string
	Content           string
	ContentNone       string
	ContentFile       string
	ContentText       string
	ContentNoName     string // a file sent through the API without a name
	ContentPreview    string
	ContentOpen       string
	ErrorTitle        string // the page title after a refused save: %s is the usual title
	Upload            string
	Uploading         string
	Uploaded          string
	UploadFailed      string
	UploadHint        string
	LinkPreview       string
	LinkPreviewHint   string
	RemoteImage       string
	TeaserImageUpload string
	TeaserImageHint   string
	TeaserImageButton string
	TextContent       string
	TextType          string
	Plain             string
	Markdown          string
	SaveText          string
	Lifecycle         string
	Actions           map[string]string // status buttons by target status
	Confirms          map[string]string // confirmation questions by target status
	Cancel            string
	NotFound          string
	NoContent         string
	BadTransition     string
	TooLarge          string // %s: the limit, such as "5 MiB"
	Mismatch          string // %s: the type the file looks like, then the one it was sent as
	Oops              string
	CannotSave        string

	KeysTitle  string
	KeysIntro  string
	KeyName    string
	CreateKey  string
	NewKey     string
	NewKeyHint string
	Created    string
	Active     string
	Revoked    string
	Revoke     string
	NoKeys     string
	BadKeyName string

	// A campaign's tabs.
	Tabs    string
	TabEdit string
	TabLive string
	TabTree string
	TabSeed string

	// The sentences of the live view, the tree and the seeding pages,
	// each kept beside its page.
	Live liveText
	Tree treeText
	Seed seedText
	// Revoking links, freeing seats, security alerts (web/dash_trust.go).
	Trust trustText
	// Message templates and contacts (web/dash_messages_text.go).
	Messages messagesText
}

var dashTexts = map[string]*dashText{
	"en": {
		Lang:       "en",
		DateLayout: "Jan 2, 2006 15:04 MST",
		SkipLink:   "Skip to content",
		Nav:        "Main",
		Campaigns:  "Campaigns",
		Keys:       "API keys",
		SignOut:    "Sign out",
		SignedInAs: "Signed in as",

		SignIn:          "Sign in",
		SignInTitle:     "Sign in to Sillage",
		Email:           "Email",
		Password:        "Password",
		PasswordAgain:   "Password again",
		PasswordHint:    "At least 10 characters.",
		BadCredentials:  "Wrong email or password.",
		TooMany:         "Too many failed sign-ins. Wait a few minutes and try again.",
		SetupTitle:      "Welcome to Sillage",
		SetupIntro:      "Create the first account. This page works only once: afterwards, accounts are created with sillage user create.",
		SetupButton:     "Create the account",
		PasswordsDiffer: "The two passwords differ.",
		BadEmail:        "Enter an email address such as name@example.com.",
		BadPassword:     "The password must have at least 10 characters (and at most 72 bytes).",
		EmailTaken:      "An account with this email already exists.",
		SetupCode:       "Setup code",
		SetupCodeHint:   "The server printed it in its log as it started, on a line \"setup code\": it proves you run the server. Restart the server for a new one, or create the account with sillage user create.",
		BadSetupCode:    "Wrong or expired setup code. Copy it from the server's log, or restart the server for a new one.",

		NewCampaign: "New campaign",
		NoCampaigns: "No campaign yet. Create the first one.",
		Title:       "Title",
		Status:      "Status",
		Views:       "Views",
		Reach:       "Reach",
		MaxDepth:    "Max depth",
		LiveHint:    "Figures update every few seconds.",
		States: map[string]string{
			"draft": "Draft", "live": "Live", "scheduled": "Scheduled", "paused": "Paused", "ended": "Ended",
		},

		EditTitle:         "Edit campaign",
		NewTitle:          "New campaign",
		General:           "Campaign",
		Language:          "Language of the recipient pages",
		LangFR:            "French",
		LangEN:            "English",
		Teaser:            "Teaser",
		TeaserHint:        "Public: what link previews in WhatsApp, Messenger or Slack and locked visitors see.",
		TeaserTitle:       "Teaser title",
		TeaserText:        "Teaser text",
		TeaserImageURL:    "Preview image (https:// address, optional)",
		Rules:             "Rules",
		SeatsPerLink:      "Seats per link",
		MaxSeats:          "Largest group link (seats)",
		ForwardsPerClaim:  "Forwards per recipient",
		MaxDepthRule:      "Maximum depth",
		ZeroNoLimit:       "0: no limit",
		LinkLifetime:      "Link lifetime (hours)",
		ViewCap:           "View cap",
		PerNetwork:        "Views per network and day",
		PerNetworkHint:    "Phones on one Wi-Fi or one carrier share a network: one person clearing cookies adds at most this many views a day. 0: no cap.",
		SendForMe:         "Recipients may ask Sillage to send a link for them",
		Countries:         "Countries texted for recipients",
		CountriesHint:     "Country codes such as FR, BE. Empty: the server's default country. Premium-rate and shared-cost numbers are always refused; emails go anywhere.",
		RevokeLeaks:       "Revoke a link posted publicly (more devices refused than it has seats)",
		Schedule:          "Schedule",
		StartsAt:          "Opens at",
		EndsAt:            "Ends at",
		UTCHint:           "Times are UTC. Leave empty for no schedule.",
		Save:              "Save",
		Create:            "Create the campaign",
		Saved:             "Saved.",
		FixBelow:          "Nothing was saved: please correct the field marked below.",
		Content:           "Exclusive content",
		ContentNone:       "No content yet: a campaign goes live only with content.",
		ContentFile:       "Current content:",
		ContentText:       "Current content: text",
		ContentNoName:     "a file uploaded through the API",
		ContentPreview:    "The content, as recipients will see it",
		ContentOpen:       "Open the content in a new tab",
		ErrorTitle:        "Error: %s",
		Upload:            "Upload a file",
		Uploading:         "Uploading…",
		Uploaded:          "Uploaded.",
		UploadFailed:      "Upload failed:",
		UploadHint:        "Video, audio, PNG, JPEG, GIF or WebP image, or PDF.",
		LinkPreview:       "How the link looks in WhatsApp",
		LinkPreviewHint:   "What a friend sees when a link is pasted in a chat, before anything is unlocked.",
		RemoteImage:       "Image from",
		TeaserImageUpload: "Preview image",
		TeaserImageHint:   "PNG, JPEG, GIF or WebP, up to 5 MiB; about 1200 × 630 pixels shows best. It replaces an image address.",
		TeaserImageButton: "Upload the image",
		TextContent:       "Or write the content",
		TextType:          "Format",
		Plain:             "Plain text",
		Markdown:          "Markdown",
		SaveText:          "Save the text",
		Lifecycle:         "Status",
		Actions:           map[string]string{"live": "Go live", "paused": "Pause", "ended": "End"},
		Confirms: map[string]string{
			"live":   "Go live? Links will open for everyone who holds one.",
			"paused": "Pause? Links stop opening until you go live again.",
			"ended":  "End the campaign? This cannot be undone: links will never open again.",
		},
		Cancel:        "Cancel",
		NotFound:      "This campaign does not exist.",
		NoContent:     "Add content before going live.",
		BadTransition: "This status change is not possible now.",
		TooLarge:      "The file is larger than the limit of %s.",
		Mismatch:      "The file looks like %s, not %s: choose the right file, or save it in the format its name says.",
		Oops:          "Something went wrong on our side. Please try again.",
		CannotSave:    "The server cannot save anything right now (its storage is full or failing). Nothing was changed: try again in a minute.",

		KeysTitle:  "API keys",
		KeysIntro:  "Keys give scripts the JSON API's full powers: send them as Authorization: Bearer KEY.",
		KeyName:    "What the key is for",
		CreateKey:  "Create a key",
		NewKey:     "Your new key, shown only this once: copy it now.",
		NewKeyHint: "Only its hash is stored: it cannot be shown again.",
		Created:    "Created",
		Active:     "Active",
		Revoked:    "Revoked",
		Revoke:     "Revoke",
		NoKeys:     "No key yet.",
		BadKeyName: "Give the key a name of 1 to 100 characters.",

		Tabs:    "Campaign",
		TabEdit: "Settings",
		TabLive: "Live",
		TabTree: "Forward tree",
		TabSeed: "Seeding",
		Live:    liveTexts["en"],
		Tree:    treeTexts["en"],
		Seed:    seedTexts["en"],
		Trust:   trustTexts["en"], // web/dash_trust.go

		Messages: messagesTexts["en"], // web/dash_messages_text.go
	},
	"fr": {
		Lang:       "fr",
		DateLayout: "02/01/2006 15:04 MST",
		SkipLink:   "Aller au contenu",
		Nav:        "Principal",
		Campaigns:  "Campagnes",
		Keys:       "Clés d'API",
		SignOut:    "Se déconnecter",
		SignedInAs: "Connecté en tant que",

		SignIn:          "Se connecter",
		SignInTitle:     "Connexion à Sillage",
		Email:           "E-mail",
		Password:        "Mot de passe",
		PasswordAgain:   "Mot de passe, à nouveau",
		PasswordHint:    "Au moins 10 caractères.",
		BadCredentials:  "E-mail ou mot de passe incorrect.",
		TooMany:         "Trop d'échecs de connexion. Attendez quelques minutes et réessayez.",
		SetupTitle:      "Bienvenue dans Sillage",
		SetupIntro:      "Créez le premier compte. Cette page ne sert qu'une fois : ensuite, les comptes se créent avec sillage user create.",
		SetupButton:     "Créer le compte",
		PasswordsDiffer: "Les deux mots de passe diffèrent.",
		BadEmail:        "Saisissez une adresse e-mail comme nom@exemple.fr.",
		BadPassword:     "Le mot de passe doit compter au moins 10 caractères (et au plus 72 octets).",
		EmailTaken:      "Un compte existe déjà avec cet e-mail.",
		SetupCode:       "Code d'installation",
		SetupCodeHint:   "Le serveur l'a écrit dans son journal au démarrage, sur une ligne « setup code » : il prouve que vous faites tourner le serveur. Redémarrez le serveur pour en obtenir un nouveau, ou créez le compte avec sillage user create.",
		BadSetupCode:    "Code d'installation faux ou expiré. Copiez-le depuis le journal du serveur, ou redémarrez le serveur pour en obtenir un nouveau.",

		NewCampaign: "Nouvelle campagne",
		NoCampaigns: "Aucune campagne pour l'instant. Créez la première.",
		Title:       "Titre",
		Status:      "Statut",
		Views:       "Vues",
		Reach:       "Portée",
		MaxDepth:    "Profondeur max.",
		LiveHint:    "Les chiffres se mettent à jour toutes les quelques secondes.",
		States: map[string]string{
			"draft": "Brouillon", "live": "En ligne", "scheduled": "Programmée", "paused": "En pause", "ended": "Terminée",
		},

		EditTitle:         "Modifier la campagne",
		NewTitle:          "Nouvelle campagne",
		General:           "Campagne",
		Language:          "Langue des pages des destinataires",
		LangFR:            "Français",
		LangEN:            "Anglais",
		Teaser:            "Accroche",
		TeaserHint:        "Publique : ce que montrent les aperçus de lien (WhatsApp, Messenger, Slack) et les visiteurs sans accès.",
		TeaserTitle:       "Titre de l'accroche",
		TeaserText:        "Texte de l'accroche",
		TeaserImageURL:    "Image d'aperçu (adresse https://, facultative)",
		Rules:             "Règles",
		SeatsPerLink:      "Places par lien",
		MaxSeats:          "Plus grand lien de groupe (places)",
		ForwardsPerClaim:  "Partages par destinataire",
		MaxDepthRule:      "Profondeur maximale",
		ZeroNoLimit:       "0 : sans limite",
		LinkLifetime:      "Durée de validité d'un lien (heures)",
		ViewCap:           "Plafond de vues",
		PerNetwork:        "Vues par réseau et par jour",
		PerNetworkHint:    "Les téléphones d'un même Wi-Fi ou d'un même opérateur partagent un réseau : une personne qui efface ses cookies ajoute au plus ce nombre de vues par jour. 0 : sans plafond.",
		SendForMe:         "Les destinataires peuvent demander à Sillage d'envoyer un lien pour eux",
		Countries:         "Pays où Sillage envoie des SMS pour les destinataires",
		CountriesHint:     "Codes de pays, par exemple FR, BE. Vide : le pays par défaut du serveur. Les numéros surtaxés et à coût partagé sont toujours refusés ; les e-mails partent partout.",
		RevokeLeaks:       "Révoquer un lien publié (plus d'appareils refusés que de places)",
		Schedule:          "Calendrier",
		StartsAt:          "Ouverture",
		EndsAt:            "Fin",
		UTCHint:           "Heures en UTC. Laisser vide : pas de calendrier.",
		Save:              "Enregistrer",
		Create:            "Créer la campagne",
		Saved:             "Enregistré.",
		FixBelow:          "Rien n'a été enregistré : corrigez le champ signalé ci-dessous.",
		Content:           "Contenu exclusif",
		ContentNone:       "Pas encore de contenu : une campagne ne passe en ligne qu'avec un contenu.",
		ContentFile:       "Contenu actuel :",
		ContentText:       "Contenu actuel : texte",
		ContentNoName:     "un fichier envoyé par l'API",
		ContentPreview:    "Le contenu, tel que les destinataires le verront",
		ContentOpen:       "Ouvrir le contenu dans un nouvel onglet",
		ErrorTitle:        "Erreur : %s",
		Upload:            "Envoyer un fichier",
		Uploading:         "Envoi…",
		Uploaded:          "Envoyé.",
		UploadFailed:      "Échec de l'envoi :",
		UploadHint:        "Vidéo, audio, image PNG, JPEG, GIF ou WebP, ou PDF.",
		LinkPreview:       "L'aperçu du lien dans WhatsApp",
		LinkPreviewHint:   "Ce que voit un ami quand un lien est collé dans une discussion, avant tout déverrouillage.",
		RemoteImage:       "Image de",
		TeaserImageUpload: "Image d'aperçu",
		TeaserImageHint:   "PNG, JPEG, GIF ou WebP, 5 Mio au plus ; environ 1200 × 630 pixels s'affiche le mieux. Elle remplace une adresse d'image.",
		TeaserImageButton: "Envoyer l'image",
		TextContent:       "Ou écrivez le contenu",
		TextType:          "Format",
		Plain:             "Texte brut",
		Markdown:          "Markdown",
		SaveText:          "Enregistrer le texte",
		Lifecycle:         "Statut",
		Actions:           map[string]string{"live": "Mettre en ligne", "paused": "Mettre en pause", "ended": "Terminer"},
		Confirms: map[string]string{
			"live":   "Mettre en ligne ? Les liens s'ouvriront pour toutes les personnes qui en ont un.",
			"paused": "Mettre en pause ? Les liens ne s'ouvriront plus jusqu'à la remise en ligne.",
			"ended":  "Terminer la campagne ? C'est définitif : les liens ne s'ouvriront plus jamais.",
		},
		Cancel:        "Annuler",
		NotFound:      "Cette campagne n'existe pas.",
		NoContent:     "Ajoutez un contenu avant de mettre en ligne.",
		BadTransition: "Ce changement de statut n'est pas possible maintenant.",
		TooLarge:      "Le fichier dépasse la taille maximale de %s.",
		Mismatch:      "Le fichier ressemble à du %s, pas à du %s : choisissez le bon fichier, ou enregistrez-le dans le format que dit son nom.",
		Oops:          "Un problème est survenu de notre côté. Réessayez.",
		CannotSave:    "Le serveur ne peut rien enregistrer pour le moment (son stockage est plein ou en panne). Rien n'a été modifié : réessayez dans une minute.",

		KeysTitle:  "Clés d'API",
		KeysIntro:  "Une clé donne à un script tous les pouvoirs de l'API JSON : envoyez-la en Authorization: Bearer CLÉ.",
		KeyName:    "À quoi sert la clé",
		CreateKey:  "Créer une clé",
		NewKey:     "Votre nouvelle clé, affichée cette seule fois : copiez-la maintenant.",
		NewKeyHint: "Seule son empreinte est conservée : elle ne pourra plus être affichée.",
		Created:    "Créée",
		Active:     "Active",
		Revoked:    "Révoquée",
		Revoke:     "Révoquer",
		NoKeys:     "Aucune clé pour l'instant.",
		BadKeyName: "Donnez à la clé un nom de 1 à 100 caractères.",

		Tabs:    "Campagne",
		TabEdit: "Réglages",
		TabLive: "En direct",
		TabTree: "Arbre des partages",
		TabSeed: "Diffusion",
		Live:    liveTexts["fr"],
		Tree:    treeTexts["fr"],
		Seed:    seedTexts["fr"],
		Trust:   trustTexts["fr"], // web/dash_trust.go

		Messages: messagesTexts["fr"], // web/dash_messages_text.go
	},
}

// dashTextFor returns the dashboard's sentences in the browser's language.
func dashTextFor(r *http.Request) *dashText {
	return dashTexts[i18n.Match(r.Header.Get("Accept-Language")).Code()]
}
