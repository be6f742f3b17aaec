// Package useragenttest holds the User-Agents that gating's and web's tests
// hold Classify to: a few hundred real browsers written here
// (browsers.txt), and the crawler-user-agents list, test data that is
// never committed (.ci/run fetches it from npm and names it in
// SILLAGE_CRAWLER_LIST).
package useragenttest

import (
	"bufio"
	_ "embed"
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/sillage/sillage/migrations/testnote"
)

//go:embed browsers.txt
var browsers string

// Browsers returns the real browsers' User-Agents of browsers.txt: phones,
// desktops and in-app browsers, none of which may ever be refused a seat.
func Browsers(tb testing.TB) []string {
	tb.Helper()
	var uas []string
	s := bufio.NewScanner(strings.NewReader(browsers))
	s.Buffer(nil, 1<<16)
	for s.Scan() {
		if line := s.Text(); line != "" && !strings.HasPrefix(line, "#") {
			uas = append(uas, line)
		}
	}
	if err := s.Err(); err != nil {
		tb.Fatal(err)
	}
	if len(uas) < 300 {
		tb.Fatalf("browsers.txt has %d browsers, want a few hundred", len(uas))
	}
	return uas
}

// Entry is one robot of the crawler-user-agents list: its examples and
// tags.
type Entry struct {
	Instances []string `json:"instances"`
	Tags      []string `json:"tags"`
}

// CrawlerList reads the list SILLAGE_CRAWLER_LIST names. Unset, the test
// skips (reported by testnote), unless SILLAGE_REQUIRE_CRAWLER_LIST=1
// (CI) makes that a failure.
func CrawlerList(t *testing.T) []Entry {
	t.Helper()
	path := os.Getenv("SILLAGE_CRAWLER_LIST")
	if path == "" {
		if testnote.Required(t, "SILLAGE_REQUIRE_CRAWLER_LIST") {
			t.Fatal("SILLAGE_CRAWLER_LIST is not set and SILLAGE_REQUIRE_CRAWLER_LIST=1")
		}
		testnote.Skip(t, "set SILLAGE_CRAWLER_LIST to crawler-user-agents.json (npm pack crawler-user-agents@1.60.0) to run this test")
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("SILLAGE_CRAWLER_LIST: %v", err)
	}
	var entries []Entry
	if err := json.Unmarshal(data, &entries); err != nil {
		t.Fatalf("SILLAGE_CRAWLER_LIST: %v", err)
	}
	n := 0
	for _, e := range entries {
		n += len(e.Instances)
	}
	if n < 2000 {
		t.Fatalf("SILLAGE_CRAWLER_LIST %s holds %d examples; the list has over 2,000", path, n)
	}
	return entries
}

// ListedPerson reports whether one of the list's examples is in fact a
// person's in-app browser. Both are Android WebViews ("; wv)") with a
// Chrome that was current when they were listed, the shape of an app
// opening a link for the person reading it:
//   - Instagram's in-app browser ("Instagram 406.0... Android (35/15; ...;
//     IABMV/1)"), listed as a scraper under its Build/AP3A.240617.008,
//     which is Android 15's build on many OPPO, OnePlus and realme phones;
//   - Facebook's in-app browser, which since 2025 ends its User-Agent with
//     "MetaIAB Facebook" (IAB: in-app browser), listed as a link previewer.
func ListedPerson(ua string) bool {
	if !strings.HasPrefix(ua, "Mozilla/5.0 (Linux; Android ") || !strings.Contains(ua, "; wv) ") {
		return false
	}
	return strings.HasSuffix(ua, " Mobile Safari/537.36 MetaIAB Facebook") ||
		strings.Contains(ua, " Mobile Safari/537.36 Instagram ") && strings.Contains(ua, "; IABMV/1)")
}
