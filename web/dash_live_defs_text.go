package web

// liveDefs holds the one-line definitions shown beside the live view's
// figures whose definition a marketer has to be able to defend: what is
// counted, and how. They say the same as the API's description of /stats
// and the README. Every depth counts a seed-link view as depth 1.
type liveDefs struct {
	Views, Reach, MaxDepth, DepthMean, DepthMedian string
	Channels                                       string // conversion and K-factor, below the channels table
	Virality, NoVirality                           string
}

var liveDefTexts = map[string]liveDefs{
	"en": {
		Views:       "people who unlocked the content: one per phone; a seat moved to a new phone stays one view",
		Reach:       "phones that saw the content: the views, plus each new phone that took over a released seat",
		MaxDepth:    "the longest chain of forwards: people who received a seed link are depth 1, their friends depth 2",
		DepthMean:   "mean depth of the views (seed-link views are depth 1)",
		DepthMedian: "half the views are at this depth or less",
		Channels:    "Seed links opened: how many, and their share of the seed links. Conversion: forwards opened ÷ forwards (links). K-factor: new viewers brought per viewer, that is the views that came through a friend's forward on that channel ÷ all views (a group link opened by 3 people brings 3); the channels add up to the total. It stays below 1 since the newest viewers have not forwarded yet: the forecast's R counts only viewers who had the time.",
		Virality:    "Per cascade (one seed-link view and every view it led to), the mean number of forwards between two of its people (Goel et al.): 1 for two people, near 2 for one person sending to many, higher for long chains of friends. Shown: the mean over cascades of two people or more, weighted by their size; cascades of one person are left out, the measure being undefined for them.",
		NoVirality:  "No cascade has reached a second person yet: structural virality is measured on cascades of two people or more.",
	},
	"fr": {
		Views:       "personnes qui ont débloqué le contenu : une par téléphone ; une place passée à un nouveau téléphone reste une vue",
		Reach:       "téléphones qui ont vu le contenu : les vues, plus chaque nouveau téléphone qui a repris une place libérée",
		MaxDepth:    "la plus longue chaîne de partages : les personnes qui ont reçu un lien de départ sont à la profondeur 1, leurs amis à la 2",
		DepthMean:   "profondeur moyenne des vues (les vues d'un lien de départ sont à la profondeur 1)",
		DepthMedian: "la moitié des vues sont à cette profondeur ou moins",
		Channels:    "Liens de départ ouverts : combien, et leur part des liens de départ. Conversion : partages ouverts ÷ partages (liens). Facteur K : nouvelles personnes amenées par personne, soit les vues venues par le partage d'un ami sur ce canal ÷ toutes les vues (un lien de groupe ouvert par 3 personnes en amène 3) ; les canaux s'additionnent au total. Il reste sous 1 car les dernières personnes arrivées n'ont pas encore partagé : le R de la prévision ne compte que celles qui en ont eu le temps.",
		Virality:    "Par cascade (une vue d'un lien de départ et toutes les vues qu'elle a amenées), le nombre moyen de partages entre deux de ses personnes (Goel et al.) : 1 pour deux personnes, près de 2 pour une personne qui envoie à beaucoup, plus haut pour de longues chaînes d'amis. Affiché : la moyenne sur les cascades d'au moins deux personnes, pondérée par leur taille ; les cascades d'une seule personne sont écartées, la mesure n'y étant pas définie.",
		NoVirality:  "Aucune cascade n'a encore atteint une deuxième personne : la viralité structurelle se mesure sur les cascades d'au moins deux personnes.",
	},
}
