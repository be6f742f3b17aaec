package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"path/filepath"
	"time"

	"github.com/sillage/sillage/migrations/backup"
)

// backupCommand runs "sillage backup FILE" and "sillage restore FILE". Its
// flags are its own: where the data is, nothing of the server's.
func backupCommand(ctx context.Context, name string, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	usages := map[string]string{
		"backup": `usage: sillage backup [-data-dir DIR] [-db FILE] FILE

Writes to FILE (a .tar.gz) a consistent copy of the server's data while it
serves: the database, every content file it refers to and the body key.
FILE is replaced only once the new archive is complete.
`,
		"restore": `usage: sillage restore [-data-dir DIR] [-db FILE] FILE

Puts the backup FILE back into an empty (or new) data directory, after
checking every file against the archive's manifest. Start the server on it
afterwards: it applies any newer migration then.
`,
	}
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), usages[name], "\nflags:\n")
		fs.PrintDefaults()
	}
	env := func(key, def string) string {
		if v := getenv(key); v != "" {
			return v
		}
		return def
	}
	dataDir := fs.String("data-dir", env("SILLAGE_DATA_DIR", "data"), "the server's data `directory` (SILLAGE_DATA_DIR)")
	db := fs.String("db", getenv("SILLAGE_DB"), "the server's database `file` (SILLAGE_DB; default DATA_DIR/sillage.db)")
	if wantsHelp(args) { // on stdout, and only there
		fs.SetOutput(stdout)
		fs.Usage()
		return nil
	}
	rest, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	if len(rest) != 1 {
		fs.Usage()
		return fmt.Errorf("%s takes one FILE, %s", name, count(nArguments, len(rest)))
	}
	// The server's bucket, if it has one: an archive of the folder would
	// miss the media, and backup says what to do instead.
	paths := backup.Paths{DataDir: *dataDir, DB: *db, Bucket: getenv("SILLAGE_S3_BUCKET")}
	if paths.DB == "" {
		paths.DB = filepath.Join(paths.DataDir, "sillage.db")
	}
	file := rest[0]

	if name == "backup" {
		m, err := backup.Create(ctx, paths, file, time.Now())
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "%s: %s, %s before compression (database at schema version %d, %s)\n",
			file, count(nFiles, len(m.Files)), count(nBytes, int(m.Bytes())), m.SchemaVersion, m.CreatedAt.Format(time.RFC3339))
		return nil
	}
	m, err := backup.Restore(ctx, file, paths)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "restored %s (taken %s, schema version %d) into %s: %s, %s\n",
		file, m.CreatedAt.Format(time.RFC3339), m.SchemaVersion, paths.DataDir, count(nFiles, len(m.Files)), count(nBytes, int(m.Bytes())))
	fmt.Fprintf(stdout, "start the server with -data-dir %s\n", paths.DataDir)
	return nil
}
