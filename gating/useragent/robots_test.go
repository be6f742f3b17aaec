package useragent

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/sillage/sillage/gating/useragent/useragenttest"
	"github.com/x-way/crawlerdetect"
)

// TestRobotRules: each of robotRules, first in its order, names the kind
// of robot it was written for, and none names a browser.
func TestRobotRules(t *testing.T) {
	const chrome = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36"
	tests := []struct {
		name, ua, want string
	}{
		{"OwnName", "UptimeKuma/1.23.16", "shape"},
		{"LowercaseMozilla", "mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36", "shape"},
		{"NoPlatform", "Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; ChatGPT-User/1.0; +https://openai.com/bot)", "shape"},
		{"NothingAfterPlatform", "Mozilla/5.0 (PingProbe)", "shape"},
		{"Unclosed", "Mozilla/5.0 (X11; Linux x86_64", "shape"},
		{"Compatible", chrome + " (compatible; SiteProbe)", "compatible"},
		{"KHTMLNamed", "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko; ShopFinder) Chrome/142.0.0.0 Safari/537.36", "khtml"},
		{"KHTMLComma", "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko, Prober) Chrome/91.0.4472.77 Safari/537.36", "khtml"},
		{"URL", chrome + " +https://probe.example.com", "address"},
		{"WWW", chrome + " www.example.org", "address"},
		{"Email", chrome + " ops@example.com", "address"},
		{"EmailAt", chrome + " ops[at]example.com", "address"},
		{"Site", chrome + " Probe/2.0 (probe.io)", "address"},
		{"SiteAtEnd", "Mozilla/5.0 (Macintosh; Intel Mac OS X 10.15; rv:128.0) Gecko/20100101 Firefox/128.0 abuse.example.fr", "address"},
		{"IE9", "Mozilla/5.0 (compatible; MSIE 9.0; Windows NT 6.1; Trident/5.0)", "old engine"},
		{"Safari5", "Mozilla/5.0 (Macintosh; U; Intel Mac OS X 10_6_8; en-us) AppleWebKit/533.21.1 (KHTML, like Gecko) Version/5.0.5 Safari/533.21.1", "old engine"},
		{"Playwright", chrome + " Playwright/1.49.1", "word"},
		{"Headless", "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/131.0.0.0 Safari/537.36", "word"},
		{"AssistantUser", chrome + "; Acme-User/1.0", "word"},
		{"Agent", chrome + " (Acme Agent)", "word"},
		{"Monitor", chrome + " (Acme-Monitor)", "word"},
		{"IDE", "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Code/1.96.2 Chrome/128.0.6613.186 Electron/32.2.6 Safari/537.36", "product"},
		{"SessionRecorder", "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Hotjar Version/17.5 Mobile/15E148 Safari/604.1", "product"},

		// Browsers, and words that only look like a rule's.
		{"Chrome", chrome, ""},
		{"IE11", "Mozilla/5.0 (Windows NT 10.0; WOW64; Trident/7.0; rv:11.0) like Gecko", ""},
		{"IE11CompatibilityView", "Mozilla/4.0 (compatible; MSIE 7.0; Windows NT 10.0; WOW64; Trident/7.0; .NET4.0C; .NET4.0E)", ""},
		{"OperaMini", "Opera/9.80 (Android; Opera Mini/36.2.2254/119.132; U; id) Presto/2.12.423 Version/12.16", ""},
		{"BuildID", "Mozilla/5.0 (Linux; Android 12; SM-G991B Build/SP1A.210812.016; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/124.0.6367.179 Mobile Safari/537.36", ""},
		{"ProductInsideAWord", chrome + " QRCode/3.1", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := robotRuleFor(tc.ua); got != tc.want {
				t.Errorf("robotRuleFor(%q) = %q, want %q", tc.ua, got, tc.want)
			}
		})
	}
}

// TestPeopleAreNeverRobots: no real browser, on a phone or a desktop, in an
// app or not, is ever taken for a robot, whether it opens the link (GET) or
// unlocks it (POST), and neither our rules nor CrawlerDetect name it.
func TestPeopleAreNeverRobots(t *testing.T) {
	crawlerVerdicts.reset()
	for _, ua := range useragenttest.Browsers(t) {
		for _, method := range []string{http.MethodGet, http.MethodPost} {
			r := httptest.NewRequest(method, "/s/tok", nil)
			r.Header.Set("User-Agent", ua)
			if got := Classify(r); got != (Agent{Person, ""}) {
				t.Errorf("%s %q = %+v, want a Person", method, ua, got)
			}
		}
		if rule := robotRuleFor(ua); rule != "" {
			t.Errorf("%q: rule %q takes it for a robot", ua, rule)
		}
		if crawlerdetect.IsCrawler(ua) {
			t.Errorf("%q: CrawlerDetect takes it for a robot", ua)
		}
	}
}

// BenchmarkRobotRules is what our rules add to a User-Agent seen for the
// first time (crawlerVerdicts then remembers the verdict): a person's, on
// which every rule runs, against CrawlerDetect on the same.
func BenchmarkRobotRules(b *testing.B) {
	b.Run("Ours", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			robotRuleFor(iphoneUA)
		}
	})
	b.Run("CrawlerDetect", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			crawlerdetect.IsCrawler(iphoneUA)
		}
	})
}
