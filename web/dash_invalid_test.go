package web_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/sillage/sillage/web"
)

// invalidCalls finds, in the code of the packages that word validation
// messages, every format given to Invalid and every field name given to
// it or to a helper that passes one on.
func invalidCalls(t *testing.T) (formats map[string]string, fields map[string]string) {
	t.Helper()
	formats, fields = map[string]string{}, map[string]string{}
	fset := token.NewFileSet()
	// web and its surfaces' packages (a folder not there yet globs empty).
	for _, dir := range []string{"../campaign", "../gating", "../notify", "../notify/webhook", ".", "recipient", "dashboard", "api", "callbacks"} {
		files, err := filepath.Glob(filepath.Join(dir, "*.go"))
		if err != nil {
			t.Fatal(err)
		}
		for _, path := range files {
			if strings.HasSuffix(path, "_test.go") {
				continue
			}
			f, err := parser.ParseFile(fset, path, nil, 0)
			if err != nil {
				t.Fatal(err)
			}
			ast.Inspect(f, func(n ast.Node) bool {
				call, ok := n.(*ast.CallExpr)
				if !ok {
					return true
				}
				name := ""
				switch fn := call.Fun.(type) {
				case *ast.Ident:
					name = fn.Name
				case *ast.SelectorExpr:
					name = fn.Sel.Name
				}
				literal := func(i int) (string, bool) {
					if i >= len(call.Args) {
						return "", false
					}
					lit, ok := call.Args[i].(*ast.BasicLit)
					if !ok || lit.Kind != token.STRING {
						return "", false
					}
					s, err := strconv.Unquote(lit.Value)
					return s, err == nil
				}
				where := fset.Position(call.Pos()).String()
				switch name {
				case "Invalid":
					format, ok := literal(1)
					if !ok {
						t.Errorf("%s: Invalid without a literal format: the dashboard could not translate it", where)
					}
					formats[format] = where
					fallthrough
				case "checkText", "wholeNumber", "formTime":
					if field, ok := literal(0); ok && field != "" {
						fields[field] = where
					}
				}
				return true
			})
		}
	}
	return formats, fields
}

var verbRE = regexp.MustCompile(`%[-+# 0]*[0-9]*(?:\.[0-9]+)?[a-zA-Z%]`)

// Every validation message the code can produce has its French, with the
// same verbs in the same order, and every field its name in both
// languages.
func TestInvalidWordings(t *testing.T) {
	formats, fields := invalidCalls(t)
	if len(formats) < 50 || len(fields) < 20 {
		t.Fatalf("found %d formats and %d fields: the search missed the code", len(formats), len(fields))
	}
	for format, where := range formats {
		fr, ok := web.InvalidFR[format]
		if !ok {
			t.Errorf("%s: no French for %q", where, format)
			continue
		}
		if en, got := verbRE.FindAllString(format, -1), verbRE.FindAllString(fr, -1); !slices.Equal(en, got) {
			t.Errorf("French of %q has verbs %q, want %q", format, got, en)
		}
	}
	for format := range web.InvalidFR {
		if _, ok := formats[format]; !ok {
			t.Errorf("French for %q, which the code no longer says", format)
		}
	}
	for field, where := range fields {
		for _, lang := range []string{"en", "fr"} {
			if web.FieldNames[lang][field] == "" {
				t.Errorf("%s: field %q has no %s name", where, field, lang)
			}
		}
	}
}
