package main

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/sillage/sillage/campaign/i18n"
)

// countBeforeNoun finds a format verb written straight before a plural
// noun ("queued %d messages"): the noun cannot follow the count.
var countBeforeNoun = regexp.MustCompile(`%(\[\d+\])?[-+# 0-9.]*[dv] (?:[a-z-]+ )?[a-z-]+s\b`)

// No string of the commands writes a count beside a noun without the
// plural catalog (counts.go).
func TestNoHandWrittenPlurals(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil || len(files) == 0 {
		t.Fatalf("the package's files: %v", err)
	}
	fset := token.NewFileSet()
	scanned := 0
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") || name == "counts.go" {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		scanned++
		ast.Inspect(f, func(n ast.Node) bool {
			lit, ok := n.(*ast.BasicLit)
			if !ok || lit.Kind != token.STRING {
				return true
			}
			s, err := strconv.Unquote(lit.Value)
			if err != nil {
				return true
			}
			if m := countBeforeNoun.FindString(s); m != "" {
				t.Errorf("%s: %q writes a plural by hand (say it with count, counts.go)", fset.Position(lit.Pos()), m)
			}
			return true
		})
	}
	if scanned < 10 {
		t.Fatalf("scanned %d files: the glob missed the package", scanned)
	}
	// The scan finds what it is meant to find, and leaves the rest.
	for s, want := range map[string]bool{
		"queued %d messages": true, "claim %d: %d views downstream": true, "got %[1]d arguments": true,
		"%d opted-out contacts": true, "campaign %d": false, "line %d: %s": false, "%d / %d": false,
	} {
		if got := countBeforeNoun.MatchString(s); got != want {
			t.Errorf("countBeforeNoun on %q: %v, want %v", s, got, want)
		}
	}
}

// The phrases are the catalog's, and say what the commands always said.
func TestCounts(t *testing.T) {
	for _, c := range []struct {
		key  string
		n    int
		want string
	}{
		{nQueued, 1, "queued 1 message"}, {nQueued, 0, "queued 0 messages"},
		{nSkipped, 1, "skipped 1 opted-out contact"}, {nSkipped, 2, "skipped 2 opted-out contacts"},
		{nDownstream, 1, "1 view downstream"}, {nDownstream, 1234, "1,234 views downstream"},
		{nArguments, 1, "got 1 argument"}, {nArguments, 3, "got 3 arguments"},
		{nFiles, 1, "1 file"}, {nFiles, 12, "12 files"},
		{nBytes, 1, "1 byte"}, {nBytes, 1234567, "1,234,567 bytes"},
	} {
		if !i18n.Has(c.key) {
			t.Errorf("%q is not in the catalogs", c.key)
		}
		if got := count(c.key, c.n); got != c.want {
			t.Errorf("count(%q, %d) = %q, want %q", c.key, c.n, got, c.want)
		}
	}
}
