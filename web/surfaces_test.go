package web_test

import (
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// module is the import path of the repository's root.
const module = "github.com/sillage/sillage"

// surfaces are web's rooms: none imports another; what two share lives
// in web/internal or campaign/app.
var surfaces = []string{"web/recipient", "web/dashboard", "web/api", "web/callbacks"}

// domains never import web: the HTTP side depends on them, not back.
var domains = []string{"campaign", "gating", "notify", "migrations"}

// imports returns, by package folder (relative to the module's root, with
// slashes), the module's packages its Go files import, tests included.
func imports(t *testing.T, root string, folders ...string) map[string][]string {
	t.Helper()
	out := map[string][]string{}
	fset := token.NewFileSet()
	for _, folder := range folders {
		err := filepath.WalkDir(filepath.Join(root, folder), func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() || !strings.HasSuffix(p, ".go") {
				return nil
			}
			f, err := parser.ParseFile(fset, p, nil, parser.ImportsOnly)
			if err != nil {
				return err
			}
			rel, err := filepath.Rel(root, filepath.Dir(p))
			if err != nil {
				return err
			}
			pkg := filepath.ToSlash(rel)
			for _, spec := range f.Imports {
				imp, err := strconv.Unquote(spec.Path.Value)
				if err != nil {
					return err
				}
				if local, ok := strings.CutPrefix(imp, module+"/"); ok {
					out[pkg] = append(out[pkg], local)
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	return out
}

// under reports whether package folder pkg is folder or inside it.
func under(pkg, folder string) bool {
	return pkg == folder || strings.HasPrefix(pkg, folder+"/")
}

// forbidden lists the imports of graph that break the house's rules.
func forbidden(graph map[string][]string) []string {
	var out []string
	for pkg, imps := range graph {
		for _, imp := range imps {
			for _, s := range surfaces {
				for _, other := range surfaces {
					if s != other && under(pkg, s) && under(imp, other) {
						out = append(out, pkg+" imports "+imp+": surfaces never import each other")
					}
				}
			}
			for _, d := range domains {
				if under(pkg, d) && under(imp, "web") {
					out = append(out, pkg+" imports "+imp+": domain packages never import web")
				}
			}
		}
	}
	return out
}

// The surfaces under web/ do not import each other, and the domain
// packages do not import web.
func TestSurfacesStayApart(t *testing.T) {
	graph := imports(t, "..", append([]string{"web"}, domains...)...)
	if len(graph["web"]) == 0 || len(graph["web/recipient"]) == 0 || len(graph["campaign/app"]) == 0 {
		t.Fatalf("read the imports of %d packages, missing web, web/recipient or campaign/app: is the module's root ..?", len(graph))
	}
	for _, bad := range forbidden(graph) {
		t.Error(bad)
	}

	// The check finds what it is meant to find.
	for _, bad := range []map[string][]string{
		{"web/recipient": {"web/dashboard"}},
		{"web/api/internal/x": {"web/callbacks"}},
		{"notify": {"web/internal/httpx"}},
		{"migrations/storage": {"web"}},
	} {
		if len(forbidden(bad)) == 0 {
			t.Errorf("the check misses %v", bad)
		}
	}
	for _, good := range []map[string][]string{
		{"web": {"web/recipient", "web/callbacks"}},
		{"web/recipient": {"web/internal/httpx", "campaign/app"}},
		{"web/apis": {"web/dashboard"}}, // a folder whose name only starts like a surface's
	} {
		if got := forbidden(good); len(got) != 0 {
			t.Errorf("the check refuses %v: %q", good, got)
		}
	}
}
