package main

import (
	"flag"
	"fmt"
	"io"
	"net/netip"
	"strconv"
	"strings"
	"time"

	"github.com/sillage/sillage/web"
)

// serverFlags are serve's own flags as given, kept until parse reads them
// into the config; the others write to it directly.
type serverFlags struct {
	maxUpload, retention, memory, maxConns, stopWait string
	limits                                           limitFlags
}

// limitFlags are the rate limits' flags and the client address's, as given.
type limitFlags struct {
	unlocks, lookups, previews, window string
	ipHeader, proxies                  string
	trust                              bool // deprecated -trust-proxy
}

// define adds serve's flags to fs, writing to c or to s.
func (s *serverFlags) define(fs *flag.FlagSet, c *config, env *envDefaults) {
	fs.StringVar(&c.Addr, "addr", env.str("SILLAGE_ADDR", "localhost:8080"), "`address` to listen on (SILLAGE_ADDR)")
	fs.StringVar(&s.maxUpload, "max-upload-mb", env.str("SILLAGE_MAX_UPLOAD_MB", "512"), "largest content upload in `MiB` (SILLAGE_MAX_UPLOAD_MB)")
	fs.StringVar(&c.DebugAddr, "debug-addr", env.getenv("SILLAGE_DEBUG_ADDR"), "local-only `address` for pprof, off when empty (SILLAGE_DEBUG_ADDR)")
	fs.StringVar(&c.MetricsAddr, "metrics-addr", env.getenv("SILLAGE_METRICS_ADDR"), "`address` for Prometheus' /metrics, such as 127.0.0.1:9090, off when empty; off loopback it needs SILLAGE_METRICS_TOKEN (SILLAGE_METRICS_ADDR)")
	fs.StringVar(&c.LogFormat, "log-format", env.str("SILLAGE_LOG_FORMAT", "text"), "log lines as text or json, a `format` (SILLAGE_LOG_FORMAT)")
	s.limits.define(fs, env)
	fs.StringVar(&s.retention, "retention", env.str("SILLAGE_RETENTION", "0"), "erase contact data of campaigns ended this long ago, a `duration` such as 2160h; 0 keeps it (SILLAGE_RETENTION)")
	fs.StringVar(&s.memory, "memory-limit-mb", env.str("SILLAGE_MEMORY_LIMIT_MB", "256"), "soft memory limit in `MiB`, 0 for none; GOMEMLIMIT wins when set (SILLAGE_MEMORY_LIMIT_MB)")
	fs.StringVar(&s.maxConns, "max-conns", env.str("SILLAGE_MAX_CONNS", strconv.Itoa(defaultMaxConns(openFileLimit()))), "most `connections` open at once; more wait to be accepted (SILLAGE_MAX_CONNS)")
	mediaFlags(fs, &c.Media, env)
	fs.StringVar(&s.stopWait, "shutdown-timeout", env.str("SILLAGE_SHUTDOWN_TIMEOUT", "30s"), "how long a shutdown waits for requests in flight before cutting them, a `duration`; the trees are saved either way (SILLAGE_SHUTDOWN_TIMEOUT)")
}

// parse reads serve's settings into c: the operator's kit (log format,
// metrics), retention, the sizes and the shutdown's wait, then the limits.
// A deprecated flag is named on stderr.
func (s *serverFlags) parse(c *config, getenv func(string) string, stderr io.Writer) error {
	var err error
	c.MetricsToken = getenv("SILLAGE_METRICS_TOKEN")
	if c.LogFormat != "text" && c.LogFormat != "json" {
		return fmt.Errorf("log format %q: want text or json", c.LogFormat)
	}
	if err := checkMetricsAddr(c.MetricsAddr, c.MetricsToken); err != nil {
		return err
	}
	if c.Retention, err = time.ParseDuration(s.retention); err != nil || c.Retention < 0 {
		return fmt.Errorf("retention %q: want a duration such as 2160h (90 days), or 0 to keep contact data", s.retention)
	}
	n, err := strconv.ParseInt(s.maxUpload, 10, 64)
	if err != nil || n < 1 || n > 1<<20 {
		return fmt.Errorf("max upload %q: want a number of MiB between 1 and 1048576", s.maxUpload)
	}
	c.MaxUploadMB = n
	if c.MemoryMB, err = strconv.ParseInt(s.memory, 10, 64); err != nil || c.MemoryMB < 0 {
		return fmt.Errorf("memory limit %q: want a number of MiB, 0 for none", s.memory)
	}
	if c.MaxConns, err = strconv.Atoi(s.maxConns); err != nil || c.MaxConns < 1 {
		return fmt.Errorf("max conns %q: want a number of connections, at least 1", s.maxConns)
	}
	if c.StopWait, err = time.ParseDuration(s.stopWait); err != nil || c.StopWait <= 0 {
		return fmt.Errorf("shutdown timeout %q: want a duration such as 30s", s.stopWait)
	}
	c.Limits, err = s.limits.parse(stderr)
	return err
}

