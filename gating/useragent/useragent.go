// Package useragent tells who fetches a link from the request alone: a
// person's browser, a chat app's link preview, a mail or security
// scanner, a prefetch or another bot (Classify). Only a person may unlock.
package useragent

import (
	"bytes"
	"math/bits"
	"net/http"
	"strconv"
	"strings"
	"sync"

	"github.com/x-way/crawlerdetect"
)

// AgentKind says who is fetching a link.
type AgentKind int

// The kinds of agent. Only a Person may unlock; a Preview is also a sign
// that the link was pasted into a chat.
const (
	Person   AgentKind = iota // an ordinary browser, in-app browsers included
	Preview                   // a chat app's link-preview fetcher (WhatsApp, iMessage, Telegram, Slack…)
	Scanner                   // a mail or security link scanner (Outlook, Office, Mimecast, Barracuda…)
	Prefetch                  // a browser prefetch or prerender (Sec-Purpose or Purpose: prefetch)
	Bot                       // any other crawler, a HEAD request, an empty User-Agent
)

// String returns the kind's lowercase name ("person", "preview", ...).
func (k AgentKind) String() string {
	switch k {
	case Person:
		return "person"
	case Preview:
		return "preview"
	case Scanner:
		return "scanner"
	case Prefetch:
		return "prefetch"
	case Bot:
		return "bot"
	}
	return "AgentKind(" + strconv.Itoa(int(k)) + ")"
}

// Agent is the verdict on one request: its kind and, for previews and
// scanners, the app's short name ("whatsapp", "imessage", "telegram",
// "slack", "twitter", "linkedin", "discord", "teams", "outlook",
// "facebook", ...). Name is empty for people, prefetches and bots.
type Agent struct {
	Kind AgentKind
	Name string
}

// Human reports whether the request comes from a person's browser: the
// only agent that may be shown the unlock page and may unlock.
func (a Agent) Human() bool { return a.Kind == Person }

// Classify tells who sent r: a person, a link-preview fetcher, a mail
// or security scanner, a prefetch or another bot. It looks, in order, at
// the User-Agent (previews, then scanners), the method (HEAD is never a
// person), prefetch headers, a scanner's Referer and last our robotRules
// and the CrawlerDetect list. It never fails: anything unrecognised is a Person, because the
// unlock is a POST and a wrong "not a person" locks a real recipient out.
func Classify(r *http.Request) Agent {
	ua := r.Header.Get("User-Agent")
	if strings.TrimSpace(ua) == "" {
		return Agent{Kind: Bot}
	}
	// Lowercase into a stack buffer so the substring tests allocate nothing.
	var buf [1024]byte
	lower := appendLowerASCII(buf[:0], ua)
	if a, ok := matchUserAgent(lower); ok {
		return a
	}
	// X sends HEADs with browser User-Agents, Office probes with OPTIONS:
	// browsers only navigate with GET (and submit the unlock with POST).
	if r.Method != http.MethodGet && r.Method != http.MethodPost && r.Method != "" {
		return Agent{Kind: Bot}
	}
	if isPrefetch(r.Header) {
		return Agent{Kind: Prefetch}
	}
	if name, ok := scannerReferrer(r.Header.Get("Referer")); ok {
		return Agent{Kind: Scanner, Name: name}
	}
	if crawlerVerdicts.isCrawler(ua) {
		return Agent{Kind: Bot}
	}
	return Agent{Kind: Person}
}

// uaRule is one lowercase User-Agent substring and the agent it names.
type uaRule struct {
	needle string
	kind   AgentKind
	name   string
	// start: the needle must open the User-Agent (a server's own UA), so
	// an app of the same name elsewhere in a browser's UA does not match.
	start bool
	// inApp: the app's in-app browser carries the same token; a mobile
	// Mozilla UA with it is a person reading in that app, not a fetcher.
	inApp bool
}

