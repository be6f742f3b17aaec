package web

// messagesText holds the sentences of a campaign's message templates and
// contacts pages. Those with verbs such as %s are formats.
type messagesText struct {
	// Links from the seeding page.
	EditTemplates string
	SeeContacts   string
	BackToSeeding string

	TemplatesTitle string
	TemplatesIntro string
	Wording        string
	Language       string
	Default        string
	Custom         string
	Edit           string
	Languages      map[string]string // notify.Languages

	TemplateTitle  string // %s channel, %s language: "Email in French"
	IsDefault      string
	IsCustom       string
	Subject        string
	Text           map[string]string // the text field's label, by channel
	HTML           string
	HTMLHint       string
	ContentSID     string
	ContentSIDHint string
	Variables      string
	VariablesHint  string
	SaveButton     string
	PreviewButton  string
	OpenHTML       string
	FixBelow       string
	Saved          string
	TooLong        string
	BadVariables   string
	BadForm        string
	NoSuchTemplate string

	PlaceholdersTitle string
	PlaceholdersIntro string
	Placeholders      []placeholder
	LinkRule          string
	SMSRule           string
	WhatsAppRule      string

	PreviewTitle     string
	PreviewHint      string
	DraftHint        string
	PreviewSubject   string
	PreviewText      string
	PreviewVariables string
	Segments         string // the characters (liveText.count), %d segments
	SampleName       string
	NoPreview        string
	NotPlaceholder   string // %s: the unknown placeholder

	ResetButton   string
	ResetTitle    string
	ResetQuestion string // %s: the template's title
	ResetConfirm  string
	ResetNeeds    string
	ResetDone     string

	ContactsTitle  string
	ContactsIntro  string
	Search         string
	SearchHint     string
	SearchButton   string
	ShowAll        string
	NoMatch        string
	BadQuery       string // %s: what was typed
	Name           string
	Phone          string
	OptedOut       string
	Yes            string
	No             string
	Actions        string
	Export         string
	ExportLabel    string // %s: the contact
	Erase          string
	EraseLabel     string // %s: the contact
	NoName         string
	NoContacts     string
	NextPage       string
	FirstPage      string
	BadAfter       string
	NoSuchContact  string
	Erased         string
	EraseTitle     string
	EraseQuestion  string // %s: the contact
	EraseRemoves   string
	EraseRemoved   []string
	EraseKeeps     string
	EraseKept      []string
	EraseUndo      string
	EraseConfirm   string
	EraseButton    string
	EraseNeeds     string
	ContactAddress string
}

// placeholder is one thing a template may use, and what it says.
type placeholder struct {
	Code string
	Says string
}

