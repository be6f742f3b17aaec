package main

import (
	"flag"
	"fmt"
	"io"
	"net/url"
	"path/filepath"
	"strconv"
)

// config is everything the server and the CLI read from flags, each with
// an environment variable as fallback and a working default.
type config struct {
	Addr        string
	DataDir     string
	DB          string
	BaseURL     *url.URL
	MaxUploadMB int64
	DebugAddr   string
}

// parseConfig reads the common flags of every sub-command, plus those that
// extra adds, from args, and returns the arguments left over.
func parseConfig(name string, args []string, getenv func(string) string, stderr io.Writer, extra func(*flag.FlagSet)) (*config, []string, error) {
	env := func(key, def string) string {
		if v := getenv(key); v != "" {
			return v
		}
		return def
	}
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	var c config
	var base, maxUpload string
	fs.StringVar(&c.Addr, "addr", env("SILLAGE_ADDR", "localhost:8080"), "address to listen on (SILLAGE_ADDR)")
	fs.StringVar(&c.DataDir, "data-dir", env("SILLAGE_DATA_DIR", "data"), "directory for the database and uploaded content (SILLAGE_DATA_DIR)")
	fs.StringVar(&c.DB, "db", getenv("SILLAGE_DB"), "SQLite database file (SILLAGE_DB; default DATA_DIR/sillage.db)")
	fs.StringVar(&base, "base-url", getenv("SILLAGE_BASE_URL"), "public address used in links (SILLAGE_BASE_URL; default http://ADDR)")
	fs.StringVar(&maxUpload, "max-upload-mb", env("SILLAGE_MAX_UPLOAD_MB", "512"), "largest content upload in MiB (SILLAGE_MAX_UPLOAD_MB)")
	fs.StringVar(&c.DebugAddr, "debug-addr", getenv("SILLAGE_DEBUG_ADDR"), "local-only address for pprof, off when empty (SILLAGE_DEBUG_ADDR)")
	if extra != nil {
		extra(fs)
	}
	if err := fs.Parse(args); err != nil {
		return nil, nil, err
	}
	if c.DB == "" {
		c.DB = filepath.Join(c.DataDir, "sillage.db")
	}
	n, err := strconv.ParseInt(maxUpload, 10, 64)
	if err != nil || n < 1 || n > 1<<20 {
		return nil, nil, fmt.Errorf("max upload %q: want a number of MiB between 1 and 1048576", maxUpload)
	}
	c.MaxUploadMB = n
	if base == "" {
		base = "http://" + c.Addr
	}
	u, err := url.Parse(base)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, nil, fmt.Errorf("base URL %q: want http(s)://host[:port]", base)
	}
	c.BaseURL = u
	return &c, fs.Args(), nil
}
