// Package testnote reports, in one line each at the end of a package's
// run, the tests that skipped for want of something outside Go: a
// program (Chromium, NetworkX), a file, a privilege. "go test ./..."
// prints nothing but "ok" for a package that passes, so a quiet skip
// looks like a pass; these lines say what was not checked.
//
// A test calls Skip instead of t.Skip, and its package's TestMain runs
// the tests through Main:
//
//	func TestMain(m *testing.M) { os.Exit(testnote.Main(m)) }
//
// (It lives under migrations/ because that is the package every other
// one may import; it has nothing to do with the schema.)
package testnote

import (
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

var (
	mu    sync.Mutex
	notes []string
)

// Skip records why t skips, for Main's report, and skips it.
func Skip(t testing.TB, reason string) {
	t.Helper()
	mu.Lock()
	notes = append(notes, t.Name()+": "+reason)
	mu.Unlock()
	t.Skip(reason)
}

// Skipf is Skip with a formatted reason.
func Skipf(t testing.TB, format string, args ...any) {
	t.Helper()
	Skip(t, fmt.Sprintf(format, args...))
}

// Required reports whether the environment variable name, such as
// SILLAGE_REQUIRE_BROWSER, demands what a test needs, so that its absence
// fails the test instead of skipping it. CI (.ci/run) sets these to 1;
// unset or 0, nothing is demanded; any other value fails tb, as a typo
// there would otherwise turn a required test back into a quiet skip.
func Required(tb testing.TB, name string) bool {
	tb.Helper()
	switch v := os.Getenv(name); v {
	case "", "0":
		return false
	case "1":
		return true
	default:
		tb.Fatalf("%s=%q: set it to 1, or to 0 or nothing", name, v)
		return true
	}
}

// SkipShort skips a slow test under -short, unless the environment
// variable name requires it (Required): the requirement wins.
func SkipShort(tb testing.TB, name, reason string) {
	tb.Helper()
	if testing.Short() && !Required(tb, name) {
		tb.Skip(reason)
	}
}

// Main runs the package's tests, then writes a line "SKIPPED pkg:
// TestX: reason" for each test that Skip skipped, and returns the exit
// code for os.Exit.
func Main(m *testing.M) int {
	code := m.Run()
	mu.Lock()
	defer mu.Unlock()
	if len(notes) == 0 {
		return code
	}
	w, closeW := output()
	defer closeW()
	pkg := packageDir()
	for _, n := range notes {
		fmt.Fprintf(w, "SKIPPED %s: %s\n", pkg, n)
	}
	return code
}

// output is where the report is seen. With -v or -json the test's own
// output is shown. Otherwise "go test" keeps a passing package's output
// to itself: the report goes to the go command's own standard output
// when that is a terminal or a pipe (Linux, through /proc), beside its
// "ok" line. A regular file is left alone: writing at its end would race
// the go command's own offset.
func output() (io.Writer, func()) {
	none := func() {}
	if v := flag.Lookup("test.v"); v != nil && v.Value.String() != "false" {
		return os.Stdout, none
	}
	parent := fmt.Sprintf("/proc/%d", os.Getppid())
	exe, err := os.Readlink(parent + "/exe")
	if err != nil || strings.TrimSuffix(filepath.Base(exe), ".exe") != "go" {
		return os.Stdout, none
	}
	fi, err := os.Stat(parent + "/fd/1")
	if err != nil || fi.Mode()&(os.ModeNamedPipe|os.ModeCharDevice) == 0 {
		return os.Stdout, none
	}
	f, err := os.OpenFile(parent+"/fd/1", os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		return os.Stdout, none
	}
	return f, func() { f.Close() }
}

// packageDir is the package's folder from the module's root, such as
// "campaign/cascade": go test runs a package's tests in its folder.
func packageDir() string {
	wd, err := os.Getwd()
	if err != nil {
		return "?"
	}
	for dir := wd; ; {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			if rel, err := filepath.Rel(dir, wd); err == nil {
				return filepath.ToSlash(rel)
			}
			break
		}
		up := filepath.Dir(dir)
		if up == dir {
			break
		}
		dir = up
	}
	return filepath.Base(wd)
}
