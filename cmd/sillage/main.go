// Command sillage runs the Sillage server and its command-line tools.
//
//	sillage serve                  run the server
//	sillage apikey create --name N print a new API key (shown once)
//	sillage apikey list            list API keys
//	sillage apikey revoke ID       revoke an API key
//	sillage user create --email E --password P | --password-stdin
//	                               create a dashboard account
//	sillage stats CAMPAIGN         print a campaign's figures
//	sillage contacts import CAMPAIGN FILE [--skip-invalid]
//	                               import a contact file
//	sillage contacts erase CONTACT erase a contact and its messages' data
//	sillage send CAMPAIGN          queue a seed message to every new contact
//	sillage outbox                 list the outbox's messages
//	sillage backup FILE            archive a running server's data
//	sillage restore FILE           put an archive into an empty data directory
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr); err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(os.Stderr, "sillage:", err)
		}
		os.Exit(1)
	}
}

const usage = `usage: sillage <command> [flags]

commands:
  serve                      run the server
  apikey create --name NAME  create an API key (printed once)
  apikey list                list API keys
  apikey revoke ID           revoke an API key
  user create --email EMAIL (--password PASSWORD | --password-stdin)
                             create a dashboard account
  stats CAMPAIGN             print a campaign's figures as a table
  contacts import CAMPAIGN FILE [--skip-invalid]
                             import a contact CSV; prints every rejected row
  contacts erase CONTACT     erase a contact, its address and its messages' bodies
  send CAMPAIGN              mint a seed link per new contact and queue its message
  outbox [--campaign N] [--status S]
                             list messages (the development sender's show their link)
  backup FILE                copy the data of a running server into one archive
  restore FILE               put a backup into an empty data directory

Run "sillage <command> -h" for its flags.
`

// run is the whole program, with its outside world passed in so that tests
// can drive it.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
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
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	default:
		fmt.Fprint(stderr, usage)
		return fmt.Errorf("unknown command %q", cmd)
	}
}