// uaRules are in order of precedence, previews before scanners: LINE and
// KakaoTalk append their name to facebookexternalhit, and TelegramBot says
// "like TwitterBot", so they come before Facebook and X.
//
// The Outlook apps are scanners, not previews: they fetch links found in
// mail (to check them or to draw a card), which says nothing about a chat,
// and the reader's click opens a real browser afterwards.
var uaRules = []uaRule{
	{needle: "telegrambot", kind: Preview, name: "telegram"},
	// Signal sends "WhatsApp/2" on purpose: it is counted as WhatsApp.
	{needle: "whatsapp", kind: Preview, name: "whatsapp", inApp: true},
	{needle: "line-poker", kind: Preview, name: "line"},
	{needle: "kakaotalk-scrap", kind: Preview, name: "kakaotalk"},
	{needle: "facebookexternalhit", kind: Preview, name: "facebook"},
	{needle: "facebot", kind: Preview, name: "facebook"},
	{needle: "meta-externalagent", kind: Preview, name: "facebook"},
	{needle: "meta-externalfetcher", kind: Preview, name: "facebook"},
	{needle: "slackbot", kind: Preview, name: "slack"}, // Slackbot-LinkExpanding and Slackbot 1.0
	{needle: "slack-imgproxy", kind: Preview, name: "slack"},
	{needle: "twitterbot", kind: Preview, name: "twitter"},
	{needle: "linkedinbot", kind: Preview, name: "linkedin"},
	{needle: "discordbot", kind: Preview, name: "discord"},
	// Skype closed in May 2025; Teams kept its preview fetcher.
	{needle: "skypeuripreview", kind: Preview, name: "teams"},
	{needle: "microsoftpreview", kind: Preview, name: "microsoft"},
	{needle: "bingpreview", kind: Preview, name: "bing"},
	{needle: "viber", kind: Preview, name: "viber", inApp: true},
	{needle: "snap url preview service", kind: Preview, name: "snapchat"},
	{needle: "yahoo link preview", kind: Preview, name: "yahoo"},
	{needle: "bluesky", kind: Preview, name: "bluesky", inApp: true}, // Bluesky Cardyb, BlueskyPreviewBot
	{needle: "mattermost-", kind: Preview, name: "mattermost"},       // "mattermost-5.19.0", "Mattermost-Bot/1.1"
	{needle: "mastodon/", kind: Preview, name: "mastodon", start: true},
	{needle: "iframely", kind: Preview, name: "iframely"},
	{needle: "embedly", kind: Preview, name: "embedly"},
	{needle: "vkshare", kind: Preview, name: "vk"},
	{needle: "redditbot", kind: Preview, name: "reddit"},
	{needle: "bitlybot", kind: Preview, name: "bitly"},
	// Google Messages and Google Chat previews.
	{needle: "google-pagerenderer", kind: Preview, name: "google"},
	{needle: "developers.google.com/+/web/snippet", kind: Preview, name: "google"},
	{needle: "applebot", kind: Preview, name: "apple"},
	{needle: "meta-externalhit/", kind: Preview, name: "facebook"},
	{needle: "snapurlpreview/", kind: Preview, name: "snapchat"},
	{needle: "valve/steam", kind: Preview, name: "steam", start: true}, // Steam chat's SteamChatURLLookup
	{needle: "pinterest.com/bot", kind: Preview, name: "pinterest"},
	{needle: "groupmebot", kind: Preview, name: "groupme"},
	{needle: "keybasebot", kind: Preview, name: "keybase"},
	{needle: "synapse (bot", kind: Preview, name: "matrix"},
	{needle: "chatwork linkpreview", kind: Preview, name: "chatwork"},
	{needle: "dingtalkbot-linkservice", kind: Preview, name: "dingtalk"},
	{needle: "gg peekbot", kind: Preview, name: "gg"},
	// Workspaces that unfurl a pasted link into a card.
	{needle: "clickuplinkunfurler", kind: Preview, name: "clickup"},
	{needle: "notion/", kind: Preview, name: "notion", start: true},
	{needle: "evernoterichlinkbot", kind: Preview, name: "evernote"},
	{needle: "codabot", kind: Preview, name: "coda"},
	{needle: "discourse forum onebox", kind: Preview, name: "discourse"},
	// Fediverse servers fetching a link posted there: "http.rb/5.1.1
	// (Mastodon/4.2.1; +https://mastodon.social/)".
	{needle: "(mastodon/", kind: Preview, name: "mastodon"},
	{needle: "gotosocial/", kind: Preview, name: "gotosocial", start: true},
	{needle: "lemmy/", kind: Preview, name: "lemmy", start: true},
	{needle: "friendica ", kind: Preview, name: "friendica", start: true},
	{needle: "summalybot", kind: Preview, name: "misskey"},
	// Odnoklassniki's and Xing's share previews.
	{needle: "odklbot/", kind: Preview, name: "ok"},
	{needle: "xing bot", kind: Preview, name: "xing"},

	{needle: "microsoft office existence discovery", kind: Scanner, name: "office"},
	{needle: "microsoft outlook", kind: Scanner, name: "outlook"}, // desktop, also "...; ms-office; MSOffice 16"
	{needle: "macoutlook/", kind: Scanner, name: "outlook"},
	{needle: "outlook-ios", kind: Scanner, name: "outlook"},
	{needle: "outlook-android", kind: Scanner, name: "outlook"},
	{needle: "ms-office", kind: Scanner, name: "office"},
	{needle: "microsoft office", kind: Scanner, name: "office"}, // Word, Excel, PowerPoint following a link in a document
	{needle: "barracuda", kind: Scanner, name: "barracuda"},
	{needle: "mimecast", kind: Scanner, name: "mimecast"},
	{needle: "proofpoint", kind: Scanner, name: "proofpoint"},
	{needle: "google-safety", kind: Scanner, name: "google"},
}

