package useragent

import (
	"bytes"
	"strconv"
	"strings"
)

// Robots CrawlerDetect does not name: browser automation, AI browsing
// agents, uptime monitors, security and SEO scanners that copy a browser's
// User-Agent and add their own name, or write one no browser would. Each
// rule below describes what real browsers never send, so it catches the
// next robot of the same kind too; the browsers of
// agenttest/browsers.txt (phones, desktops, in-app browsers) hold them to
// never refusing a person.

// robotRuleFor returns the name of the first of our rules that takes ua
// for a robot ("shape", "compatible", "khtml", "address", "old engine",
// "word", "product"), or "" when none does. Called directly, not through
// a table of funcs, so that the lowercase copy stays on the stack.
func robotRuleFor(ua string) string {
	var buf [1024]byte
	lower := appendLowerASCII(buf[:0], ua)
	switch {
	case notBrowserShaped(ua):
		return "shape"
	case namesItselfCompatible(lower):
		return "compatible"
	case addsToKHTML(lower):
		return "khtml"
	case namesAnAddress(lower):
		return "address"
	case oldEngine(lower):
		return "old engine"
	case robotWord(lower):
		return "word"
	case robotProduct(lower):
		return "product"
	}
	return ""
}

// nonMozillaBrowsers open the User-Agents of the few browsers people use
// that do not claim to be Mozilla: Opera Mini and Presto's Opera
// ("Opera/9.80 (Android; Opera Mini/..."), UC Browser's feature-phone
// build, and the text browsers.
var nonMozillaBrowsers = []string{"Opera/", "UCWEB/", "w3m/", "Links (", "ELinks/", "Dillo/"}

// notBrowserShaped: every other browser, in-app browsers and WebViews
// included, opens with "Mozilla/5.0 (", its platform in parentheses, and
// goes on with its engine. HTTP libraries, scripts and most monitors send
// their own name first ("Acme Agent/7.1", "Probe.io/2.0"), or
// "Mozilla/5.0" with no platform ("Mozilla/5.0 AppleWebKit/537.36 (...;
// Claude-User/1.0...)", "Mozilla/5.0; Tool/1.0") or nothing after it
// ("Mozilla/5.0 (Tool)"; Internet Explorer alone ends with its platform).
func notBrowserShaped(ua string) bool {
	for _, p := range nonMozillaBrowsers {
		if strings.HasPrefix(ua, p) {
			return false
		}
	}
	rest, ok := strings.CutPrefix(ua, "Mozilla/")
	if !ok || len(rest) < 5 || !isDigit(rest[0]) || rest[1] != '.' || !isDigit(rest[2]) || rest[3:5] != " (" {
		return true
	}
	end := strings.IndexByte(rest, ')')
	return end < 0 || strings.TrimSpace(rest[end+1:]) == "" && !strings.HasPrefix(rest[3:], " (compatible; MSIE ")
}

// namesItselfCompatible: "compatible" is how a robot introduces its name
// ("(compatible; Known Agent/1.0; +https://...)", "(KHTML, like Gecko;
// compatible; Perplexity-User/1.0...)"). Of browsers, only Internet
// Explorer says it, as "(compatible; MSIE 9.0; ...".
func namesItselfCompatible(lower []byte) bool {
	for s := lower; ; {
		i := bytes.Index(s, compatibleWord)
		if i < 0 {
			return false
		}
		if i == 0 || s[i-1] != '(' || !bytes.HasPrefix(s[i+len(compatibleWord):], msieAfterCompatible) {
			return true
		}
		s = s[i+len(compatibleWord):]
	}
}

var (
	compatibleWord      = []byte("compatible")
	msieAfterCompatible = []byte("; msie ")
)

// addsToKHTML: WebKit and Blink browsers write "(KHTML, like Gecko)" and
// nothing else in those parentheses; robots wearing Chrome's User-Agent
// slip their name in ("(KHTML, like Gecko; compatible; Google-Agent)",
// "(KHTML, like Gecko, Scanner)").
func addsToKHTML(lower []byte) bool {
	i := bytes.Index(lower, khtmlWord)
	return i >= 0 && (i+len(khtmlWord) == len(lower) || lower[i+len(khtmlWord)] != ')')
}

var khtmlWord = []byte("(khtml, like gecko")

// namesAnAddress: a robot gives a way to reach its owner, a URL, a site
// or an email address ("+https://example.com/bot", "(example.com)",
// "scraping@example.com", "name[at]example.com"); no browser does.
func namesAnAddress(lower []byte) bool {
	for _, w := range addressMarks {
		if bytes.Contains(lower, w) {
			return true
		}
	}
	return hasDomain(lower)
}

var addressMarks = [][]byte{[]byte("://"), []byte("www."), []byte("@"), []byte("[at]")}

