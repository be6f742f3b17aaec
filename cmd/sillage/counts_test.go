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
