package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/sillage/sillage/web/accounts"
)

var (
	apikeyCreateSpec = spec{Usage: "apikey create --name NAME", Create: true}
	apikeyListSpec   = spec{Usage: "apikey list"}
	apikeyRevokeSpec = spec{Usage: "apikey revoke ID"}
)

// apikey creates, lists and revokes the API's keys.
func apikey(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	sub, args, err := subcommand("apikey", args, []string{"create", "list", "revoke"}, stdout, stderr)
	if err != nil {
		return err
	}
	var name string
	sp := apikeyListSpec
	switch sub {
	case "create":
		sp = apikeyCreateSpec
		sp.Flags = func(fs *flag.FlagSet) {
			fs.StringVar(&name, "name", "", "`NAME` of the key: what it is for, such as ci")
		}
	case "revoke":
		sp = apikeyRevokeSpec
	}
	cfg, rest, err := parseConfig(sp, args, getenv, stdout, stderr)
	if err != nil {
		return err
	}
	switch {
	case sub == "create" && (name == "" || len(rest) != 0),
		sub == "list" && len(rest) != 0,
		sub == "revoke" && len(rest) != 1:
		return errors.New("usage: sillage " + sp.Usage)
	}
	db, err := openDB(ctx, cfg)
	if err != nil {
		return err
	}
	defer db.Close()
	keys := accounts.NewKeys(db, time.Now)
	switch sub {
	case "create":
		key, _, err := keys.Create(ctx, name)
		if err != nil {
			return err
		}
		fmt.Fprintln(stdout, key)
		return nil
	case "list":
		list, err := keys.List(ctx)
		if err != nil {
			return err
		}
		for _, k := range list {
			state := "active"
			if k.RevokedAt != nil {
				state = "revoked " + k.RevokedAt.Format(time.RFC3339)
			}
			fmt.Fprintf(stdout, "%d\t%s\t%s\t%s\n", k.ID, k.Name, k.CreatedAt.Format(time.RFC3339), state)
		}
		return nil
	default: // revoke
		id, err := strconv.ParseInt(rest[0], 10, 64)
		if err != nil {
			return fmt.Errorf("key id %q: not a number", rest[0])
		}
		return keys.Revoke(ctx, id)
	}
}
