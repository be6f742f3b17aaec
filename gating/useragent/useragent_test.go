package useragent

import (
	"net/http"
	"net/http/httptest"
	"testing"
)

// Real User-Agent strings, as the apps and browsers send them (from server
// logs, the CrawlerDetect test corpus and the vendors' documentation).
var agentCases = []struct {
	name string
	ua   string
	want Agent
}{
	// Chat apps' link-preview fetchers.
	{"WhatsAppAndroid", "WhatsApp/2.23.20.0 A", Agent{Preview, "whatsapp"}},
	{"WhatsAppAndroidOld", "WhatsApp/2.12.449 A", Agent{Preview, "whatsapp"}},
	{"WhatsAppIOS", "WhatsApp/2.2329.9 i", Agent{Preview, "whatsapp"}},
	{"WhatsAppIOSOld", "WhatsApp/2.16.1/i", Agent{Preview, "whatsapp"}},
	{"SignalAsWhatsApp", "WhatsApp/2", Agent{Preview, "whatsapp"}},
	{"Facebook", "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)", Agent{Preview, "facebook"}},
	{"FacebookBare", "facebookexternalhit/1.1", Agent{Preview, "facebook"}},
	{"Facebot", "Facebot/1.0", Agent{Preview, "facebook"}},
	{"MetaExternalAgent", "meta-externalagent/1.1 (+https://developers.facebook.com/docs/sharing/webmasters/crawler)", Agent{Preview, "facebook"}},
	{"IMessage", "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_11_1) AppleWebKit/601.2.4 (KHTML, like Gecko) Version/9.0.1 Safari/601.2.4 facebookexternalhit/1.1 Facebot Twitterbot/1.0", Agent{Preview, "imessage"}},
	{"Telegram", "TelegramBot (like TwitterBot)", Agent{Preview, "telegram"}},
	{"SlackLinkExpanding", "Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)", Agent{Preview, "slack"}},
	{"SlackImgProxy", "Slack-ImgProxy (+https://api.slack.com/robots)", Agent{Preview, "slack"}},
	{"SlackImgProxyVersion", "Slack-ImgProxy 0.66 (+https://api.slack.com/robots)", Agent{Preview, "slack"}},
	{"Twitter", "Twitterbot/1.0", Agent{Preview, "twitter"}},
	{"LinkedIn", "LinkedInBot/1.0 (compatible; Mozilla/5.0; Apache-HttpClient +http://www.linkedin.com)", Agent{Preview, "linkedin"}},
	{"Discord", "Mozilla/5.0 (compatible; Discordbot/2.0; +https://discordapp.com)", Agent{Preview, "discord"}},
	{"TeamsSkypeUriPreview", "Mozilla/5.0 (Windows NT 6.1; WOW64) SkypeUriPreview Preview/0.5", Agent{Preview, "teams"}},
	{"MicrosoftPreview", "Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; MicrosoftPreview/2.0; +https://aka.ms/MicrosoftPreview) Chrome/100.0.4896.127 Safari/537.36", Agent{Preview, "microsoft"}},
	{"BingPreview", "Mozilla/5.0 (Windows NT 6.1; WOW64) AppleWebKit/534+ (KHTML, like Gecko) BingPreview/1.0b", Agent{Preview, "bing"}},
	{"GoogleMessages", "Mozilla/5.0 Google-PageRenderer Google (+https://developers.google.com/+/web/snippet/)", Agent{Preview, "google"}},
	{"GoogleSnippet", "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/49.0.2623.75 Safari/537.36 Google (+https://developers.google.com/+/web/snippet/)", Agent{Preview, "google"}},
	{"Applebot", "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_10_1) AppleWebKit/600.2.5 (KHTML, like Gecko) Version/8.0.2 Safari/600.2.5 (Applebot/0.1; +http://www.apple.com/go/applebot)", Agent{Preview, "apple"}},
	{"ViberIOS", "Viber/12.1.0.2 CFNetwork/1121.2.2 Darwin/19.2.0", Agent{Preview, "viber"}},
	{"ViberDesktop", "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_11_4) AppleWebKit/537.36 (KHTML, like Gecko) QtWebEngine/5.6.0 Chrome/45.0.2454.101 Safari/537.36 Viber", Agent{Preview, "viber"}},
	{"Snapchat", "Mozilla/5.0 (compatible; Snap URL Preview Service; bot; snapchat; https://developers.snap.com/robots)", Agent{Preview, "snapchat"}},
	{"YahooMail", "Mozilla/5.0 (compatible; Yahoo Link Preview; https://help.yahoo.com/kb/mail/yahoo-link-preview-SLN23615.html)", Agent{Preview, "yahoo"}},
	{"Bluesky", "Mozilla/5.0 (compatible; Bluesky Cardyb/1.1; +mailto:support@bsky.app)", Agent{Preview, "bluesky"}},
	{"Mattermost", "mattermost-5.19.0", Agent{Preview, "mattermost"}},
	{"Iframely", "Iframely/0.9.8 (+https://iframely.com/;)", Agent{Preview, "iframely"}},
	{"Embedly", "Mozilla/5.0 (compatible; Embedly/0.2; +http://support.embed.ly/)", Agent{Preview, "embedly"}},
	{"VK", "Mozilla/5.0 (compatible; vkShare; +http://vk.com/dev/Share)", Agent{Preview, "vk"}},
	{"Reddit", "Mozilla/5.0 (compatible; redditbot/1.0; +http://www.reddit.com/feedback)", Agent{Preview, "reddit"}},
	{"Bitly", "bitlybot/3.0 (+http://bit.ly/)", Agent{Preview, "bitly"}},
	{"Line", "facebookexternalhit/1.1;line-poker/1.0", Agent{Preview, "line"}},
	{"MetaExternalHit", "Mozilla/5.0 (compatible; Meta-ExternalHit/1.2; +https://www.facebook.com/externalhit_uatext.php)", Agent{Preview, "facebook"}},
	{"SnapURLPreview", "Mozilla/5.0 (compatible; SnapURLPreview/1.1; +https://www.snapchat.com)", Agent{Preview, "snapchat"}},
	{"SteamChat", "Valve/Steam HTTP Client 1.1 (SteamChatURLLookup)", Agent{Preview, "steam"}},
	{"ClickUp", "ClickUpLinkUnfurler/1.1 (+https://clickup.com)", Agent{Preview, "clickup"}},
	{"Notion", "Notion/1.1 (https://notion.so; team@makenotion.com)", Agent{Preview, "notion"}},
	{"Pinterest", "Mozilla/5.0 (compatible; Pinterestbot/1.1; +https://www.pinterest.com/bot.html)", Agent{Preview, "pinterest"}},
	{"MastodonServer", "http.rb/5.1.1 (Mastodon/4.2.1; +https://mastodon.social/)", Agent{Preview, "mastodon"}},

	// Mail clients and gateways fetching links in mail.
	{"OfficeExistenceDiscovery", "Microsoft Office Existence Discovery", Agent{Scanner, "office"}},
	{"OutlookDesktop", "Mozilla/4.0 (compatible; MSIE 7.0; Windows NT 10.0; WOW64; Trident/7.0; .NET4.0C; .NET4.0E; .NET CLR 2.0.50727; .NET CLR 3.0.30729; .NET CLR 3.5.30729; Tablet PC 2.0; MALNJS; Microsoft Outlook 16.0.6001; ms-office; MSOffice 16)", Agent{Scanner, "outlook"}},
	{"OutlookMail", "Microsoft Office/16.0 (Microsoft Outlook Mail 16.0.7167; Pro)", Agent{Scanner, "outlook"}},
	{"OutlookIOS", "Outlook-iOS/696.1188109.prod.iphone (2.102.0)", Agent{Scanner, "outlook"}},
	{"OutlookMac", "MacOutlook/16.41.20091302 (Intelx64 Mac OS X 10.14.4 (Build 18E226))", Agent{Scanner, "outlook"}},
	{"Word", "Microsoft Office Word 2013 (15.0.4805) Windows NT 10.0", Agent{Scanner, "office"}},
	{"Barracuda", "Barracuda Sentinel (EE)", Agent{Scanner, "barracuda"}},

	// Other robots.
	{"Googlebot", "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)", Agent{Bot, ""}},
	{"GooglebotSmartphone", "Mozilla/5.0 (Linux; Android 6.0.1; Nexus 5X Build/MMB29P) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.6478.126 Mobile Safari/537.36 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)", Agent{Bot, ""}},
	{"Bingbot", "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)", Agent{Bot, ""}},
	{"GPTBot", "Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; GPTBot/1.2; +https://openai.com/gptbot)", Agent{Bot, ""}},
	{"GmailImageProxy", "Mozilla/5.0 (Windows NT 5.1; rv:11.0) Gecko Firefox/11.0 (via ggpht.com GoogleImageProxy)", Agent{Bot, ""}},
	{"HeadlessChrome", "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/126.0.0.0 Safari/537.36", Agent{Bot, ""}},
	{"Curl", "curl/8.7.1", Agent{Bot, ""}},
	{"Wget", "Wget/1.21.4", Agent{Bot, ""}},
	{"PythonRequests", "python-requests/2.32.3", Agent{Bot, ""}},
	{"GoHTTPClient", "Go-http-client/1.1", Agent{Bot, ""}},
	{"GoHTTPClient2", "Go-http-client/2.0", Agent{Bot, ""}},
	// Browser automation, AI agents, monitors and scanners in a browser's
	// clothes: named by robotRules, not by CrawlerDetect.
	{"Playwright", "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Playwright/1.49.1", Agent{Bot, ""}},
	{"ClaudeUser", "Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; Claude-User/1.1; +Claude-User@anthropic.com)", Agent{Bot, ""}},
	{"PerplexityUser", "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36; Perplexity-User/1.1", Agent{Bot, ""}},
	{"NewRelicSynthetics", "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.6099.109 Safari/537.36 NewRelicSynthetics/1.0", Agent{Bot, ""}},
	{"UptimeProbe", "UptimeKuma/1.23.16", Agent{Bot, ""}},
	{"VSCodeAgent", "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Code/1.96.2 Chrome/128.0.6613.186 Electron/32.2.6 Safari/537.36", Agent{Bot, ""}},
	{"MetaExternalAds", "meta-externalads/1.2 (+https://developers.facebook.com/docs/sharing/webmasters/crawler)", Agent{Bot, ""}},
	{"Empty", "", Agent{Bot, ""}},
	{"Blank", "   ", Agent{Bot, ""}},

	// People, browsers first.
	{"ChromeAndroid", "Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/137.0.0.0 Mobile Safari/537.36", Agent{Person, ""}},
	{"SafariIPhone", "Mozilla/5.0 (iPhone; CPU iPhone OS 18_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.5 Mobile/15E148 Safari/604.1", Agent{Person, ""}},
	{"SafariIPad", "Mozilla/5.0 (iPad; CPU OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1", Agent{Person, ""}},
	{"ChromeIOS", "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/126.0.6478.54 Mobile/15E148 Safari/604.1", Agent{Person, ""}},
	{"FirefoxAndroid", "Mozilla/5.0 (Android 14; Mobile; rv:139.0) Gecko/139.0 Firefox/139.0", Agent{Person, ""}},
	{"FirefoxIOS", "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) FxiOS/127.0 Mobile/15E148 Safari/605.1.15", Agent{Person, ""}},
	{"SamsungInternet", "Mozilla/5.0 (Linux; Android 14; SAMSUNG SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/25.0 Chrome/121.0.0.0 Mobile Safari/537.36", Agent{Person, ""}},
	{"ChromeWindows", "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/137.0.0.0 Safari/537.36", Agent{Person, ""}},
	{"ChromeMac", "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/137.0.0.0 Safari/537.36", Agent{Person, ""}},
	{"SafariMac", "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.5 Safari/605.1.15", Agent{Person, ""}},
	{"FirefoxWindows", "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:139.0) Gecko/20100101 Firefox/139.0", Agent{Person, ""}},
	{"FirefoxLinux", "Mozilla/5.0 (X11; Linux x86_64; rv:127.0) Gecko/20100101 Firefox/127.0", Agent{Person, ""}},
	{"Edge", "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/137.0.0.0 Safari/537.36 Edg/137.0.0.0", Agent{Person, ""}},
	{"EdgeAndroid", "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Mobile Safari/537.36 EdgA/126.0.0.0", Agent{Person, ""}},
	{"Opera", "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/137.0.0.0 Safari/537.36 OPR/120.0.0.0", Agent{Person, ""}},
	{"OperaAndroid", "Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Mobile Safari/537.36 OPR/82.0.0.0", Agent{Person, ""}},
	{"MiuiBrowser", "Mozilla/5.0 (Linux; U; Android 12; en-us; 2201117TG Build/SKQ1.211103.001) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/112.0.5615.136 Mobile Safari/537.36 XiaoMi/MiuiBrowser/14.5.1-gn", Agent{Person, ""}},
	{"GoogleAppIOS", "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) GSA/323.0.647062479 Mobile/15E148 Safari/604.1", Agent{Person, ""}},
	// A phone whose model name trips naive "bot" patterns.
	{"CubotPhone", "Mozilla/5.0 (Linux; Android 10; CUBOT P40) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Mobile Safari/537.36", Agent{Person, ""}},

	// In-app browsers are people reading in the app: the Facebook app's
	// browser (FBAN/FBIOS, FB_IAB) is a person, only facebookexternalhit is
	// Facebook's preview.
	{"FacebookAppIOS", "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 [FBAN/FBIOS;FBAV/470.0.0.42.108;FBBV/620000000;FBDV/iPhone14,5;FBMD/iPhone;FBSN/iOS;FBSV/17.5.1;FBSS/3;FBCR/;FBID/phone;FBLC/en_US;FBOP/5;FBRV/0]", Agent{Person, ""}},
	{"FacebookAppIOSOld", "Mozilla/5.0 (iPhone; CPU iPhone OS 11_3 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E302 [FBAN/FBIOS;FBAV/170.1.0.80.91;FBBV/106613464;FBDV/iPhone10,6;FBMD/iPhone;FBSN/iOS;FBSV/11.3.1;FBSS/3;FBCR/TESCO;FBID/phone;FBLC/en_GB;FBOP/5;FBRV/107796839]", Agent{Person, ""}},
	{"FacebookAppAndroid", "Mozilla/5.0 (Linux; Android 14; SM-S918B Build/UP1A.231005.007; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/125.0.6422.165 Mobile Safari/537.36 [FB_IAB/FB4A;FBAV/468.0.0.44.108;]", Agent{Person, ""}},
	{"MessengerIOS", "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 [FBAN/MessengerLiteForiOS;FBAV/465.0.0.41.109;FBBV/615000000;FBDV/iPhone15,2;FBMD/iPhone;FBSN/iOS;FBSV/17.5;FBSS/3;FBCR/;FBID/phone;FBLC/en_GB;FBOP/0]", Agent{Person, ""}},
	{"InstagramIOS", "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 Instagram 337.0.3.23.54 (iPhone14,5; iOS 17_5_1; en_US; en; scale=3.00; 1170x2532; 615580346; IABMV/1)", Agent{Person, ""}},
	{"InstagramAndroid", "Mozilla/5.0 (Linux; Android 13; SM-A536B Build/TP1A.220624.014; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/125.0.6422.165 Mobile Safari/537.36 Instagram 337.0.0.35.102 Android (33/13; 450dpi; 1080x2186; samsung; SM-A536B; a53x; s5e8825; en_GB; 614917234)", Agent{Person, ""}},
	{"SnapchatApp", "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 Snapchat/13.0.0.32 (like Safari/8618.2.12.10.4, panda)", Agent{Person, ""}},
	{"LineApp", "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 Safari Line/14.9.0", Agent{Person, ""}},
	{"TelegramApp", "Mozilla/5.0 (Linux; Android 13; Pixel 7 Build/TQ3A.230901.001; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/125.0.6422.165 Mobile Safari/537.36 Telegram-Android/10.14.5 (Google Pixel 7; Android 13; SDK 33; HIGH)", Agent{Person, ""}},
	{"ViberApp", "Mozilla/5.0 (Linux; Android 9; SM-G955U Build/PPR1.180610.011; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/79.0.3945.93 Mobile Safari/537.36 Viber/12.1.0.11", Agent{Person, ""}},
	{"TikTokApp", "Mozilla/5.0 (Linux; Android 14; Pixel 8 Build/AP2A.240605.024; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/126.0.6478.71 Mobile Safari/537.36 musical_ly_2023405020 JsSdk/1.0 NetType/WIFI Channel/googleplay AppName/musical_ly app_version/34.5.2 ByteLocale/en ByteFullLocale/en Region/US AppId/1233 Spark/1.5.8.3-bugfix AppVersion/34.5.2 BytedanceWebview/d8a21c6", Agent{Person, ""}},
	{"LinkedInApp", "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 LinkedInApp/9.29.7938", Agent{Person, ""}},
	// Steam's own window is a person; its chat's link lookup is not.
	{"SteamClient", "Mozilla/5.0 (Windows; U; Windows NT 10.0; en-US; Valve Steam Client/default/1716858470; ) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.6478.183 Safari/537.36", Agent{Person, ""}},
	// Meta's in-app browsers, which the crawler-user-agents list takes for
	// robots (see listedPerson in agent_list_test.go).
	{"MetaIABFacebook", "Mozilla/5.0 (Linux; Android 15; Pixel 9 Build/AP4A.250205.002; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/133.0.6943.89 Mobile Safari/537.36 MetaIAB Facebook", Agent{Person, ""}},
	{"InstagramAndroid15", "Mozilla/5.0 (Linux; Android 15; CPH2609 Build/AP3A.240617.008; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/138.0.7204.63 Mobile Safari/537.36 Instagram 389.0.0.49.87 Android (35/15; 450dpi; 1080x2412; OnePlus; CPH2609; OP5D0DL1; qcom; en_IN; 761456293; IABMV/1)", Agent{Person, ""}},
	// The Teams desktop window itself: "Teams" alone names no fetcher.
	{"TeamsDesktop", "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Teams/1.6.00.4472 Chrome/98.0.4758.141 Electron/17.4.1 Safari/537.36", Agent{Person, ""}},
}

