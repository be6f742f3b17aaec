package useragent

import (
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/sillage/sillage/gating/useragent/useragenttest"
)

// TestListedRobotsAreRefused goes through every example of the
// crawler-user-agents list, GET and POST: none is a Person, except the
// people useragenttest.ListedPerson names.
func TestListedRobotsAreRefused(t *testing.T) {
	crawlerVerdicts.reset()
	refused, people := 0, 0
	for _, e := range useragenttest.CrawlerList(t) {
		for _, ua := range e.Instances {
			person := useragenttest.ListedPerson(ua)
			for _, method := range []string{http.MethodGet, http.MethodPost} {
				r := httptest.NewRequest(method, "/s/tok", nil)
				r.Header.Set("User-Agent", ua)
				got := Classify(r)
				switch {
				case person && got != (Agent{Person, ""}):
					t.Errorf("%s %q = %+v, want a Person (useragenttest.ListedPerson)", method, ua, got)
				case !person && got.Human():
					t.Errorf("%s %q (tags %v) is taken for a person", method, ua, e.Tags)
				}
			}
			if person {
				people++
			} else {
				refused++
			}
		}
	}
	// crawler-user-agents 1.60.0: 2,118 examples, two of them people.
	if people != 2 {
		t.Errorf("%d examples kept as people, want 2: is useragenttest.ListedPerson too wide, or does a new version list more people?", people)
	}
	t.Logf("%d listed robots refused; %d examples kept as people", refused, people)
}

// sharedIn names the apps whose link previewers the list tags
// "social-preview" and that Sillage records as previews: a link pasted in a
// chat, a social feed or a workspace shown to people. Keys are lowercase
// words of the previewer's User-Agent, tried in order.
var sharedIn = []struct {
	word string
	want Agent
}{
	{"meta-externalhit/", Agent{Preview, "facebook"}},
	{"facebookexternalhit", Agent{Preview, "facebook"}},
	{"facebot", Agent{Preview, "facebook"}},
	{"meta-externalagent/", Agent{Preview, "facebook"}},
	{"meta-externalfetcher/", Agent{Preview, "facebook"}},
	{"snapurlpreview/", Agent{Preview, "snapchat"}},
	{"snap url preview service", Agent{Preview, "snapchat"}},
	{"steamchaturllookup", Agent{Preview, "steam"}},
	{"clickuplinkunfurler", Agent{Preview, "clickup"}},
	{"notion/", Agent{Preview, "notion"}},
	{"evernoterichlinkbot", Agent{Preview, "evernote"}},
	{"codabot", Agent{Preview, "coda"}},
	{"whatsapp", Agent{Preview, "whatsapp"}},
	{"telegrambot", Agent{Preview, "telegram"}},
	{"viber", Agent{Preview, "viber"}},
	{"discordbot", Agent{Preview, "discord"}},
	{"skypeuripreview", Agent{Preview, "teams"}},
	{"microsoftpreview/", Agent{Preview, "microsoft"}},
	{"slackbot", Agent{Preview, "slack"}},
	{"slack-imgproxy", Agent{Preview, "slack"}},
	{"mattermost-bot/", Agent{Preview, "mattermost"}},
	{"synapse (bot", Agent{Preview, "matrix"}},
	{"groupmebot", Agent{Preview, "groupme"}},
	{"keybasebot", Agent{Preview, "keybase"}},
	{"chatwork linkpreview", Agent{Preview, "chatwork"}},
	{"dingtalkbot-linkservice", Agent{Preview, "dingtalk"}},
	{"gg peekbot", Agent{Preview, "gg"}},
	{"twitterbot", Agent{Preview, "twitter"}},
	{"linkedinbot", Agent{Preview, "linkedin"}},
	{"redditbot", Agent{Preview, "reddit"}},
	{"pinterest.com/bot", Agent{Preview, "pinterest"}},
	{"vkshare", Agent{Preview, "vk"}},
	{"odklbot/", Agent{Preview, "ok"}},
	{"xing bot", Agent{Preview, "xing"}},
	{"bluesky", Agent{Preview, "bluesky"}},
	{"(mastodon/", Agent{Preview, "mastodon"}},
	{"lemmy/", Agent{Preview, "lemmy"}},
	{"friendica ", Agent{Preview, "friendica"}},
	{"summalybot", Agent{Preview, "misskey"}},
	{"discourse forum onebox", Agent{Preview, "discourse"}},
	{"yahoo link preview", Agent{Preview, "yahoo"}},
	{"bingpreview/", Agent{Preview, "bing"}},
	{"embedly", Agent{Preview, "embedly"}},
	{"iframely", Agent{Preview, "iframely"}},
}

// notShared are the list's "social-preview" robots that show no pasted
// link to people: crawlers and indexers of those networks, share
// counters, social-media schedulers, image and mail proxies. They are
// refused and record no preview. Lowercase words of their User-Agents.
var notShared = []string{
	"tweetmemebot", "addthis", "jetslide", "newsharecounts", "everyonesocialbot", "ning/",
	"hatena", "google web preview", "flipboardproxy", "vkrobot", "linespider", "tiktokspider",
	"meta-webindexer", "arenaunfurlbot", "aasa-bot", "bufferlinkpreviewbot", "loomlybot",
	"orlo-linkpreview/", "goodreads", "mediumbot-metatagfetcher", "quora-bot", "supabase paired crawler",
	"fastmailua", "shortwave image fetcher", "yahoomailproxy", "github-camo", "googleimageproxy",
	"(dbot)", "opengraph.io/", "twilioproxy/", "tumblr/", "listgembot",
}

// TestListedPreviewersByName: the list's link previewers of chats, social
// networks and workspaces are previews under their app's name; its other
// "social-preview" robots are refused and record nothing. A previewer the
// list adds is reported until it is sorted into one or the other.
func TestListedPreviewersByName(t *testing.T) {
	seen := map[string]bool{}
	for _, e := range useragenttest.CrawlerList(t) {
		if !slices.Contains(e.Tags, "social-preview") {
			continue
		}
		for _, ua := range e.Instances {
			if useragenttest.ListedPerson(ua) {
				continue
			}
			lower := strings.ToLower(ua)
			got := Classify(getWithUA(ua))
			if slices.ContainsFunc(notShared, func(w string) bool { return strings.Contains(lower, w) }) {
				if got.Human() || got.Kind == Preview {
					t.Errorf("%q = %+v, want a robot and no preview", ua, got)
				}
				continue
			}
			i := slices.IndexFunc(sharedIn, func(s struct {
				word string
				want Agent
			}) bool {
				return strings.Contains(lower, s.word)
			})
			if i < 0 {
				t.Errorf("social-preview %q (%+v) is new: name its app in uaRules and sharedIn, or add it to notShared", ua, got)
				continue
			}
			seen[sharedIn[i].word] = true
			if want := sharedIn[i].want; got != want {
				t.Errorf("%q = %+v, want %+v", ua, got, want)
			}
		}
	}
	for _, s := range sharedIn {
		if !seen[s.word] {
			t.Errorf("sharedIn: no previewer of the list says %q", s.word)
		}
	}
}
