package web

import (
	"net/http"

	"github.com/sillage/sillage/campaign/i18n"
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
	NetworkCap    string
	ForwardLimit  string
	Oops          string
	CannotSave    string
	DateLayout    string

	UnsubscribeTitle  string
	UnsubscribeAsk    string // followed by the masked address
	UnsubscribeButton string
	UnsubscribeHint   string
	UnsubscribedTitle string
	Unsubscribed      string

	SendForMeLabel   string
	SendForMeButton  string
	SendForMeHint    string
	SendForMeSent    string
	SendForMeOff     string
	SendForMeAddress string
	SendForMeOptOut  string
	SendForMeAlready string
	SendForMeLimit   string
	SendForMeBusy    string
	SendForMeNetwork string
	SendForMeMobile  string
	SendForMeCountry string // %s: the campaign's country codes

	Captions     string // the label of a video's captions track
	Transcript   string
	NewLinkLabel string
	NewLinkHint  string
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
		Copy:          "Copy link",
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
		NetworkCap:    "Many people already opened this campaign from your network today (one Wi-Fi, one office). Try again on mobile data, or tomorrow.",
		ForwardLimit:  "You have shared all the links you can for this one.",
		Oops:          "Something went wrong on our side. Please try again.",
		CannotSave:    "We cannot save anything right now. Nothing was lost: please try again in a minute.",
		DateLayout:    "January 2, 2006 at 15:04 MST",

		UnsubscribeTitle:  "Unsubscribe",
		UnsubscribeAsk:    "Stop receiving these messages at",
		UnsubscribeButton: "Unsubscribe",
		UnsubscribeHint:   "Nothing changes until you press the button.",
		UnsubscribedTitle: "Unsubscribed",
		Unsubscribed:      "Done: no message will be sent to this address again.",

		SendForMeLabel:   "Or we send it for you: a friend's email or mobile number",
		SendForMeButton:  "Send a personal link",
		SendForMeHint:    "We send one message with a link of their own, and keep the address only for that.",
		SendForMeSent:    "Sent: your friend will receive a personal link.",
		SendForMeOff:     "This campaign does not send links for you: share one with the buttons above.",
		SendForMeAddress: "This is neither an email address nor a mobile number.",
		SendForMeOptOut:  "This address does not accept our messages. Share a link another way.",
		SendForMeAlready: "This person has already received a link to this. No need to send another.",
		SendForMeLimit:   "You have had all the links sent that we can send for you. Share with the buttons above.",
		SendForMeBusy:    "Many links were sent for this campaign in the last hour. Try again later, or share with the buttons above.",
		SendForMeNetwork: "Many links were already sent from your network today. Share with the buttons above.",
		SendForMeMobile:  "We text links to mobile numbers only: premium-rate, shared-cost and other special numbers are refused.",
		SendForMeCountry: "This campaign texts links only to numbers of these countries: %s. Share with the buttons above.",

		Captions:     "Captions",
		Transcript:   "Transcript",
		NewLinkLabel: "Your new personal link",
		NewLinkHint:  "Copy it and send it to one friend: it opens on one phone only.",
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
		Copy:          "Copier",
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
		NetworkCap:    "Beaucoup de personnes ont déjà ouvert cette campagne depuis ton réseau aujourd'hui (un même Wi-Fi, un même bureau). Réessaie avec les données mobiles, ou demain.",
		ForwardLimit:  "Tu as partagé tous les liens possibles pour celui-ci.",
		Oops:          "Un problème est survenu de notre côté. Réessaie.",
		CannotSave:    "Nous ne pouvons rien enregistrer pour le moment. Rien n'est perdu : réessaie dans une minute.",
		DateLayout:    "02/01/2006 à 15:04 MST",

		UnsubscribeTitle:  "Se désabonner",
		UnsubscribeAsk:    "Ne plus recevoir ces messages à l'adresse",
		UnsubscribeButton: "Me désabonner",
		UnsubscribeHint:   "Rien ne change tant que tu n'appuies pas sur le bouton.",
		UnsubscribedTitle: "Désabonnement confirmé",
		Unsubscribed:      "C'est fait : plus aucun message ne sera envoyé à cette adresse.",

		SendForMeLabel:   "Ou on l'envoie pour toi : l'e-mail ou le numéro de portable d'un ami",
		SendForMeButton:  "Envoyer un lien personnel",
		SendForMeHint:    "On envoie un seul message avec son propre lien, et on ne garde l'adresse que pour ça.",
		SendForMeSent:    "Envoyé : ton ami va recevoir un lien personnel.",
		SendForMeOff:     "Cette campagne n'envoie pas de liens pour toi : partage-en un avec les boutons ci-dessus.",
		SendForMeAddress: "Ce n'est ni une adresse e-mail ni un numéro de portable.",
		SendForMeOptOut:  "Cette adresse n'accepte pas nos messages. Partage un lien autrement.",
		SendForMeAlready: "Cette personne a déjà reçu un lien. Pas besoin d'en envoyer un autre.",
		SendForMeLimit:   "Tu as fait envoyer tous les liens qu'on peut envoyer pour toi. Partage avec les boutons ci-dessus.",
		SendForMeBusy:    "Beaucoup de liens ont été envoyés pour cette campagne dans l'heure. Réessaie plus tard, ou partage avec les boutons ci-dessus.",
		SendForMeNetwork: "Beaucoup de liens ont déjà été envoyés depuis ton réseau aujourd'hui. Partage avec les boutons ci-dessus.",
		SendForMeMobile:  "On n'envoie de SMS qu'aux numéros de portable : les numéros surtaxés, à coût partagé et autres numéros spéciaux sont refusés.",
		SendForMeCountry: "Cette campagne n'envoie de SMS qu'aux numéros de ces pays : %s. Partage avec les boutons ci-dessus.",

		Captions:     "Sous-titres",
		Transcript:   "Transcription",
		NewLinkLabel: "Ton nouveau lien personnel",
		NewLinkHint:  "Copie-le et envoie-le à un ami : il ne s'ouvre que sur un seul téléphone.",
	},
}

// textFor returns the sentences for a campaign's language, or, when there
// is no campaign to ask, for the visitor's Accept-Language.
func textFor(r *http.Request, campaignLang string) *text {
	if t, ok := texts[campaignLang]; ok {
		return t
	}
	return texts[i18n.Match(r.Header.Get("Accept-Language")).Code()]
}