func getWithUA(ua string) *http.Request {
	r := httptest.NewRequest(http.MethodGet, "/s/tok", nil)
	r.Header.Set("User-Agent", ua)
	return r
}

func TestClassifyAgent(t *testing.T) {
	for _, tc := range agentCases {
		t.Run(tc.name, func(t *testing.T) {
			if got := Classify(getWithUA(tc.ua)); got != tc.want {
				t.Errorf("Classify(%q) = %+v, want %+v", tc.ua, got, tc.want)
			}
		})
	}
}

// TestClassifyAgentCold runs the table again with CrawlerDetect's verdicts
// forgotten, so a stale cache entry cannot hide a wrong verdict.
func TestClassifyAgentCold(t *testing.T) {
	crawlerVerdicts.reset()
	for _, tc := range agentCases {
		if got := Classify(getWithUA(tc.ua)); got != tc.want {
			t.Errorf("Classify(%q) = %+v, want %+v", tc.ua, got, tc.want)
		}
	}
}

const (
	chromeUA  = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/137.0.0.0 Safari/537.36"
	iphoneUA  = "Mozilla/5.0 (iPhone; CPU iPhone OS 18_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.5 Mobile/15E148 Safari/604.1"
	twitterUA = "Twitterbot/1.0"
)

func TestClassifyAgentMethod(t *testing.T) {
	tests := []struct {
		name   string
		method string
		ua     string
		want   Agent
	}{
		// X follows its GET with HEADs in a browser's clothes.
		{"HeadBrowser", http.MethodHead, chromeUA, Agent{Bot, ""}},
		{"HeadPhone", http.MethodHead, iphoneUA, Agent{Bot, ""}},
		{"HeadEmpty", http.MethodHead, "", Agent{Bot, ""}},
		{"HeadPreview", http.MethodHead, twitterUA, Agent{Preview, "twitter"}},
		{"HeadWhatsApp", http.MethodHead, "WhatsApp/2.23.20.0 A", Agent{Preview, "whatsapp"}},
		{"HeadOffice", http.MethodHead, "Microsoft Office Existence Discovery", Agent{Scanner, "office"}},
		{"OptionsBrowser", http.MethodOptions, chromeUA, Agent{Bot, ""}},
		{"GetBrowser", http.MethodGet, chromeUA, Agent{Person, ""}},
		{"PostBrowser", http.MethodPost, iphoneUA, Agent{Person, ""}},
		// Some scanners submit forms: the User-Agent still gives them away.
		{"PostScanner", http.MethodPost, "Barracuda Sentinel (EE)", Agent{Scanner, "barracuda"}},
		{"PostBot", http.MethodPost, "python-requests/2.32.3", Agent{Bot, ""}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := httptest.NewRequest(tc.method, "/s/tok", nil)
			r.Header.Set("User-Agent", tc.ua)
			if got := Classify(r); got != tc.want {
				t.Errorf("%s %q = %+v, want %+v", tc.method, tc.ua, got, tc.want)
			}
		})
	}
}

