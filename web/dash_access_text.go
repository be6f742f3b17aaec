package web

// accessText holds the editor's sentences about what recipients see: the
// public title beside the internal name, and what makes the content
// perceivable without sight or hearing (image descriptions, transcript,
// captions).
type accessText struct {
	InternalName         string
	InternalNameHint     string
	PublicTitle          string
	PublicTitleHint      string
	TeaserImageAlt       string
	TeaserImageAltHint   string
	Section              string
	SectionHint          string
	ContentImageAlt      string
	ContentImageAltHint  string
	Transcript           string
	TranscriptHint       string
	Captions             string
	CaptionsHint         string
	CaptionsNone         string
	CaptionsSet          string
	CaptionsButton       string
	CaptionsRemoveButton string
}

var accessTexts = map[string]*accessText{
	"en": {
		InternalName:         "Internal name (only you see it)",
		InternalNameHint:     "Recipients see the public title below; this name only when the public title is empty.",
		PublicTitle:          "Public title (recipients see it)",
		PublicTitleHint:      "Shown in link previews, on the unlock page, above the content and on the pages that refuse a link.",
		TeaserImageAlt:       "Preview image description",
		TeaserImageAltHint:   "What the uploaded image shows, read aloud to people who cannot see it. Empty: the public title is read.",
		Section:              "For everyone",
		SectionHint:          "What recipients who cannot see or hear the content get instead.",
		ContentImageAlt:      "Image description (image content)",
		ContentImageAltHint:  "What the image shows. Empty: the public title is read.",
		Transcript:           "Transcript (audio or video)",
		TranscriptHint:       "Plain text shown under the player; an empty line separates paragraphs.",
		Captions:             "Captions (video)",
		CaptionsHint:         "A WebVTT file (.vtt), up to 1 MiB: shown on the video, on by default.",
		CaptionsNone:         "No captions yet.",
		CaptionsSet:          "Captions uploaded: the video shows them.",
		CaptionsButton:       "Upload the captions",
		CaptionsRemoveButton: "Remove the captions",
	},
	"fr": {
		InternalName:         "Nom interne (vous seul le voyez)",
		InternalNameHint:     "Les destinataires voient le titre public ci-dessous ; ce nom seulement si le titre public est vide.",
		PublicTitle:          "Titre public (les destinataires le voient)",
		PublicTitleHint:      "Affiché dans les aperçus de lien, sur la page de déblocage, au-dessus du contenu et sur les pages qui refusent un lien.",
		TeaserImageAlt:       "Description de l'image d'aperçu",
		TeaserImageAltHint:   "Ce que montre l'image envoyée, lu à voix haute à qui ne peut pas la voir. Vide : le titre public est lu.",
		Section:              "Pour tout le monde",
		SectionHint:          "Ce que reçoivent à la place les destinataires qui ne peuvent pas voir ou entendre le contenu.",
		ContentImageAlt:      "Description de l'image (contenu image)",
		ContentImageAltHint:  "Ce que montre l'image. Vide : le titre public est lu.",
		Transcript:           "Transcription (son ou vidéo)",
		TranscriptHint:       "Texte brut affiché sous le lecteur ; une ligne vide sépare les paragraphes.",
		Captions:             "Sous-titres (vidéo)",
		CaptionsHint:         "Un fichier WebVTT (.vtt), jusqu'à 1 Mio : affiché sur la vidéo, activé par défaut.",
		CaptionsNone:         "Pas encore de sous-titres.",
		CaptionsSet:          "Sous-titres envoyés : la vidéo les affiche.",
		CaptionsButton:       "Envoyer les sous-titres",
		CaptionsRemoveButton: "Retirer les sous-titres",
	},
}

// Access returns the editor's sentences about what recipients see, in
// the dashboard's language.
func (t *dashText) Access() *accessText {
	if a, ok := accessTexts[t.Lang]; ok {
		return a
	}
	return accessTexts["en"]
}
