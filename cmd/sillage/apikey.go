package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/sillage/sillage/web/auth"
)

func apikey(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return errors.New("usage: sillage apikey create --name NAME | list | revoke ID")
	}
	sub, rest := args[0], args[1:]
	var name string
	cfg, rest, err := parseConfig("apikey "+sub, rest, getenv, stderr, func(fs *flag.FlagSet) {
		if sub == "create" {
			fs.StringVar(&name, "name", "", "what the key is for")
		}
	})
	if err != nil {
		return err
	}
	if sub == "create" && name == "" {
		return errors.New("usage: sillage apikey create --name NAME")
	}
	db, err := openDB(ctx, cfg)
	if err != nil {
		return err
	}
	defer db.Close()
	keys := auth.NewKeys(db, time.Now)
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
	case "revoke":
		if len(rest) != 1 {
			return errors.New("usage: sillage apikey revoke ID")
		}
		id, err := strconv.ParseInt(rest[0], 10, 64)
		if err != nil {
			return fmt.Errorf("key id %q: not a number", rest[0])
		}
		return keys.Revoke(ctx, id)
	}
	return fmt.Errorf("unknown apikey command %q", sub)
}
