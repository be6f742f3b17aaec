package web

// trustText holds the sentences of the trust actions: revoking a leaked
// link, freeing a seat, and the security alerts. A "%s" that names a link
// takes liveText.Ref ("#12"); one that names a person, liveText.person
// ("Person 12", numbered in the campaign).
type trustText struct {
	Nav, AlertsTitle, AlertsSince, AlertsShared, AllQuiet              string
	GuessingBursts, GuessingHint, GuessingOff                          string
	LimitedUnlocks, LimitedHint, LimitedOff                            string
	LeaksTitle, LeaksIntro, LeakedLinks, NotRevoked, Review, NoLeaks   string
	Action, Revoke, RevokeLink, RevokedLabel                           string
	RevokeTitle, RevokeEffect, RevokeKeep, RevokeFinal, Minted         string
	RevokedNotice, NoSuchLink, NoLink, AlreadyRevoked, RevokeUnconfirm string
	ReleaseTitle, ReleaseIntro, ReleaseClaim, ReleaseHint              string
	ReleaseConfirm, ReleaseButton, ReleasedNotice                      string
	BadClaim, NoSuchClaim, AlreadyReleased, ReleaseUnconfirm           string
}

var trustTexts = map[string]trustText{
	"en": {
		Nav:          "Security",
		AlertsTitle:  "Security alerts",
		AlertsSince:  "What the server turned away since it started, %s. The counters live in memory only, like the limits themselves: they start again from zero when the server restarts.",
		AlertsShared: "What every instance on the database turned away in the last seven days, since %s (days in UTC). Each instance adds its counts every 30 seconds and when it stops.",
		AllQuiet:     "Nothing to report: no link leaked, and nobody guessed links or was refused an unlock in that time.",

		GuessingBursts: "Guessing bursts",
		GuessingHint:   "a network tried %s within %s: someone guessing links. It is turned away until the window has passed.",
		GuessingOff:    "Guessing is not limited on this server (-lookup-limit 0), so it is not counted.",
		LimitedUnlocks: "Refused unlocks",
		LimitedHint:    "unlock attempts turned away because one network tried more than %s within %s: a script, or someone clearing cookies to take more seats.",
		LimitedOff:     "Unlocks are not limited on this server (-unlock-limit 0), so none is refused.",

		LeaksTitle:  "Leaked links by campaign",
		LeaksIntro:  "Links refused to more phones than they have seats were probably posted publicly. Revoke them from the campaign's live view.",
		LeakedLinks: "Leaked links",
		NotRevoked:  "Not revoked",
		Review:      "Review",
		NoLeaks:     "No leaked link in any campaign.",

		Action:       "Action",
		Revoke:       "Revoke",
		RevokeLink:   "Revoke link %s",
		RevokedLabel: "Revoked",

		RevokeTitle:     "Revoke link %s?",
		RevokeEffect:    "Nobody new can open it: to a phone that has not opened it yet, it looks like a link that never existed.",
		RevokeKeep:      "The phones that already opened it, and the person who sent it, keep the content and may still forward it: the links they forwarded keep working.",
		RevokeFinal:     "This cannot be undone.",
		Minted:          "Minted",
		RevokedNotice:   "Link %s is revoked: nobody new can open it. The phones that had opened it keep the content.",
		NoSuchLink:      "There is no link %s in this campaign.",
		NoLink:          "There is no such link in this campaign.",
		AlreadyRevoked:  "Link %s is already revoked.",
		RevokeUnconfirm: "Nothing was revoked: confirm with the button below.",

		ReleaseTitle:     "A recipient changed phone?",
		ReleaseIntro:     "Free their seat: the phone that opened their link loses access at once, and the next phone to open the same link takes their place in the tree, with the links they forwarded. No new view is counted.",
		ReleaseClaim:     "The person's number",
		ReleaseHint:      "As the tables above and the forward tree show it: 12 for Person\u00a012.",
		ReleaseConfirm:   "I understand: the phone that opened it loses access to the content at once.",
		ReleaseButton:    "Free the seat",
		ReleasedNotice:   "The seat of %s is free: the phone that held it has lost access. Ask the person to open the link they received on their new phone: it takes back the same place in the tree.",
		BadClaim:         "Enter the person's number, such as 12 for Person\u00a012.",
		NoSuchClaim:      "There is no %s in this campaign: check the number in the tables above.",
		AlreadyReleased:  "The seat of %s is already free: no phone has taken it yet.",
		ReleaseUnconfirm: "Nothing was changed: tick the box to confirm.",
	},
	"fr": {
		Nav:          "Sécurité",
		AlertsTitle:  "Alertes de sécurité",
		AlertsSince:  "Ce que le serveur a refusé depuis son démarrage, le %s. Les compteurs ne vivent qu'en mémoire, comme les limites elles-mêmes : ils repartent de zéro au redémarrage du serveur.",
		AlertsShared: "Ce que toutes les instances sur la base de données ont refusé ces sept derniers jours, depuis le %s (jours en UTC). Chaque instance ajoute ses comptes toutes les 30 secondes et à son arrêt.",
		AllQuiet:     "Rien à signaler : aucun lien n'a fuité, personne n'a deviné de lien et aucun déblocage n'a été refusé dans ce temps.",

		GuessingBursts: "Rafales de devinettes",
		GuessingHint:   "un réseau a essayé %s en %s : quelqu'un qui devine des liens. Il est refusé jusqu'à la fin de la fenêtre.",
		GuessingOff:    "Les devinettes ne sont pas limitées sur ce serveur (-lookup-limit 0) : elles ne sont pas comptées.",
		LimitedUnlocks: "Déblocages refusés",
		LimitedHint:    "tentatives de déblocage refusées parce qu'un réseau en a fait plus de %s en %s : un script, ou quelqu'un qui efface ses cookies pour prendre plus de places.",
		LimitedOff:     "Les déblocages ne sont pas limités sur ce serveur (-unlock-limit 0) : aucun n'est refusé.",

		LeaksTitle:  "Liens qui ont fuité, par campagne",
		LeaksIntro:  "Un lien refusé à plus de téléphones qu'il n'a de places a sans doute été publié. Révoquez-le depuis la vue en direct de la campagne.",
		LeakedLinks: "Liens qui ont fuité",
		NotRevoked:  "Non révoqués",
		Review:      "Examiner",
		NoLeaks:     "Aucun lien n'a fuité, dans aucune campagne.",

		Action:       "Action",
		Revoke:       "Révoquer",
		RevokeLink:   "Révoquer le lien %s",
		RevokedLabel: "Révoqué",

		RevokeTitle:     "Révoquer le lien %s ?",
		RevokeEffect:    "Plus personne de nouveau ne peut l'ouvrir : pour un téléphone qui ne l'a pas encore ouvert, c'est comme un lien qui n'a jamais existé.",
		RevokeKeep:      "Les téléphones qui l'ont déjà ouvert, et la personne qui l'a envoyé, gardent le contenu et peuvent encore le partager : les liens qu'ils ont partagés continuent de marcher.",
		RevokeFinal:     "C'est définitif.",
		Minted:          "Créé le",
		RevokedNotice:   "Le lien %s est révoqué : plus personne de nouveau ne peut l'ouvrir. Les téléphones qui l'avaient ouvert gardent le contenu.",
		NoSuchLink:      "Il n'y a pas de lien %s dans cette campagne.",
		NoLink:          "Ce lien n'existe pas dans cette campagne.",
		AlreadyRevoked:  "Le lien %s est déjà révoqué.",
		RevokeUnconfirm: "Rien n'a été révoqué : confirmez avec le bouton ci-dessous.",

		ReleaseTitle:     "Un destinataire a changé de téléphone ?",
		ReleaseIntro:     "Libérez sa place : le téléphone qui a ouvert son lien perd aussitôt l'accès, et le prochain téléphone qui ouvre le même lien reprend sa place dans l'arbre, avec les liens qu'il a partagés. Aucune nouvelle vue n'est comptée.",
		ReleaseClaim:     "Le numéro de la personne",
		ReleaseHint:      "Tel que le montrent les tableaux ci-dessus et l'arbre des partages : 12 pour Personne\u00a012.",
		ReleaseConfirm:   "Je comprends : le téléphone qui l'a ouvert perd aussitôt l'accès au contenu.",
		ReleaseButton:    "Libérer la place",
		ReleasedNotice:   "La place de %s est libre : le téléphone qui l'occupait a perdu l'accès. Demandez à la personne d'ouvrir sur son nouveau téléphone le lien qu'elle avait reçu : elle retrouve la même place dans l'arbre.",
		BadClaim:         "Saisissez le numéro de la personne, par exemple 12 pour Personne\u00a012.",
		NoSuchClaim:      "Il n'y a pas de %s dans cette campagne : vérifiez le numéro dans les tableaux ci-dessus.",
		AlreadyReleased:  "La place de %s est déjà libre : aucun téléphone ne l'a encore reprise.",
		ReleaseUnconfirm: "Rien n'a été modifié : cochez la case pour confirmer.",
	},
}
