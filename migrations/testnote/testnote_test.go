package testnote_test

import (
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/sillage/sillage/migrations/testnote"
)

func TestMain(m *testing.M) { os.Exit(testnote.Main(m)) }

// skips is run by TestReportsSkips, in a process of its own.
func TestSkipsWhenAsked(t *testing.T) {
	if os.Getenv("TESTNOTE_CHILD") == "" {
		t.Skip("run by TestReportsSkips") // not a missing tool: no note
	}
	testnote.Skip(t, "no frobnicator: apt-get install frobnicator")
}

// A skip through Skip ends the run with one line naming the package, the
// test and the reason, and the run still passes; a plain t.Skip adds none.
func TestReportsSkips(t *testing.T) {
	cmd := exec.Command(os.Args[0], "-test.run", "^TestSkipsWhenAsked$")
	cmd.Env = append(os.Environ(), "TESTNOTE_CHILD=1")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("child run: %v\n%s", err, out)
	}
	want := "SKIPPED migrations/testnote: TestSkipsWhenAsked: no frobnicator: apt-get install frobnicator\n"
	if got := string(out); !strings.HasSuffix(got, want) || strings.Count(got, "SKIPPED") != 1 {
		t.Errorf("output:\n%s\nwant it to end with:\n%s", got, want)
	}

	cmd = exec.Command(os.Args[0], "-test.run", "^TestSkipsWhenAsked$")
	out, err = cmd.CombinedOutput()
	if err != nil || strings.Contains(string(out), "SKIPPED") {
		t.Errorf("a plain t.Skip reported: %v\n%s", err, out)
	}
}

// TestRequiredChild is run by TestRequiredWinsOverShort, in a process of its own.
func TestRequiredChild(t *testing.T) {
	if os.Getenv("TESTNOTE_CHILD") == "" {
		t.Skip("run by TestRequiredWinsOverShort")
	}
	testnote.SkipShort(t, "TESTNOTE_REQUIRE", "a slow test")
	t.Log("RAN")
	if testnote.Required(t, "TESTNOTE_REQUIRE") {
		t.Log("REQUIRED")
	}
}

// Under -short a slow test skips, unless its variable is 1 (as .ci/run
// sets it): then it runs, required. 0 reads as unset; any other value
// fails, rather than reading as unset.
func TestRequiredWinsOverShort(t *testing.T) {
	for _, tc := range []struct {
		value, want string
		fails       bool
	}{
		{"", "SKIP", false},
		{"1", "REQUIRED", false},
		{"yes", `TESTNOTE_REQUIRE="yes": set it to 1`, true},
		{"0", "SKIP", false},
	} {
		cmd := exec.Command(os.Args[0], "-test.run", "^TestRequiredChild$", "-test.short", "-test.v")
		cmd.Env = append(os.Environ(), "TESTNOTE_CHILD=1", "TESTNOTE_REQUIRE="+tc.value)
		out, err := cmd.CombinedOutput()
		if (err != nil) != tc.fails || !strings.Contains(string(out), tc.want) {
			t.Errorf("TESTNOTE_REQUIRE=%q under -short: %v\n%s\nwant %q, failing %v", tc.value, err, out, tc.want, tc.fails)
		}
		if ran := strings.Contains(string(out), "RAN"); ran != (tc.value == "1") {
			t.Errorf("TESTNOTE_REQUIRE=%q under -short: ran %v", tc.value, ran)
		}
	}
}
