package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strconv"

	"github.com/sillage/sillage/notify"
)

// contacts imports a contact file into a campaign, or erases a contact.
func contacts(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	const use = "usage: sillage contacts import CAMPAIGN FILE [--skip-invalid] | erase CONTACT"
	if len(args) == 0 {
		return errors.New(use)
	}
	sub, rest := args[0], args[1:]
	var skip bool
	cfg, rest, err := parseConfig("contacts "+sub, rest, getenv, stderr, func(fs *flag.FlagSet) {
		if sub == "import" {
			fs.BoolVar(&skip, "skip-invalid", false, "import the valid rows of a file that has invalid ones")
		}
	})
	if err != nil {
		return err
	}
	switch {
	case sub == "import" && len(rest) == 2:
	case sub == "erase" && len(rest) == 1:
	default:
		return errors.New(use)
	}
	db, err := openDB(ctx, cfg)
	if err != nil {
		return err
	}
	defer db.Close()
	cfg.BaseURL = publicURL(cfg)
	store, err := newNotifyStore(db, cfg, slog.New(slog.NewTextHandler(stderr, nil)))
	if err != nil {
		return err
	}
	if sub == "erase" {
		id, err := strconv.ParseInt(rest[0], 10, 64)
		if err != nil || id <= 0 {
			return fmt.Errorf("contact %q: want its number", rest[0])
		}
		if err := store.Erase(ctx, id); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "contact %d erased, with the address and bodies of its messages\n", id)
		return nil
	}
	id, err := parseCampaignID(rest[0])
	if err != nil {
		return err
	}
	f, err := os.Open(rest[1])
	if err != nil {
		return err
	}
	defer f.Close()
	res, err := store.Import(ctx, int64(id), f, notify.ImportOptions{SkipInvalid: skip})
	if res != nil {
		fmt.Fprintf(stdout, "imported %d, merged %d, rejected %d\n", res.Imported, res.Merged, len(res.Rejected))
		for _, r := range res.Rejected {
			fmt.Fprintf(stdout, "line %d: %s\n", r.Line, r.Reason)
		}
	}
	if errors.Is(err, notify.ErrInvalidRows) {
		return fmt.Errorf("%w: fix the rows above, or import the others with --skip-invalid", err)
	}
	return err
}
