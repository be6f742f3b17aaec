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

var (
	contactsImportSpec = spec{Usage: "contacts import CAMPAIGN FILE [--skip-invalid]"}
	contactsEraseSpec  = spec{Usage: "contacts erase CONTACT", Erases: true}
)

// contacts imports a contact file into a campaign, or erases a contact.
func contacts(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	sub, args, err := subcommand("contacts", args, []string{"import", "erase"}, stdout, stderr)
	if err != nil {
		return err
	}
	var skip bool
	sp, want := contactsEraseSpec, 1
	if sub == "import" {
		sp, want = contactsImportSpec, 2
		sp.Flags = func(fs *flag.FlagSet) {
			fs.BoolVar(&skip, "skip-invalid", false, "import the valid rows of a file that has invalid ones")
		}
	}
	cfg, rest, err := parseConfig(sp, args, getenv, stdout, stderr)
	if err != nil {
		return err
	}
	if len(rest) != want {
		return errors.New("usage: sillage " + sp.Usage)
	}
	db, err := openDB(ctx, cfg)
	if err != nil {
		return err
	}
	defer db.Close()
	store, err := newNotifyStore(ctx, db, cfg, slog.New(slog.NewTextHandler(stderr, nil)))
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
