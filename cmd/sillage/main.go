// Command sillage runs the Sillage server and its command-line tools.
// "sillage -h" lists the commands, "sillage COMMAND -h" a command's flags;
// the README's Command line section is the same list.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"slices"
	"strings"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "sillage:", err)
		os.Exit(1)
	}
}

// command is one line of the command list: its usage (as its spec says
// it) and what it does.
type command struct {
	usage, what string
}

// commands is every command, in the order "sillage -h" lists them.
var commands = []command{
	{serveSpec.Usage, "run the server"},
	{apikeyCreateSpec.Usage, "create an API key, printed once"},
	{apikeyListSpec.Usage, "list API keys"},
	{apikeyRevokeSpec.Usage, "revoke an API key"},
	{userCreateSpec.Usage, "create a dashboard account (the password from stdin keeps it out of ps)"},
	{statsSpec.Usage, "print a campaign's figures as a table"},
	{contactsImportSpec.Usage, "import a contact CSV; prints imported, merged and every rejected row"},
	{contactsEraseSpec.Usage, "erase a contact, its address and its messages' bodies"},
	{sendSpec.Usage, "mint a seed link per new contact and queue its message"},
	{outboxSpec.Usage, "list messages; those the development sender kept show their link"},
	{"backup FILE", "archive a running server's data into one file (see Backups)"},
	{"restore FILE", "put an archive into an empty data directory"},
	{dbCopySpec.Usage, "move this SQLite installation into an empty PostgreSQL database, and check it"},
}

// commandList is the list of the commands whose usage starts with
// prefix ("" for all), as "sillage -h" and the README show it.
func commandList(prefix string) string {
	var b strings.Builder
	for _, c := range commands {
		if strings.HasPrefix(c.usage, prefix) {
			fmt.Fprintf(&b, "sillage %s\n    %s\n", c.usage, c.what)
		}
	}
	return b.String()
}

// printCommands writes the usage of the commands starting with prefix.
func printCommands(w io.Writer, prefix string) {
	fmt.Fprintf(w, "usage: sillage %scommand [arguments] [flags]\n\n%s\nRun \"sillage %sCOMMAND -h\" for a command's flags.\n",
		prefix, commandList(prefix), prefix)
}

// run is the whole program, with its outside world passed in so that tests
// can drive it. Help asked for (-h, --help) is printed to stdout and is
// not an error.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	err := dispatch(ctx, args, getenv, stdout, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return nil
	}
	return err
}

func dispatch(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		printCommands(stderr, "")
		return errors.New("no command given")
	}
	switch cmd, rest := args[0], args[1:]; cmd {
	case "serve":
		return serve(ctx, rest, getenv, stdout, stderr)
	case "apikey":
		return apikey(ctx, rest, getenv, stdout, stderr)
	case "user":
		return user(ctx, rest, getenv, os.Stdin, stdout, stderr)
	case "stats":
		return stats(ctx, rest, getenv, stdout, stderr)
	case "contacts":
		return contacts(ctx, rest, getenv, stdout, stderr)
	case "send":
		return send(ctx, rest, getenv, stdout, stderr)
	case "outbox":
		return outbox(ctx, rest, getenv, stdout, stderr)
	case "backup", "restore":
		return backupCommand(ctx, cmd, rest, getenv, stdout, stderr)
	case "db":
		return dbCommand(ctx, rest, getenv, stdout, stderr)
	case "help", "-h", "--h", "-help", "--help":
		printCommands(stdout, "")
		return nil
	default:
		printCommands(stderr, "")
		return fmt.Errorf("unknown command %q", cmd)
	}
}

// subcommand reads the sub-command of a group such as "apikey": help
// for the group (flag.ErrHelp) on -h, an error listing the group's
// commands when it is missing or unknown.
func subcommand(group string, args []string, known []string, stdout, stderr io.Writer) (string, []string, error) {
	if len(args) > 0 && wantsHelp(args[:1]) {
		printCommands(stdout, group+" ")
		return "", nil, flag.ErrHelp
	}
	if len(args) == 0 || !slices.Contains(known, args[0]) {
		printCommands(stderr, group+" ")
		if len(args) == 0 {
			return "", nil, fmt.Errorf("%s: which command?", group)
		}
		return "", nil, fmt.Errorf("unknown %s command %q", group, args[0])
	}
	return args[0], args[1:], nil
}