func TestClassifyAgentPrefetch(t *testing.T) {
	tests := []struct {
		name          string
		header, value string
		want          AgentKind
	}{
		{"SecPurposePrefetch", "Sec-Purpose", "prefetch", Prefetch},
		{"SecPurposePrerender", "Sec-Purpose", "prefetch;prerender", Prefetch},
		{"SecPurposeAnonymous", "Sec-Purpose", "prefetch;anonymous-client-ip", Prefetch},
		{"PurposePrefetch", "Purpose", "prefetch", Prefetch},
		{"PurposeCase", "Purpose", "Prefetch", Prefetch},
		{"XPurposePreview", "X-Purpose", "preview", Prefetch},
		{"XMozPrefetch", "X-Moz", "prefetch", Prefetch},
		{"PurposeOther", "Purpose", "navigate", Person},
		{"SecFetchNavigate", "Sec-Fetch-Mode", "navigate", Person},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := getWithUA(chromeUA)
			r.Header.Set(tc.header, tc.value)
			if got := Classify(r); got.Kind != tc.want {
				t.Errorf("%s: %s = %v, want %v", tc.header, tc.value, got.Kind, tc.want)
			}
		})
	}
}

func TestClassifyAgentReferrer(t *testing.T) {
	tests := []struct {
		name    string
		referer string
		want    Agent
	}{
		{"SafeLinks", "https://nam12.safelinks.protection.outlook.com/?url=https%3A%2F%2Fexample.com%2Fs%2Ftok&data=05", Agent{Scanner, "outlook"}},
		{"SafeLinksOrigin", "https://eur03.safelinks.protection.outlook.com/", Agent{Scanner, "outlook"}},
		{"Mimecast", "https://url.uk.m.mimecastprotect.com/s/AbCdEf", Agent{Scanner, "mimecast"}},
		{"MimecastZA", "https://security-za.m.mimecastprotect.com/", Agent{Scanner, "mimecast"}},
		{"MimecastEmailProtection", "https://url.emailprotection.link/?bAbCdEf", Agent{Scanner, "mimecast"}},
		{"Libraesva", "https://urlsand.com/redirect?x=1", Agent{Scanner, "libraesva"}},
		{"LibraesvaSub", "https://eu1.urlsand.com:443/?u=https%3A%2F%2Fexample.com", Agent{Scanner, "libraesva"}},
		{"UpperCase", "HTTPS://URLSAND.COM/", Agent{Scanner, "libraesva"}},
		// People's own browsers carry these (see scannerReferrers).
		{"TeamsSafeLinksPage", "https://statics.teams.cdn.office.net/", Agent{Person, ""}},
		{"GMXDereferrer", "https://deref-gmx.net/mail/client/Xd-wFjnrIUA/dereferrer/?redirectUrl=https%3A%2F%2Fexample.com", Agent{Person, ""}},
		{"MailDereferrer", "https://deref-mail.com/", Agent{Person, ""}},
		{"Gmail", "https://mail.google.com/", Agent{Person, ""}},
		{"Lookalike", "https://evilurlsand.com/", Agent{Person, ""}},
		{"LookalikeSuffix", "https://safelinks.protection.outlook.com.example.net/", Agent{Person, ""}},
		{"InQuery", "https://example.net/?from=urlsand.com", Agent{Person, ""}},
		{"Relative", "urlsand.com", Agent{Person, ""}},
		{"None", "", Agent{Person, ""}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := getWithUA(chromeUA)
			if tc.referer != "" {
				r.Header.Set("Referer", tc.referer)
			}
			if got := Classify(r); got != tc.want {
				t.Errorf("Referer %q = %+v, want %+v", tc.referer, got, tc.want)
			}
		})
	}
}