// domainEnds are the top-level domains a site named without "http" or
// "www." ends with in robots' User-Agents. Few on purpose: a token such
// as "Build/TP1A.220624" must not pass for a site.
var domainEnds = []string{"com", "net", "org", "io", "ai", "co", "de", "fr", "uk"}

// hasDomain reports whether lower holds a site's name: letters or digits
// with at least one letter, a dot, one of domainEnds, and then the end of
// the User-Agent, a path, a space or a closing parenthesis or semicolon.
func hasDomain(lower []byte) bool {
	for i := 1; i < len(lower); i++ {
		if lower[i] != '.' || !isAlnum(lower[i-1]) {
			continue
		}
		label := i - 1
		letter := false
		for label >= 0 && (isAlnum(lower[label]) || lower[label] == '-') {
			letter = letter || 'a' <= lower[label] && lower[label] <= 'z'
			label--
		}
		if !letter {
			continue
		}
		for _, tld := range domainEnds {
			j := i + 1 + len(tld)
			if j <= len(lower) && string(lower[i+1:j]) == tld &&
				(j == len(lower) || strings.IndexByte("/ );,", lower[j]) >= 0) {
				return true
			}
		}
	}
	return false
}

// oldEngine: Internet Explorer 10 and older (which say "MSIE"; IE 11 says
// "Trident/7.0", also when it sends "MSIE 7.0" in compatibility view) and
// WebKit before 534 (Safari 5.0, 2010) shipped without TLS 1.2, which
// every HTTPS site needs today: a User-Agent claiming them is a robot's
// costume.
func oldEngine(lower []byte) bool {
	if bytes.Contains(lower, msieWord) && !bytes.Contains(lower, trident7) {
		return true
	}
	i := bytes.Index(lower, webkitWord)
	if i < 0 {
		return false
	}
	digits := lower[i+len(webkitWord):]
	n := 0
	for n < len(digits) && isDigit(digits[n]) {
		n++
	}
	v, err := strconv.Atoi(string(digits[:n]))
	return err == nil && v < 534
}

var (
	msieWord   = []byte("msie ")
	trident7   = []byte("trident/7.")
	webkitWord = []byte("applewebkit/")
)

// robotWords, lowercase, anywhere in a User-Agent, name robots by what
// they are; none is a word of a browser's User-Agent.
var robotWords = [][]byte{
	// Browser automation: a script drives the browser and says so.
	[]byte("headless"), []byte("playwright"), []byte("selenium"), []byte("webdriver"),
	[]byte("phantomjs"), []byte("puppeteer"), []byte("lighthouse"),
	// AI browsing agents and the "users" AI assistants fetch for
	// ("Perplexity-User/1.0", "ChatGPT-User/1.0", "GoogleAgent-Mariner").
	[]byte("agent"), []byte("-user"), []byte("user/"),
	// Uptime and synthetic monitoring ("Dotcom-Monitor", "...Synthetics/1.0").
	[]byte("monitor"), []byte("synthetic"),
}

// robotWord reports whether lower holds one of robotWords.
func robotWord(lower []byte) bool {
	for _, w := range robotWords {
		if bytes.Contains(lower, w) {
			return true
		}
	}
	return false
}

// robotProducts are robots that add their product's name to a browser's
// User-Agent and nothing else that gives them away. Each must start a
// token (after a space, a parenthesis or a semicolon), so that no longer
// word in a browser matches.
var robotProducts = [][]byte{
	// IDEs whose coding agents fetch pages in the IDE's own Electron
	// window (VS Code's "Code/1.x", Cursor, Trae); people open a link from
	// an IDE in their browser.
	[]byte("code/"), []byte("cursor/"), []byte("trae/"),
	// Page renderers and screenshotters: Scrapinghub's Splash, Google Play's
	// listing renderer, readability and critical-CSS services.
	[]byte("splash "), []byte("playstore-google"), []byte("readable/"), []byte("collapsify"),
	// Session recording, consent, SEO and accessibility auditors.
	[]byte("hotjar"), []byte("cookiehub"), []byte("silktide"), []byte("marketgoo/"),
	[]byte("sindup/"), []byte("newsai/"), []byte("dlc/"), []byte("securityheaders"),
	// Synthetic monitoring and attack-surface scanners.
	[]byte("rigor)"), []byte("watchtowr;"), []byte("testlocally/"),
}

// robotProduct reports whether a token of lower starts with one of
// robotProducts.
func robotProduct(lower []byte) bool {
	for _, p := range robotProducts {
		for s, at := lower, 0; ; {
			i := bytes.Index(s, p)
			if i < 0 {
				break
			}
			if at+i == 0 || !isAlnum(lower[at+i-1]) {
				return true
			}
			s, at = s[i+1:], at+i+1
		}
	}
	return false
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

func isAlnum(c byte) bool { return isDigit(c) || 'a' <= c && c <= 'z' }
