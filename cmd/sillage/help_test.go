package main

import (
	"bytes"
	"context"
	"io"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// Every command answers -h and --help on stdout, with success: its usage
// line and its own flags only, each with a placeholder that says what it
// takes (never "string").
func TestCommandHelp(t *testing.T) {
	dataFlags := []string{"-data-dir", "-db"}
	serverFlags := []string{"-addr", "-unlock-limit", "-retention", "-trust-proxy", "-max-conns", "-shutdown-timeout"}
	for _, tc := range []struct {
		args []string
		spec spec
		own  []string // flags beside -data-dir and -db
	}{
		{[]string{"serve"}, serveSpec, append([]string{"-base-url"}, serverFlags...)},
		{[]string{"apikey", "create"}, apikeyCreateSpec, []string{"-name", "-create"}},
		{[]string{"apikey", "list"}, apikeyListSpec, nil},
		{[]string{"apikey", "revoke"}, apikeyRevokeSpec, nil},
		{[]string{"user", "create"}, userCreateSpec, []string{"-email", "-password", "-password-stdin", "-create"}},
		{[]string{"stats"}, statsSpec, nil},
		{[]string{"contacts", "import"}, contactsImportSpec, []string{"-skip-invalid"}},
		{[]string{"contacts", "erase"}, contactsEraseSpec, nil},
		{[]string{"send"}, sendSpec, []string{"-base-url"}},
		{[]string{"outbox"}, outboxSpec, []string{"-campaign", "-status", "-after", "-limit"}},
	} {
		for _, help := range []string{"-h", "--help"} {
			t.Run(strings.Join(tc.args, "_")+help, func(t *testing.T) {
				var out, errOut bytes.Buffer
				if err := run(context.Background(), append(tc.args, help), func(string) string { return "" }, &out, &errOut); err != nil {
					t.Fatalf("%s: %v, want success", help, err)
				}
				if !strings.HasPrefix(out.String(), "usage: sillage "+tc.spec.Usage+"\n") || errOut.Len() > 0 {
					t.Fatalf("stdout %q, stderr %q: want the usage line on stdout", out.String(), errOut.String())
				}
				var got []string
				for _, m := range regexp.MustCompile(`(?m)^  (-\S+)( \S+)?$`).FindAllStringSubmatch(out.String(), -1) {
					got = append(got, m[1])
					if m[2] == " string" {
						t.Errorf("%s shows as string", m[1])
					}
				}
				want := append(slices.Clone(dataFlags), tc.own...)
				for _, f := range want {
					if !slices.Contains(got, f) {
						t.Errorf("flags %q lack %s", got, f)
					}
				}
				for _, f := range append(serverFlags, "-base-url", "-create") {
					if slices.Contains(got, f) && !slices.Contains(want, f) {
						t.Errorf("%s lists %s, which it does not read", tc.spec.Usage, f)
					}
				}
			})
		}
	}
}

// "sillage -h" lists every command; "sillage apikey -h" and the other
// groups list theirs; both succeed. A missing or unknown command fails.
func TestCommandLists(t *testing.T) {
	getenv := func(string) string { return "" }
	for _, tc := range []struct {
		args []string
		want []string
	}{
		{[]string{"-h"}, []string{"sillage serve\n", "sillage stats CAMPAIGN\n", "sillage outbox [--campaign N]"}},
		{[]string{"--help"}, []string{"sillage send CAMPAIGN"}},
		{[]string{"help"}, []string{"sillage user create"}},
		{[]string{"apikey", "-h"}, []string{"sillage apikey create --name NAME\n", "sillage apikey list\n", "sillage apikey revoke ID\n"}},
		{[]string{"contacts", "--help"}, []string{"sillage contacts import CAMPAIGN FILE", "sillage contacts erase CONTACT\n"}},
		{[]string{"user", "-h"}, []string{"sillage user create --email EMAIL"}},
	} {
		var out bytes.Buffer
		if err := run(context.Background(), tc.args, getenv, &out, io.Discard); err != nil {
			t.Errorf("%q: %v", tc.args, err)
		}
		for _, w := range tc.want {
			if !strings.Contains(out.String(), w) {
				t.Errorf("%q: output lacks %q:\n%s", tc.args, w, out.String())
			}
		}
		if tc.args[0] == "apikey" && strings.Contains(out.String(), "serve") {
			t.Errorf("apikey -h lists other commands:\n%s", out.String())
		}
	}
	for _, name := range []string{"backup", "restore"} {
		var out, errOut bytes.Buffer
		err := run(context.Background(), []string{name, "-h"}, getenv, &out, &errOut)
		if err != nil || !strings.HasPrefix(out.String(), "usage: sillage "+name) || errOut.Len() > 0 || strings.Contains(out.String(), " string\n") {
			t.Errorf("%s -h: %v, stdout %q, stderr %q; want its usage on stdout only, no flag shown as string", name, err, out.String(), errOut.String())
		}
	}
	for _, args := range [][]string{{}, {"launch"}, {"apikey"}, {"apikey", "rotate"}, {"contacts"}, {"user"}, {"user", "delete"}} {
		var errOut bytes.Buffer
		if err := run(context.Background(), args, getenv, io.Discard, &errOut); err == nil || !strings.Contains(errOut.String(), "usage: sillage") {
			t.Errorf("%q: %v, stderr %q; want an error and the list on stderr", args, err, errOut.String())
		}
	}
}

// The README's command list is the one "sillage -h" prints.
func TestReadmeListsEveryCommand(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile("(?s)\n## Command line\n.*?```\n(.*?)```").FindSubmatch(readme)
	if m == nil {
		t.Fatal("README has no code block under ## Command line")
	}
	if got, want := string(m[1]), commandList(""); got != want {
		t.Errorf("README's command list:\n%s\nsillage -h lists:\n%s", got, want)
	}
}

// The README's Configuration table and "sillage serve -h" list the same
// flags, each with the same environment variable.
func TestReadmeConfigurationTable(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, section, _ := strings.Cut(string(readme), "\n## Configuration\n")
	section, _, _ = strings.Cut(section, "\n#")
	rows := regexp.MustCompile("(?m)^\\| `(-[a-z-]+)` \\| `([A-Z_]+)` \\|").FindAllStringSubmatch(section, -1)
	var help bytes.Buffer
	if err := run(context.Background(), []string{"serve", "-h"}, func(string) string { return "" }, &help, io.Discard); err != nil {
		t.Fatal(err)
	}
	// Each flag of the help: "  -name [type]" then its usage, naming
	// its environment variable.
	flags := map[string]string{}
	for _, m := range regexp.MustCompile(`(?m)^  (-[a-z-]+)[^\n]*\n\s+[^\n]*\((SILLAGE_[A-Z_]+)`).FindAllStringSubmatch(help.String(), -1) {
		flags[m[1]] = m[2]
	}
	if len(rows) < 15 || len(flags) < 15 {
		t.Fatalf("read %d rows in the README's table and %d flags in serve -h: a parse missed some\n%s", len(rows), len(flags), help.String())
	}
	listed := map[string]bool{}
	for _, r := range rows {
		listed[r[1]] = true
		if env, ok := flags[r[1]]; !ok || env != r[2] {
			t.Errorf("README lists %s (%s); serve -h has it with %q", r[1], r[2], env)
		}
	}
	for f := range flags {
		if !listed[f] {
			t.Errorf("serve -h has %s, missing from the README's Configuration table", f)
		}
	}
}