func TestAgentHuman(t *testing.T) {
	for k, want := range map[AgentKind]bool{Person: true, Preview: false, Scanner: false, Prefetch: false, Bot: false} {
		if got := (Agent{Kind: k}).Human(); got != want {
			t.Errorf("Agent{%v}.Human() = %v, want %v", k, got, want)
		}
	}
}

func TestAgentKindString(t *testing.T) {
	for k, want := range map[AgentKind]string{Person: "person", Preview: "preview", Scanner: "scanner", Prefetch: "prefetch", Bot: "bot", AgentKind(9): "AgentKind(9)"} {
		if got := k.String(); got != want {
			t.Errorf("AgentKind(%d).String() = %q, want %q", int(k), got, want)
		}
	}
}

// TestClassifyAgentAllocs holds the hot path to its budget: nothing
// allocated once a browser's User-Agent has been seen.
func TestClassifyAgentAllocs(t *testing.T) {
	for _, ua := range []string{chromeUA, iphoneUA, twitterUA, "WhatsApp/2.23.20.0 A"} {
		r := getWithUA(ua)
		r.Header.Set("Referer", "https://mail.google.com/")
		if n := testing.AllocsPerRun(100, func() { Classify(r) }); n != 0 {
			t.Errorf("Classify(%q) allocates %v times, want 0", ua, n)
		}
	}
}