// uaIndex[j][c] has bit i set when byte j of uaRules[i].needle is c, so
// one pass over the User-Agent finds every needle: at each position three
// table loads rule out almost all of them, instead of one search per rule.
var uaIndex, imessageRules = buildUAIndex(uaRules)

func buildUAIndex(rules []uaRule) (idx *[3][256]uint64, imessage uint64) {
	if len(rules) > 64 {
		panic("gating: more than 64 User-Agent rules")
	}
	idx = new([3][256]uint64)
	for i, r := range rules {
		if len(r.needle) < len(idx) || strings.ToLower(r.needle) != r.needle {
			panic("gating: User-Agent needle too short or not lowercase: " + r.needle)
		}
		for j := range idx {
			idx[j][r.needle[j]] |= 1 << i
		}
		// Apple's LinkPresentation (iMessage, and Mail and Notes too)
		// claims to be both Facebook and X; no real Facebook fetcher says
		// Twitterbot.
		if r.needle == "facebookexternalhit" || r.needle == "twitterbot" {
			imessage |= 1 << i
		}
	}
	return idx, imessage
}

// matchUserAgent finds a preview or scanner in a lowercased User-Agent.
func matchUserAgent(ua []byte) (Agent, bool) {
	var found uint64
	for i := 0; i+len(uaIndex) <= len(ua); i++ {
		m := uaIndex[0][ua[i]] & uaIndex[1][ua[i+1]] & uaIndex[2][ua[i+2]] &^ found
		for m != 0 {
			r := bits.TrailingZeros64(m)
			m &= m - 1
			n := uaRules[r].needle
			if len(ua)-i >= len(n) && string(ua[i:i+len(n)]) == n && (i == 0 || !uaRules[r].start) {
				found |= 1 << r
			}
		}
	}
	if found == 0 {
		return Agent{}, false
	}
	if found&imessageRules == imessageRules {
		return Agent{Kind: Preview, Name: "imessage"}, true
	}
	for ; found != 0; found &= found - 1 {
		r := &uaRules[bits.TrailingZeros64(found)]
		if r.inApp && inAppBrowser(ua) {
			continue
		}
		return Agent{Kind: r.kind, Name: r.name}, true
	}
	return Agent{}, false
}

var (
	mozillaPrefix = []byte("mozilla/")
	webViewTokens = [][]byte{[]byte("; wv)"), []byte("android"), []byte("iphone"), []byte("ipad")}
)

// inAppBrowser reports whether a lowercased User-Agent is a mobile
// browser engine: the shape of an app's in-app browser ("... Mobile
// Safari/537.36 Viber/12.1.0.11"), never of its preview fetcher
// ("Viber/12.1.0.2 CFNetwork/...", "WhatsApp/2.23.20.0 A").
func inAppBrowser(ua []byte) bool {
	if !bytes.HasPrefix(ua, mozillaPrefix) {
		return false
	}
	for _, t := range webViewTokens {
		if bytes.Contains(ua, t) {
			return true
		}
	}
	return false
}

// appendLowerASCII appends s to dst with ASCII letters lowercased; the
// needles are ASCII, so other bytes need no folding.
func appendLowerASCII(dst []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		dst = append(dst, c)
	}
	return dst
}

