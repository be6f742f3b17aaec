package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/sillage/sillage/web/accounts"
)

var userCreateSpec = spec{Usage: "user create --email EMAIL (--password PASSWORD | --password-stdin)", Create: true}

// user manages the dashboard's accounts: "user create --email E
// --password P", or with --password-stdin the password's first line from
// stdin, which keeps it out of the shell's history and of ps.
func user(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	_, args, err := subcommand("user", args, []string{"create"}, stdout, stderr)
	if err != nil {
		return err
	}
	var (
		email, password string
		fromStdin       bool
	)
	sp := userCreateSpec
	sp.Flags = func(fs *flag.FlagSet) {
		fs.StringVar(&email, "email", "", "the `address` to sign in with")
		fs.StringVar(&password, "password", "", "the `password` (at least 10 characters); --password-stdin keeps it out of ps")
		fs.BoolVar(&fromStdin, "password-stdin", false, "read the password from the first line of standard input")
	}
	cfg, rest, err := parseConfig(sp, args, getenv, stdout, stderr)
	if err != nil {
		return err
	}
	if len(rest) != 0 || email == "" || (password == "") == !fromStdin {
		return errors.New("usage: sillage " + sp.Usage)
	}
	if fromStdin {
		line, err := bufio.NewReader(stdin).ReadString('\n')
		if err != nil && !errors.Is(err, io.EOF) {
			return fmt.Errorf("read password: %w", err)
		}
		password = strings.TrimRight(line, "\r\n")
	}
	db, err := openDB(ctx, cfg)
	if err != nil {
		return err
	}
	defer db.Close()
	u, err := accounts.NewUsers(db, time.Now, 0).Create(ctx, email, password)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "user %d created: %s\n", u.ID, u.Email)
	return nil
}
