package web

import (
	"net/http"

	"golang.org/x/text/language"
)

// text holds every sentence of the recipient pages in one language.
type text struct {
	Lang          string
	Unlock        string
	UnlockHint    string
	Private       string
	ShareTitle    string
	ShareHint     string
	WhatsApp      string
	SMS           string
	Email         string
	Copy          string
	Copied        string
	More          string
	Download      string
	ShareMessage  string // followed by the teaser title and the link
	EmailSubject  string
	NoForwards    string
	NotFoundTitle string
	NotFound      string
	SeatTaken     string
	Ended         string
	Paused        string
	NotOpen       string
	OpensOn       string // followed by a date
	Expired       string
	TooDeep       string
	Full          string
	NoClaim       string
	NotAPerson    string
	TooMany       string
	ForwardLimit  string
	Oops          string
	DateLayout    string
}

var texts = map[string]*text{
	"en": {
		Lang:          "en",
		Unlock:        "Unlock",
		UnlockHint:    "This link is personal: it opens on one phone only.",
		Private:       "Private content, shared with you personally.",
		ShareTitle:    "Share it privately",
		ShareHint:     "Each button makes a new personal link for one friend.",
		WhatsApp:      "WhatsApp",
		SMS:           "SMS",
		Email:         "Email",
		Copy:          "Copy a link",
		Copied:        "Link copied",
		More:          "More…",
		Download:      "Open the document",
		ShareMessage:  "I'm sharing this with you privately:",
		EmailSubject:  "Something for you",
		NoForwards:    "You have shared all the links you can for this one.",
		NotFoundTitle: "Link not found",
		NotFound:      "This link does not exist or no longer works. Ask the person who sent it for a new one.",
		SeatTaken:     "This link has already been opened on another phone. Ask the person who sent it for your own link.",
		Ended:         "This campaign has ended.",
		Paused:        "This campaign is paused for now. Try again a little later.",
		NotOpen:       "This campaign has not opened yet.",
		OpensOn:       "It opens on",
		Expired:       "This link has expired. Ask the person who sent it for a new one.",
		TooDeep:       "This chain has gone as far as it can. Ask someone closer to the source for a link.",
		Full:          "This campaign has reached all the people it could. Thank you for your interest.",
		NoClaim:       "Unlock this link on your phone first.",
		NotAPerson:    "Open this link on your phone to unlock it.",
		TooMany:       "Too many attempts from your network. Please wait a minute and try again.",
		ForwardLimit:  "You have shared all the links you can for this one.",
		Oops:          "Something went wrong on our side. Please try again.",
		DateLayout:    "January 2, 2006 at 15:04 MST",
	},
	"fr": {
		Lang:          "fr",
		Unlock:        "Débloquer",
		UnlockHint:    "Ce lien est personnel : il ne s'ouvre que sur un seul téléphone.",
		Private:       "Contenu privé, partagé personnellement avec toi.",
		ShareTitle:    "Partager en privé",
		ShareHint:     "Chaque bouton crée un nouveau lien personnel pour un ami.",
		WhatsApp:      "WhatsApp",
		SMS:           "SMS",
		Email:         "E-mail",
		Copy:          "Copier un lien",
		Copied:        "Lien copié",
		More:          "Autre…",
		Download:      "Ouvrir le document",
		ShareMessage:  "Je te partage ça en privé :",
		EmailSubject:  "Un truc pour toi",
		NoForwards:    "Tu as partagé tous les liens possibles pour celui-ci.",
		NotFoundTitle: "Lien introuvable",
		NotFound:      "Ce lien n'existe pas ou ne fonctionne plus. Demande-en un nouveau à la personne qui te l'a envoyé.",
		SeatTaken:     "Ce lien a déjà été ouvert sur un autre téléphone. Demande ton propre lien à la personne qui te l'a envoyé.",
		Ended:         "Cette campagne est terminée.",
		Paused:        "Cette campagne est en pause. Réessaie un peu plus tard.",
		NotOpen:       "Cette campagne n'est pas encore ouverte.",
		OpensOn:       "Ouverture le",
		Expired:       "Ce lien a expiré. Demande-en un nouveau à la personne qui te l'a envoyé.",
		TooDeep:       "Cette chaîne est allée aussi loin que possible. Demande un lien à quelqu'un plus proche de la source.",
		Full:          "Cette campagne a atteint toutes les personnes possibles. Merci de ton intérêt.",
		NoClaim:       "Débloque d'abord ce lien sur ton téléphone.",
		NotAPerson:    "Ouvre ce lien sur ton téléphone pour le débloquer.",
		TooMany:       "Trop de tentatives depuis ton réseau. Attends une minute et réessaie.",
		ForwardLimit:  "Tu as partagé tous les liens possibles pour celui-ci.",
		Oops:          "Un problème est survenu de notre côté. Réessaie.",
		DateLayout:    "02/01/2006 à 15:04 MST",
	},
}

var langMatcher = language.NewMatcher([]language.Tag{language.English, language.French})

// textFor returns the sentences for a campaign's language, or, when there
// is no campaign to ask, for the visitor's Accept-Language.
func textFor(r *http.Request, campaignLang string) *text {
	if t, ok := texts[campaignLang]; ok {
		return t
	}
	tags, _, _ := language.ParseAcceptLanguage(r.Header.Get("Accept-Language"))
	_, i, _ := langMatcher.Match(tags...)
	if i == 1 {
		return texts["fr"]
	}
	return texts["en"]
}
