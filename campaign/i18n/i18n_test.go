package i18n

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// placeholder finds a catalog's verbs: %[1]d, %[2]s; %% is no verb.
var placeholder = regexp.MustCompile(`%(%|\[(\d+)\][-+# 0]*\d*(?:\.\d+)?([a-zA-Z])|[-+# 0]*\d*(?:\.\d+)?[a-zA-Z])`)

// placeholders returns the verbs of every form of e, sorted, with %q said
// as %s (a translation may quote with « » instead); an unnumbered verb
// comes back as "unnumbered".
func placeholders(e Entry) []string {
	var out []string
	forms := []string{e.Text}
	for _, s := range e.Plural {
		forms = append(forms, s)
	}
	for _, s := range forms {
		for _, m := range placeholder.FindAllStringSubmatch(s, -1) {
			switch {
			case m[1] == "%":
			case m[2] == "":
				out = append(out, "unnumbered "+m[0])
			default:
				out = append(out, "%["+m[2]+"]"+strings.ReplaceAll(m[3], "q", "s"))
			}
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// Both catalogs have the same keys, each with the same numbered
// placeholders, and every sentence that counts has its "one" and "other".
func TestCatalogsMatch(t *testing.T) {
	en, err := Catalog("en")
	if err != nil {
		t.Fatal(err)
	}
	if len(en) < 500 {
		t.Fatalf("%d keys in en.json", len(en))
	}
	for _, code := range Codes {
		c, err := Catalog(code)
		if err != nil {
			t.Fatal(err)
		}
		for _, problem := range compare(en, c) {
			t.Errorf("%s.json: %s", code, problem)
		}
	}
	// The comparison finds what it is meant to find.
	bad := map[string]Entry{"a": {Text: "%[1]d of %[2]s"}, "b": {Text: "%s"}, "c": {Plural: map[string]string{"other": "x"}}}
	good := map[string]Entry{"a": {Text: "%[1]s"}, "b": {Text: "%s"}, "d": {Text: ""}}
	if got := compare(good, bad); len(got) != 5 {
		t.Errorf("the comparison finds %d problems, want 5: %q", len(got), got)
	}
}

// compare lists how catalog c differs from the reference ref.
func compare(ref, c map[string]Entry) []string {
	var out []string
	for key, e := range c {
		if e.Plural != nil && (e.Plural["one"] == "" || e.Plural["other"] == "") {
			out = append(out, strconv.Quote(key)+" needs its forms one and other")
		}
		if e.Plural == nil && e.Text == "" {
			out = append(out, strconv.Quote(key)+" is empty")
		}
		r, ok := ref[key]
		switch {
		case !ok:
			out = append(out, strconv.Quote(key)+" is not in the reference catalog")
			continue
		case !slices.Equal(placeholders(e), placeholders(r)):
			out = append(out, strconv.Quote(key)+" has placeholders "+strings.Join(placeholders(e), " ")+", the reference "+strings.Join(placeholders(r), " "))
		}
		for _, p := range placeholders(e) {
			if strings.HasPrefix(p, "unnumbered") {
				out = append(out, strconv.Quote(key)+" has an "+p+": write %[1]s")
			}
		}
	}
	for key := range ref {
		if _, ok := c[key]; !ok {
			out = append(out, strconv.Quote(key)+" is missing")
		}
	}
	return out
}

// asked finds what the code asks the catalog for: .T "key" in templates,
// .T("key" in Go, prefixes of keys built from a name (.T("prefix." + x),
// print "prefix." in templates), and the English formats of validation
// messages (Invalid(field, "format"), keyed "validation."+format).
var (
	askedKey    = regexp.MustCompile(`\.T[ (]\s*"([^"]+)"`)
	askedPrefix = regexp.MustCompile(`(?:\.T\(\s*|\(print\s+)"([^"]+\.)"\s*[+ ]`)
	askedFormat = regexp.MustCompile("\\bInvalid\\(\\s*[^,()]+,\\s*(\"(?:[^\"\\\\]|\\\\.)*\"|`[^`]*`)")
)

// missing lists what src asks for that the catalog lacks.
func missing(src string) (out []string) {
	for _, m := range askedKey.FindAllStringSubmatch(src, -1) {
		if !Has(m[1]) && !strings.HasSuffix(m[1], ".") {
			out = append(out, m[1])
		}
	}
	for _, m := range askedPrefix.FindAllStringSubmatch(src, -1) {
		if !slices.ContainsFunc(Keys(), func(k string) bool { return strings.HasPrefix(k, m[1]) }) {
			out = append(out, m[1]+"…")
		}
	}
	for _, m := range askedFormat.FindAllStringSubmatch(src, -1) {
		format, err := strconv.Unquote(m[1])
		if err == nil && !Has("validation."+format) {
			out = append(out, "validation."+format)
		}
	}
	return out
}

// Every key a template or a Go file of the module asks for is in the
// catalogs.
func TestAskedKeysExist(t *testing.T) {
	root := filepath.Join("..", "..")
	files := 0
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == ".git" || d.Name() == "node_modules") {
			return filepath.SkipDir
		}
		ext := filepath.Ext(path)
		if d.IsDir() || (ext != ".go" && ext != ".html" && ext != ".tmpl") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		files++
		for _, key := range missing(string(b)) {
			t.Errorf("%s asks for %q, which the catalogs lack", path, key)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if files < 50 {
		t.Fatalf("scanned %d files: is the module's root %s?", files, root)
	}
	// The scan finds what it is meant to find.
	src := "{{.L.T \"recipient.unlock\"}} {{$.L.T \"no.such.key\"}} l.T(\"nor.this\", n) l.T(\"nowhere.\" + x) " +
		"{{.L.T (print \"dashboard.states.\" .S)}} campaign.Invalid(\"f\", \"must be fine\") Invalid(field, \"is required\")"
	if got, want := missing(src), []string{"no.such.key", "nor.this", "nowhere.…", "validation.must be fine"}; !slices.Equal(got, want) {
		t.Errorf("the scan finds %q, want %q", got, want)
	}
}

func TestMatch(t *testing.T) {
	for header, want := range map[string]string{
		"":                        "en",
		"fr-FR,fr;q=0.9,en;q=0.8": "fr",
		"fr-CA":                   "fr",
		"de-DE,en;q=0.5":          "en",
		"de":                      "en",
		"en-GB,fr;q=0.5":          "en",
		"garbage;;":               "en",
	} {
		if got := Match(header).Code(); got != want {
			t.Errorf("Match(%q) = %s, want %s", header, got, want)
		}
	}
	if Get("fr").Code() != "fr" || Get("de").Code() != "en" {
		t.Error("Get falls back to English for unknown codes only")
	}
}

// Numbers are written as the pages always wrote them: French groups with
// a narrow no-break space and writes a decimal comma.
func TestNumbers(t *testing.T) {
	en, fr := Get("en"), Get("fr")
	for _, c := range []struct{ got, want string }{
		{en.Int(0), "0"}, {en.Int(999), "999"}, {en.Int(1234), "1,234"}, {en.Int(-1234567), "-1,234,567"},
		{fr.Int(1234), "1\u202f234"}, {fr.Int(-1234567), "-1\u202f234\u202f567"},
		{en.Decimal(1234.567, 2), "1,234.57"}, {fr.Decimal(1234.567, 2), "1\u202f234,57"},
		{en.Decimal(0.165, 2), "0.17"}, {en.Decimal(0.125, 2), "0.12"}, {en.Decimal(2, 0), "2"},
		{en.Decimal(-0.5, 1), "-0.5"}, {fr.Decimal(0.8, 2), "0,80"},
		{en.Percent(0.3, 0), "30%"}, {fr.Percent(0.3, 0), "30\u00a0%"}, {fr.Percent(0.125, 1), "12,5\u00a0%"},
		{en.T("count.views", 1), "1 view"}, {en.T("count.views", 1234), "1,234 views"},
		{fr.T("count.views", 0), "0 vue"}, {fr.T("count.views", 1), "1 vue"}, {fr.T("count.views", 2000), "2\u202f000 vues"},
	} {
		if c.got != c.want {
			t.Errorf("%q, want %q", c.got, c.want)
		}
	}
	// Decimals agree with strconv's rounding, the pages' until now.
	for i := range 20000 {
		x := float64(i)/1000 - 10
		want := strconv.FormatFloat(x, 'f', 2, 64)
		if got := en.Decimal(x, 2); strings.ReplaceAll(got, ",", "") != want {
			t.Fatalf("Decimal(%v, 2) = %s, want %s", x, got, want)
		}
	}
}

func TestDates(t *testing.T) {
	at := time.Date(2026, 11, 3, 20, 5, 0, 0, time.UTC)
	for _, c := range []struct{ code, kind, want string }{
		{"en", "recipient", "November 3, 2026 at 20:05 UTC"},
		{"fr", "recipient", "03/11/2026 à 20:05 UTC"},
		{"en", "dashboard", "Nov 3, 2026 20:05 UTC"},
		{"fr", "dashboard", "03/11/2026 20:05 UTC"},
	} {
		if got := Get(c.code).Date(at, c.kind); got != c.want {
			t.Errorf("%s %s: %q, want %q", c.code, c.kind, got, c.want)
		}
	}
}

// BenchmarkT is a page's sentence with no placeholder, and one with a
// count.
func BenchmarkT(b *testing.B) {
	l := Get("fr")
	b.Run("plain", func(b *testing.B) {
		for b.Loop() {
			l.T("recipient.unlock")
		}
	})
	b.Run("count", func(b *testing.B) {
		for b.Loop() {
			l.T("count.views", 12345)
		}
	})
}
