package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"net/url"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/sillage/sillage/gating/publicurl"
	"github.com/sillage/sillage/migrations/storage"
	"github.com/sillage/sillage/web"
)

// config is everything the server and the CLI read from flags, each with
// an environment variable as fallback and a working default. A command
// reads only the flags its spec names; the others keep their zero value.
type config struct {
	Addr        string
	DataDir     string
	DB          string
	BaseURL     *url.URL // nil: http:// and the address the server listens on
	MaxUploadMB int64
	DebugAddr   string
	Limits      web.Limits
	Retention   time.Duration // contact data of campaigns ended longer ago is erased; 0 keeps it
	MemoryMB    int64         // soft memory limit for the Go runtime; 0: none
	MaxConns    int           // connections open at once; more wait to be accepted
	StopWait    time.Duration // how long a shutdown waits for requests in flight before cutting them
	Create      bool          // the command may make a new database (serve, or -create given)
	CanCreate   bool          // the command takes -create
	Notify      notifyConfig
	Media       mediaConfig

	// Checkpoint is how the write-ahead log is emptied after an erasure:
	// passive when Litestream replicates the database.
	Checkpoint storage.CheckpointMode

	// The operator's kit (README, Metrics and logs).
	LogFormat    string // text or json
	MetricsAddr  string // where /metrics listens, off when empty
	MetricsToken string // the bearer token /metrics asks for, needed off loopback; SILLAGE_METRICS_TOKEN only, a secret
}

// spec is what a command takes: its usage line, and which of the shared
// flags besides its own. Every command takes -data-dir and -db.
type spec struct {
	Usage   string              // after "sillage ", such as "apikey create --name NAME"
	Server  bool                // the server's flags (serve only)
	Create  bool                // -create: the command may make a new database
	BaseURL bool                // -base-url (serve, send)
	Erases  bool                // -erasure-checkpoint (serve, contacts erase)
	Flags   func(*flag.FlagSet) // the command's own flags; nil: none
}

