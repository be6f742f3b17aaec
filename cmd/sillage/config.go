package main

import (
	"flag"
	"fmt"
	"io"
	"net"
	"net/url"
	"path/filepath"
	"strconv"
	"time"

	"github.com/sillage/sillage/web"
)

// config is everything the server and the CLI read from flags, each with
// an environment variable as fallback and a working default.
type config struct {
	Addr        string
	DataDir     string
	DB          string
	BaseURL     *url.URL // nil: http:// and the address the server listens on
	MaxUploadMB int64
	DebugAddr   string
	Limits      web.Limits
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
	var base, maxUpload, unlocks, lookups, window, trust string
	fs.StringVar(&c.Addr, "addr", env("SILLAGE_ADDR", "localhost:8080"), "address to listen on (SILLAGE_ADDR)")
	fs.StringVar(&c.DataDir, "data-dir", env("SILLAGE_DATA_DIR", "data"), "directory for the database and uploaded content (SILLAGE_DATA_DIR)")
	fs.StringVar(&c.DB, "db", getenv("SILLAGE_DB"), "SQLite database file (SILLAGE_DB; default DATA_DIR/sillage.db)")
	fs.StringVar(&base, "base-url", getenv("SILLAGE_BASE_URL"), "public address used in links (SILLAGE_BASE_URL; default http://ADDR)")
	fs.StringVar(&maxUpload, "max-upload-mb", env("SILLAGE_MAX_UPLOAD_MB", "512"), "largest content upload in MiB (SILLAGE_MAX_UPLOAD_MB)")
	fs.StringVar(&c.DebugAddr, "debug-addr", getenv("SILLAGE_DEBUG_ADDR"), "local-only address for pprof, off when empty (SILLAGE_DEBUG_ADDR)")
	fs.StringVar(&unlocks, "unlock-limit", env("SILLAGE_UNLOCK_LIMIT", "60"), "unlocks per client network per window, 0 for none (SILLAGE_UNLOCK_LIMIT)")
	fs.StringVar(&lookups, "lookup-limit", env("SILLAGE_LOOKUP_LIMIT", "30"), "unknown tokens per client network per window, 0 for none (SILLAGE_LOOKUP_LIMIT)")
	fs.StringVar(&window, "limit-window", env("SILLAGE_LIMIT_WINDOW", "1m"), "sliding window of the limits (SILLAGE_LIMIT_WINDOW)")
	fs.StringVar(&trust, "trust-proxy", env("SILLAGE_TRUST_PROXY", "false"), "read client addresses from X-Forwarded-For / X-Real-IP (SILLAGE_TRUST_PROXY)")
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
	if base != "" { // else serve derives it from the address it listens on
		u, err := url.Parse(base)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return nil, nil, fmt.Errorf("base URL %q: want http(s)://host[:port]", base)
		}
		c.BaseURL = u
	}
	if c.Limits, err = parseLimits(unlocks, lookups, window, trust); err != nil {
		return nil, nil, err
	}
	return &c, fs.Args(), nil
}

func parseLimits(unlocks, lookups, window, trust string) (web.Limits, error) {
	var l web.Limits
	var err error
	if l.Unlocks, err = strconv.Atoi(unlocks); err != nil || l.Unlocks < 0 {
		return l, fmt.Errorf("unlock limit %q: want a whole number, 0 for none", unlocks)
	}
	if l.FailedLookups, err = strconv.Atoi(lookups); err != nil || l.FailedLookups < 0 {
		return l, fmt.Errorf("lookup limit %q: want a whole number, 0 for none", lookups)
	}
	if l.Window, err = time.ParseDuration(window); err != nil || l.Window < time.Second {
		return l, fmt.Errorf("limit window %q: want a duration of at least 1s, such as 1m", window)
	}
	if l.TrustProxy, err = strconv.ParseBool(trust); err != nil {
		return l, fmt.Errorf("trust proxy %q: want true or false", trust)
	}
	return l, nil
}

// listenURL is the default public address: the one the server listens on,
// with "localhost" for an address that means every interface.
func listenURL(addr net.Addr) *url.URL {
	host, port, _ := net.SplitHostPort(addr.String())
	if ip := net.ParseIP(host); host == "" || ip == nil || ip.IsUnspecified() {
		host = "localhost"
	}
	return &url.URL{Scheme: "http", Host: net.JoinHostPort(host, port)}
}