// benchmarkUAs mixes what a campaign link sees: mostly phones, some
// desktops and in-app browsers, and the previews of the chats it is
// pasted into.
var benchmarkUAs = []string{
	"Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/137.0.0.0 Mobile Safari/537.36",
	iphoneUA,
	"Mozilla/5.0 (Linux; Android 14; SAMSUNG SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/25.0 Chrome/121.0.0.0 Mobile Safari/537.36",
	chromeUA,
	"Mozilla/5.0 (iPhone; CPU iPhone OS 17_5_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 Instagram 337.0.3.23.54 (iPhone14,5; iOS 17_5_1; en_US; en; scale=3.00; 1170x2532; 615580346; IABMV/1)",
	"Mozilla/5.0 (iPhone; CPU iPhone OS 17_5_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 [FBAN/FBIOS;FBAV/470.0.0.42.108;FBBV/620000000;FBDV/iPhone14,5;FBMD/iPhone;FBSN/iOS;FBSV/17.5.1;FBSS/3;FBCR/;FBID/phone;FBLC/en_US;FBOP/5;FBRV/0]",
	"WhatsApp/2.23.20.0 A",
	"Mozilla/5.0 (Macintosh; Intel Mac OS X 10_11_1) AppleWebKit/601.2.4 (KHTML, like Gecko) Version/9.0.1 Safari/601.2.4 facebookexternalhit/1.1 Facebot Twitterbot/1.0",
	"facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)",
	"TelegramBot (like TwitterBot)",
	"Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)",
	"Mozilla/5.0 (compatible; Discordbot/2.0; +https://discordapp.com)",
}

func benchmarkRequests() []*http.Request {
	rs := make([]*http.Request, len(benchmarkUAs))
	for i, ua := range benchmarkUAs {
		rs[i] = getWithUA(ua)
	}
	return rs
}

// BenchmarkClassifyAgent measures the steady state: browsers' verdicts
// from CrawlerDetect are cached after their first request.
func BenchmarkClassifyAgent(b *testing.B) {
	rs := benchmarkRequests()
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		Classify(rs[i%len(rs)])
	}
}

// BenchmarkClassifyAgentCold forgets the cache before each call: the cost
// of a User-Agent never seen before, CrawlerDetect included.
func BenchmarkClassifyAgentCold(b *testing.B) {
	rs := benchmarkRequests()
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		crawlerVerdicts.reset()
		Classify(rs[i%len(rs)])
	}
}