var messagesTexts = map[string]messagesText{
	"en": {
		EditTemplates: "Edit the wording of the messages",
		SeeContacts:   "See the contacts: export or erase a person's data",
		BackToSeeding: "Back to seeding",

		TemplatesTitle: "Message templates",
		TemplatesIntro: "The wording of the messages Sillage sends for this campaign: the personal links sent to your contacts, each in the contact's language, and the links recipients ask Sillage to send for them, in the campaign's language.",
		Wording:        "Wording",
		Language:       "Language",
		Default:        "Default",
		Custom:         "Customised",
		Edit:           "Edit",
		Languages:      map[string]string{"fr": "French", "en": "English"},

		TemplateTitle:  "%s in %s",
		IsDefault:      "This is Sillage's default wording. Saving it makes it this campaign's own.",
		IsCustom:       "This campaign has its own wording. Messages already queued keep the wording they were written with.",
		Subject:        "Subject",
		Text:           map[string]string{"email": "Plain-text part", "sms": "Text of the SMS", "whatsapp": "Text of the message"},
		HTML:           "HTML part",
		HTMLHint:       "The email as mail apps show it. Values are escaped for you.",
		ContentSID:     "Approved WhatsApp template (Content SID, optional)",
		ContentSIDHint: "WhatsApp lets a business start a conversation only with a template it approved: HX followed by 32 hexadecimal digits, from Twilio's Content Template Builder. Empty: the text is sent.",
		Variables:      "Variables of the approved template",
		VariablesHint:  "One per line, number = value, such as 1 = {{.Name}}. Empty: 1 is the name, 2 the link.",
		SaveButton:     "Save the wording",
		PreviewButton:  "Preview without saving",
		OpenHTML:       "Open the HTML email (new tab)",
		FixBelow:       "Nothing was saved: please correct the field marked below.",
		Saved:          "Saved: messages queued from now on use this wording.",
		TooLong:        "The wording is too long: nothing was saved.",
		BadVariables:   "Write one variable per line, such as 1 = {{.Name}}, each number once.",
		BadForm:        "The form could not be read: reload the page and try again.",
		NoSuchTemplate: "There is no such message template: the channels are email, SMS and WhatsApp, the languages French and English.",

		PlaceholdersTitle: "What the wording may use",
		PlaceholdersIntro: "Go template syntax: each placeholder is replaced in every message. {{with .Name}}Hi {{.}},{{else}}Hello,{{end}} greets a person whose name may be missing.",
		Placeholders: []placeholder{
			{"{{.Link}}", "The person's own link. Required in the text, and in the HTML part of an email; never in the subject, which is kept after sending."},
			{"{{.Name}}", "The contact's name; empty when the list had none, and in links sent for a recipient."},
			{"{{.Teaser}}", "The teaser's title: public, as link previews show it."},
			{"{{.TeaserText}}", "The teaser's text; may be empty."},
			{"{{.Campaign}}", "The campaign's title."},
			{"{{.Unsubscribe}}", "Email only: the link to stop receiving messages. Keep it."},
		},
		LinkRule:     "Any other name, such as {{.Password}}, is refused when you save, and so are what could make a message endless: {{range}}, {{define}} and {{template}}, variables, print and printf. {{if}}, {{with}}, {{or .Name \"friend\"}} and comparisons are fine.",
		SMSRule:      "An SMS is billed per segment: 160 plain characters fit in one, fewer with accents outside the GSM alphabet or emoji. A long text is shortened to fit two segments (teaser text first, never the link).",
		WhatsAppRule: "Without an approved template, the text is sent only to people who wrote to your number in the last 24 hours.",

		PreviewTitle:     "Preview",
		PreviewHint:      "With a sample name and link, and this campaign's teaser.",
		DraftHint:        "Preview of the wording in the form below, not saved.",
		PreviewSubject:   "Subject",
		PreviewText:      "Text",
		PreviewVariables: "Variables sent to the approved template",
		Segments:         "%s, SMS segments: %d.",
		SampleName:       "Camille",
		NoPreview:        "No preview: correct the wording first.",
		NotPlaceholder:   "%s is not a placeholder: use those listed under “What the wording may use”.",

		ResetButton:   "Reset to the default wording",
		ResetTitle:    "Reset a message template",
		ResetQuestion: "Reset “%s” to Sillage's default wording? This campaign's own wording will be deleted; messages already queued keep theirs.",
		ResetConfirm:  "Reset",
		ResetNeeds:    "Nothing was reset: confirm with the button on this page.",
		ResetDone:     "The default wording applies again.",

		Search:         "Find a person",
		SearchHint:     "Their email address, or their phone number as they give it.",
		SearchButton:   "Find",
		ShowAll:        "Show every contact",
		NoMatch:        "No contact of this campaign has this address.",
		BadQuery:       "%q is neither an email address nor a phone number.",
		ContactsTitle:  "Contacts",
		ContactsIntro:  "The people this campaign is seeded to, in the order they were imported. Addresses are shown in full, so that you can answer a person who asks for their data: export gives them everything Sillage keeps about them, erasure removes it.",
		Name:           "Name",
		Phone:          "Phone",
		OptedOut:       "Opted out",
		Yes:            "Yes",
		No:             "No",
		Actions:        "Their data",
		Export:         "Export (JSON)",
		ExportLabel:    "Export the data of %s as JSON",
		Erase:          "Erase",
		EraseLabel:     "Erase %s",
		NoName:         "(no name)",
		NoContacts:     "No contact yet: import them on the seeding page.",
		NextPage:       "Next contacts",
		FirstPage:      "First contacts",
		BadAfter:       "The page asked for does not exist: here is the first one.",
		NoSuchContact:  "This contact does not exist in this campaign: it may have been erased already.",
		Erased:         "The contact was erased: their name, addresses and the text of their messages are gone. The forward tree and the figures are unchanged.",
		EraseTitle:     "Erase a contact",
		EraseQuestion:  "Erase %s?",
		EraseRemoves:   "Erasure removes:",
		EraseRemoved:   []string{"the contact: name, email, phone, channel and language;", "in every message sent to this address in this campaign (the personal link, and links recipients asked Sillage to send there), the address, the subject and the text;", "a message not sent yet: it is cancelled."},
		EraseKeeps:     "It keeps:",
		EraseKept:      []string{"the forward tree and every figure: views, reach, channels, depths;", "each message's channel, status and times, without the address;", "the opt-out, if the person opted out: honouring it needs the address."},
		EraseUndo:      "This cannot be undone. If the person asked for their data, export it first.",
		EraseConfirm:   "I understand: erase this person's data for good",
		EraseButton:    "Erase for good",
		EraseNeeds:     "Nothing was erased: tick the box to confirm.",
		ContactAddress: "Address",
	},
	"fr": {
		EditTemplates: "Modifier le texte des messages",
		SeeContacts:   "Voir les contacts : exporter ou effacer les données d'une personne",
		BackToSeeding: "Retour à la diffusion",

		TemplatesTitle: "Modèles de messages",
		TemplatesIntro: "Le texte des messages que Sillage envoie pour cette campagne : les liens personnels envoyés à vos contacts, chacun dans la langue du contact, et les liens que des destinataires demandent à Sillage d'envoyer pour eux, dans la langue de la campagne.",
		Wording:        "Texte",
		Language:       "Langue",
		Default:        "Par défaut",
		Custom:         "Personnalisé",
		Edit:           "Modifier",
		Languages:      map[string]string{"fr": "français", "en": "anglais"},

		TemplateTitle:  "%s en %s",
		IsDefault:      "C'est le texte par défaut de Sillage. L'enregistrer en fait le texte propre à cette campagne.",
		IsCustom:       "Cette campagne a son propre texte. Les messages déjà en file gardent le texte avec lequel ils ont été écrits.",
		Subject:        "Objet",
		Text:           map[string]string{"email": "Partie texte", "sms": "Texte du SMS", "whatsapp": "Texte du message"},
		HTML:           "Partie HTML",
		HTMLHint:       "L'e-mail tel que les messageries l'affichent. Les valeurs sont échappées pour vous.",
		ContentSID:     "Modèle WhatsApp approuvé (Content SID, facultatif)",
		ContentSIDHint: "WhatsApp ne laisse une entreprise ouvrir une conversation qu'avec un modèle approuvé : HX suivi de 32 chiffres hexadécimaux, depuis le Content Template Builder de Twilio. Vide : le texte est envoyé.",
		Variables:      "Variables du modèle approuvé",
		VariablesHint:  "Une par ligne, numéro = valeur, par exemple 1 = {{.Name}}. Vide : 1 est le nom, 2 le lien.",
		SaveButton:     "Enregistrer le texte",
		PreviewButton:  "Aperçu sans enregistrer",
		OpenHTML:       "Ouvrir l'e-mail HTML (nouvel onglet)",
		FixBelow:       "Rien n'a été enregistré : corrigez le champ signalé ci-dessous.",
		Saved:          "Enregistré : les messages mis en file désormais utilisent ce texte.",
		TooLong:        "Le texte est trop long : rien n'a été enregistré.",
		BadVariables:   "Écrivez une variable par ligne, par exemple 1 = {{.Name}}, chaque numéro une fois.",
		BadForm:        "Le formulaire n'a pas pu être lu : rechargez la page et réessayez.",
		NoSuchTemplate: "Ce modèle de message n'existe pas : les canaux sont e-mail, SMS et WhatsApp, les langues français et anglais.",

		PlaceholdersTitle: "Ce que le texte peut utiliser",
		PlaceholdersIntro: "Syntaxe des modèles Go : chaque variable est remplacée dans chaque message. {{with .Name}}Bonjour {{.}},{{else}}Bonjour,{{end}} salue une personne dont le nom peut manquer.",
		Placeholders: []placeholder{
			{"{{.Link}}", "Le lien personnel de la personne. Obligatoire dans le texte, et dans la partie HTML d'un e-mail ; jamais dans l'objet, qui est conservé après l'envoi."},
			{"{{.Name}}", "Le nom du contact ; vide si la liste n'en donnait pas, et dans les liens envoyés pour un destinataire."},
			{"{{.Teaser}}", "Le titre de l'accroche : public, comme dans les aperçus de lien."},
			{"{{.TeaserText}}", "Le texte de l'accroche ; peut être vide."},
			{"{{.Campaign}}", "Le titre de la campagne."},
			{"{{.Unsubscribe}}", "E-mail seulement : le lien pour ne plus recevoir de messages. Gardez-le."},
		},
		LinkRule:     "Tout autre nom, comme {{.Password}}, est refusé à l'enregistrement, de même que ce qui pourrait rendre un message sans fin : {{range}}, {{define}} et {{template}}, les variables, print et printf. {{if}}, {{with}}, {{or .Name \"ami\"}} et les comparaisons sont permis.",
		SMSRule:      "Un SMS est facturé par segment : 160 caractères simples tiennent dans un, moins avec des accents hors de l'alphabet GSM ou des emoji. Un texte long est raccourci pour tenir en deux segments (le texte de l'accroche d'abord, jamais le lien).",
		WhatsAppRule: "Sans modèle approuvé, le texte n'est envoyé qu'aux personnes qui ont écrit à votre numéro dans les dernières 24 heures.",

		PreviewTitle:     "Aperçu",
		PreviewHint:      "Avec un nom et un lien d'exemple, et l'accroche de cette campagne.",
		DraftHint:        "Aperçu du texte du formulaire ci-dessous, non enregistré.",
		PreviewSubject:   "Objet",
		PreviewText:      "Texte",
		PreviewVariables: "Variables envoyées au modèle approuvé",
		Segments:         "%s, segments SMS : %d.",
		SampleName:       "Camille",
		NoPreview:        "Pas d'aperçu : corrigez d'abord le texte.",
		NotPlaceholder:   "%s n'est pas une variable : utilisez celles de « Ce que le texte peut utiliser ».",

		ResetButton:   "Revenir au texte par défaut",
		ResetTitle:    "Réinitialiser un modèle de message",
		ResetQuestion: "Revenir au texte par défaut de Sillage pour « %s » ? Le texte propre à cette campagne sera supprimé ; les messages déjà en file gardent le leur.",
		ResetConfirm:  "Réinitialiser",
		ResetNeeds:    "Rien n'a été réinitialisé : confirmez avec le bouton de cette page.",
		ResetDone:     "Le texte par défaut s'applique de nouveau.",

		Search:         "Trouver une personne",
		SearchHint:     "Son adresse e-mail, ou son numéro de téléphone tel qu'elle le donne.",
		SearchButton:   "Trouver",
		ShowAll:        "Voir tous les contacts",
		NoMatch:        "Aucun contact de cette campagne n'a cette adresse.",
		BadQuery:       "« %s » n'est ni une adresse e-mail ni un numéro de téléphone.",
		ContactsTitle:  "Contacts",
		ContactsIntro:  "Les personnes à qui cette campagne est diffusée, dans l'ordre de leur import. Les adresses sont affichées en entier, pour répondre à une personne qui demande ses données : l'export lui donne tout ce que Sillage garde sur elle, l'effacement le supprime.",
		Name:           "Nom",
		Phone:          "Téléphone",
		OptedOut:       "Désinscrit",
		Yes:            "Oui",
		No:             "Non",
		Actions:        "Ses données",
		Export:         "Exporter (JSON)",
		ExportLabel:    "Exporter les données de %s en JSON",
		Erase:          "Effacer",
		EraseLabel:     "Effacer %s",
		NoName:         "(sans nom)",
		NoContacts:     "Aucun contact pour l'instant : importez-les sur la page de diffusion.",
		NextPage:       "Contacts suivants",
		FirstPage:      "Premiers contacts",
		BadAfter:       "La page demandée n'existe pas : voici la première.",
		NoSuchContact:  "Ce contact n'existe pas dans cette campagne : il a peut-être déjà été effacé.",
		Erased:         "Le contact a été effacé : son nom, ses adresses et le texte de ses messages ont disparu. L'arbre des partages et les chiffres sont inchangés.",
		EraseTitle:     "Effacer un contact",
		EraseQuestion:  "Effacer %s ?",
		EraseRemoves:   "L'effacement supprime :",
		EraseRemoved:   []string{"le contact : nom, e-mail, téléphone, canal et langue ;", "dans chaque message envoyé à cette adresse pour cette campagne (le lien personnel, et les liens que des destinataires ont demandé à Sillage d'y envoyer), l'adresse, l'objet et le texte ;", "un message pas encore envoyé : il est annulé."},
		EraseKeeps:     "Il garde :",
		EraseKept:      []string{"l'arbre des partages et tous les chiffres : vues, portée, canaux, profondeurs ;", "le canal, le statut et les horaires de chaque message, sans l'adresse ;", "la désinscription, si la personne s'est désinscrite : la respecter demande l'adresse."},
		EraseUndo:      "C'est définitif. Si la personne a demandé ses données, exportez-les d'abord.",
		EraseConfirm:   "Je comprends : effacer définitivement les données de cette personne",
		EraseButton:    "Effacer définitivement",
		EraseNeeds:     "Rien n'a été effacé : cochez la case pour confirmer.",
		ContactAddress: "Adresse",
	},
}