// parseConfig reads the flags sp names from args, each with an
// environment variable as fallback, and returns the arguments left over.
// Asked for help (-h, --help), it prints the usage line and the command's
// flags to stdout and returns flag.ErrHelp, which run turns into success.
func parseConfig(sp spec, args []string, getenv func(string) string, stdout, stderr io.Writer) (*config, []string, error) {
	name, _, _ := strings.Cut(sp.Usage, " -")
	fs := flag.NewFlagSet(strings.TrimSpace(name), flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { printUsage(fs, sp.Usage) }
	var c config
	env := &envDefaults{getenv: getenv}
	shared := c.sharedFlags(fs, sp, env)
	var server serverFlags
	if sp.Server {
		server.define(fs, &c, env)
	}
	if sp.Flags != nil {
		sp.Flags(fs)
	}
	if wantsHelp(args) {
		fs.SetOutput(stdout)
		fs.Usage()
		return nil, nil, flag.ErrHelp
	}
	rest, err := parseInterspersed(fs, args)
	if err != nil {
		return nil, nil, err
	}
	if env.err != nil {
		return nil, nil, env.err
	}
	if err := c.parseShared(sp, shared, getenv); err != nil {
		return nil, nil, err
	}
	if !sp.Server {
		return &c, rest, nil
	}
	if err := server.parse(&c, getenv, stderr); err != nil {
		return nil, nil, err
	}
	return &c, rest, nil
}

// envDefaults gives flags their defaults from the environment. A yes/no
// setting that does not read is kept in err, returned once the command
// line is parsed.
type envDefaults struct {
	getenv func(string) string
	err    error
}

// str is the setting key, or def when unset.
func (e *envDefaults) str(key, def string) string {
	if v := e.getenv(key); v != "" {
		return v
	}
	return def
}

// yesNo is the yes/no setting key, or def when unset; see parseEnvBool.
func (e *envDefaults) yesNo(key string, def bool) bool {
	b, err := parseEnvBool(e.getenv, key, def)
	e.err = errors.Join(e.err, err)
	return b
}

// sharedValues are the shared flags kept as given until parseShared reads
// them.
type sharedValues struct {
	base, checkpoint string
}

// sharedFlags defines on fs the flags every command takes and those sp
// names besides serve's own: -data-dir, -db, -create, -base-url,
// -erasure-checkpoint.
func (c *config) sharedFlags(fs *flag.FlagSet, sp spec, env *envDefaults) *sharedValues {
	var v sharedValues
	fs.StringVar(&c.DataDir, "data-dir", env.str("SILLAGE_DATA_DIR", "data"), "`folder` of the database and uploaded content (SILLAGE_DATA_DIR)")
	fs.StringVar(&c.DB, "db", env.getenv("SILLAGE_DB"), "SQLite database `file`, or a postgres:// URL (SILLAGE_DB; default DATA_DIR/sillage.db)")
	if c.CanCreate = sp.Create; sp.Create {
		fs.BoolVar(&c.Create, "create", false, "make a new database when there is none (default: refuse, the server's is probably elsewhere)")
	}
	if sp.BaseURL {
		fs.StringVar(&v.base, "base-url", env.getenv("SILLAGE_BASE_URL"), baseURLUsage(sp.Server))
	}
	if sp.Erases {
		fs.StringVar(&v.checkpoint, "erasure-checkpoint", env.str("SILLAGE_ERASURE_CHECKPOINT", "truncate"), "how the write-ahead log is emptied after an erasure, a `mode`: truncate, or passive when Litestream replicates the database (SILLAGE_ERASURE_CHECKPOINT)")
	}
	return &v
}

// parseShared reads what every command may need once the command line is
// parsed: the database's place, the deliveries' and the media's settings
// from the environment, the public URL and the checkpoint mode.
func (c *config) parseShared(sp spec, v *sharedValues, getenv func(string) string) error {
	var err error
	if c.DB == "" {
		c.DB = filepath.Join(c.DataDir, "sillage.db")
	}
	if c.Notify, err = parseNotify(getenv); err != nil {
		return err
	}
	if err = c.Media.parse(getenv, sp.Server); err != nil {
		return err
	}
	if v.base != "" { // else serve derives it from the address it listens on
		if c.BaseURL, err = publicurl.Parse(v.base); err != nil {
			return err
		}
	}
	if sp.Erases {
		if c.Checkpoint, err = storage.ParseCheckpointMode(v.checkpoint); err != nil {
			return err
		}
	}
	return nil
}

func baseURLUsage(server bool) string {
	if server {
		return "public `URL` that links carry, recorded for the other commands (SILLAGE_BASE_URL; default http://ADDR)"
	}
	return "public `URL` that links carry (SILLAGE_BASE_URL; default: the one the server recorded)"
}

// printUsage writes a command's usage line and its flags.
func printUsage(fs *flag.FlagSet, usage string) {
	fmt.Fprintf(fs.Output(), "usage: sillage %s\n\nflags:\n", usage)
	fs.PrintDefaults()
}

// wantsHelp reports whether args ask for help before any "--".
func wantsHelp(args []string) bool {
	for _, a := range args {
		switch a {
		case "--":
			return false
		case "-h", "--h", "-help", "--help":
			return true
		}
	}
	return false
}

// parseInterspersed parses flags wherever they stand among the
// arguments, as in "contacts import 1 list.csv --skip-invalid", and
// returns the arguments that are not flags. After "--" everything is an
// argument.
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var rest, after []string
	if i := slices.Index(args, "--"); i >= 0 {
		args, after = args[:i], args[i+1:]
	}
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		if fs.NArg() == 0 {
			return append(rest, after...), nil
		}
		rest = append(rest, fs.Arg(0))
		args = fs.Args()[1:]
	}
}

// parseEnvBool reads the yes/no setting key: def when unset, else true,
// false, 1, 0 (strconv.ParseBool); an error names the setting.
func parseEnvBool(getenv func(string) string, key string, def bool) (bool, error) {
	v := getenv(key)
	if v == "" {
		return def, nil
	}
	b, err := strconv.ParseBool(v)
	if err != nil {
		return b, fmt.Errorf("%s %q: want true or false", key, v)
	}
	return b, nil
}