// isPrefetch reports whether the headers announce a speculative fetch:
// Chrome's Sec-Purpose ("prefetch", "prefetch;prerender"), the older
// Purpose and X-Purpose, and Firefox's X-Moz.
func isPrefetch(h http.Header) bool {
	for _, v := range h["Sec-Purpose"] {
		if hasPrefixFold(v, "prefetch") {
			return true
		}
	}
	for _, v := range h["Purpose"] {
		if hasPrefixFold(v, "prefetch") {
			return true
		}
	}
	for _, v := range h["X-Purpose"] {
		if hasPrefixFold(v, "preview") || hasPrefixFold(v, "prefetch") {
			return true
		}
	}
	for _, v := range h["X-Moz"] {
		if hasPrefixFold(v, "prefetch") {
			return true
		}
	}
	return false
}

func hasPrefixFold(s, prefix string) bool {
	s = strings.TrimSpace(s)
	return len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix)
}

// scannerReferrers are the hosts (and their subdomains) of mail security
// gateways whose own fetches carry them as Referer.
//
// Deliberately absent, though often listed: statics.teams.cdn.office.net
// (and teams.public.onecdn.static.microsoft) is Teams' time-of-click
// Safe Links page, which runs in the person's own browser and then
// navigates to the link; deref-gmx.*, deref-mail.com and deref-web.de are
// the GMX, mail.com and WEB.DE webmail dereferrers every click there goes
// through. Both are Referers of real people, and a scanner verdict would
// show those people the teaser with no way to unlock.
var scannerReferrers = []struct{ host, name string }{
	{"safelinks.protection.outlook.com", "outlook"}, // Microsoft Defender Safe Links
	{"mimecastprotect.com", "mimecast"},
	{"url.emailprotection.link", "mimecast"},
	{"urlsand.com", "libraesva"},
}

// scannerReferrer returns the gateway's name when referer's host is, or is
// a subdomain of, a scanner's host.
func scannerReferrer(referer string) (string, bool) {
	host := refererHost(referer)
	if host == "" {
		return "", false
	}
	for _, s := range scannerReferrers {
		if hostIs(host, s.host) {
			return s.name, true
		}
	}
	return "", false
}

// refererHost cuts the host out of an absolute URL without parsing it
// fully (url.Parse allocates); it returns "" when there is none.
func refererHost(ref string) string {
	i := strings.Index(ref, "://")
	if i < 0 {
		return ""
	}
	host := ref[i+3:]
	if j := strings.IndexAny(host, "/?#"); j >= 0 {
		host = host[:j]
	}
	if j := strings.LastIndexByte(host, '@'); j >= 0 {
		host = host[j+1:]
	}
	if j := strings.IndexByte(host, ':'); j >= 0 {
		host = host[:j]
	}
	return strings.TrimSuffix(host, ".")
}

// hostIs reports whether host is domain or one of its subdomains, ignoring
// case; a lookalike such as "evilurlsand.com" is not.
func hostIs(host, domain string) bool {
	if len(host) == len(domain) {
		return strings.EqualFold(host, domain)
	}
	if len(host) < len(domain)+1 {
		return false
	}
	cut := len(host) - len(domain)
	return host[cut-1] == '.' && strings.EqualFold(host[cut:], domain)
}

// Bounds of the crawler verdict cache: enough for every browser build in
// use at once, small enough (a few MB at most) to survive a flood of
// made-up User-Agents.
const (
	maxCachedAgents = 4096
	maxCachedLen    = 512
)

// crawlerVerdicts remembers, per User-Agent, whether robotRules or
// CrawlerDetect name a robot. CrawlerDetect's regular expressions take
// about 0.2 ms on a browser's User-Agent, which is every person's request;
// browsers send few distinct User-Agents, so nearly every call is a map
// hit instead.
var crawlerVerdicts = verdictCache{m: make(map[string]bool)}

type verdictCache struct {
	mu sync.RWMutex
	m  map[string]bool
}

func (c *verdictCache) isCrawler(ua string) bool {
	c.mu.RLock()
	v, ok := c.m[ua]
	c.mu.RUnlock()
	if ok {
		return v
	}
	v = robotRuleFor(ua) != "" || crawlerdetect.IsCrawler(ua)
	if len(ua) <= maxCachedLen {
		c.mu.Lock()
		if len(c.m) >= maxCachedAgents {
			// Starting over is cheaper than LRU bookkeeping on every hit,
			// and only a flood of distinct User-Agents gets here.
			clear(c.m)
		}
		c.m[strings.Clone(ua)] = v // not the request's memory
		c.mu.Unlock()
	}
	return v
}

// reset empties the cache (tests and benchmarks of the cold path).
func (c *verdictCache) reset() {
	c.mu.Lock()
	clear(c.m)
	c.mu.Unlock()
}