// define adds the limits' flags to fs.
func (l *limitFlags) define(fs *flag.FlagSet, env *envDefaults) {
	fs.StringVar(&l.unlocks, "unlock-limit", env.str("SILLAGE_UNLOCK_LIMIT", "60"), "`number` of unlocks per client network per window, 0 for none (SILLAGE_UNLOCK_LIMIT)")
	fs.StringVar(&l.lookups, "lookup-limit", env.str("SILLAGE_LOOKUP_LIMIT", "30"), "`number` of unknown tokens per client network per window, 0 for none (SILLAGE_LOOKUP_LIMIT)")
	fs.StringVar(&l.previews, "preview-limit", env.str("SILLAGE_PREVIEW_LIMIT", "60"), "`number` of preview records per client network per window, 0 for none (SILLAGE_PREVIEW_LIMIT)")
	fs.StringVar(&l.window, "limit-window", env.str("SILLAGE_LIMIT_WINDOW", "1m"), "sliding window of the limits, a `duration` (SILLAGE_LIMIT_WINDOW)")
	fs.StringVar(&l.ipHeader, "client-ip-header", env.getenv("SILLAGE_CLIENT_IP_HEADER"), "`header` a reverse proxy gives the client address in, such as X-Forwarded-For or X-Real-IP; empty: the connection's address (SILLAGE_CLIENT_IP_HEADER)")
	fs.StringVar(&l.proxies, "trusted-proxies", env.str("SILLAGE_TRUSTED_PROXIES", prefixList(web.DefaultTrustedProxies)), "comma-separated `addresses` or CIDR ranges of the proxies whose client-ip-header is believed (SILLAGE_TRUSTED_PROXIES)")
	fs.BoolVar(&l.trust, "trust-proxy", env.yesNo("SILLAGE_TRUST_PROXY", false), "deprecated: -client-ip-header X-Forwarded-For (SILLAGE_TRUST_PROXY)")
}

// parse reads the limits and the client address's header and proxies;
// the deprecated -trust-proxy is named on stderr.
func (l *limitFlags) parse(stderr io.Writer) (web.Limits, error) {
	limits, err := parseLimits(l.unlocks, l.lookups, l.previews, l.window)
	if err != nil {
		return limits, err
	}
	ipHeader := l.ipHeader
	if l.trust && ipHeader == "" {
		fmt.Fprintln(stderr, "-trust-proxy is deprecated: use -client-ip-header X-Forwarded-For (see README, Behind a proxy)")
		ipHeader = "X-Forwarded-For"
	}
	limits.ClientIPHeader, limits.TrustedProxies, err = parseProxy(ipHeader, l.proxies)
	return limits, err
}

// defaultMaxConns is the connection cap when none is set: 4096, far above
// what a load test opens (sillage-load: 64) and what a server of this size
// serves, or fewer where the open-file limit nofile (0: unknown) would not
// leave 256 files for the database, the content and the snapshots.
func defaultMaxConns(nofile uint64) int {
	const want, spare = 4096, 256
	if nofile == 0 || nofile >= want+spare {
		return want
	}
	return max(int(nofile)-spare, int(nofile)/2)
}

func parseLimits(unlocks, lookups, previews, window string) (web.Limits, error) {
	var l web.Limits
	var err error
	if l.Unlocks, err = strconv.Atoi(unlocks); err != nil || l.Unlocks < 0 {
		return l, fmt.Errorf("unlock limit %q: want a whole number, 0 for none", unlocks)
	}
	if l.FailedLookups, err = strconv.Atoi(lookups); err != nil || l.FailedLookups < 0 {
		return l, fmt.Errorf("lookup limit %q: want a whole number, 0 for none", lookups)
	}
	if l.Previews, err = strconv.Atoi(previews); err != nil || l.Previews < 0 {
		return l, fmt.Errorf("preview limit %q: want a whole number, 0 for none", previews)
	}
	if l.Window, err = time.ParseDuration(window); err != nil || l.Window < time.Second {
		return l, fmt.Errorf("limit window %q: want a duration of at least 1s, such as 1m", window)
	}
	return l, nil
}

// parseProxy reads the client-address header's name and the proxies
// trusted to set it, addresses or CIDR ranges separated by commas.
func parseProxy(header, proxies string) (string, []netip.Prefix, error) {
	if strings.IndexFunc(header, func(r rune) bool {
		return r != '-' && (r < '0' || r > '9') && (r < 'A' || r > 'Z') && (r < 'a' || r > 'z')
	}) >= 0 {
		return "", nil, fmt.Errorf("client IP header %q: want a header name such as X-Forwarded-For", header)
	}
	var trusted []netip.Prefix
	for _, s := range strings.Split(proxies, ",") {
		if s = strings.TrimSpace(s); s == "" {
			continue
		}
		p, err := netip.ParsePrefix(s)
		if err != nil {
			a, aerr := netip.ParseAddr(s)
			if aerr != nil {
				return "", nil, fmt.Errorf("trusted proxy %q: want an address or a CIDR range such as 10.0.0.0/8", s)
			}
			p = netip.PrefixFrom(a, a.BitLen())
		}
		trusted = append(trusted, p.Masked())
	}
	if header != "" && len(trusted) == 0 {
		return "", nil, fmt.Errorf("client IP header %s: -trusted-proxies is empty, so no proxy would be believed", header)
	}
	return header, trusted, nil
}

// prefixList writes ranges as -trusted-proxies reads them.
func prefixList(ps []netip.Prefix) string {
	s := make([]string, len(ps))
	for i, p := range ps {
		s[i] = p.String()
	}
	return strings.Join(s, ",")
}
