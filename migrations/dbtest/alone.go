package dbtest

import (
	"os"
	"os/exec"
	"regexp"
	"strings"
	"testing"
)

// aloneEnv names the test a child process runs alone.
const aloneEnv = "SILLAGE_DBTEST_ALONE"

// Alone runs the calling top-level test again in a process of its own and
// reports whether the caller is that process: the parent returns false at
// once and passes or fails with the child. A test that calls Full needs
// it, because Full's limit holds for the whole process: the go command's
// own files (the test log it writes for its cache) would fail too.
func Alone(t *testing.T) bool {
	t.Helper()
	if os.Getenv(aloneEnv) == t.Name() {
		return true
	}
	cmd := exec.Command(os.Args[0], "-test.run=^"+regexp.QuoteMeta(t.Name())+"$", "-test.count=1", "-test.v")
	cmd.Env = append(os.Environ(), aloneEnv+"="+t.Name())
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "--- PASS: "+t.Name()+" ") {
		t.Fatalf("%s in a process of its own: %v\n%s", t.Name(), err, out)
	}
	if testing.Verbose() {
		t.Logf("in a process of its own:\n%s", out)
	}
	return false
}

// alone reports whether this process runs one test alone.
func alone() bool { return os.Getenv(aloneEnv) != "" }
