package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"net/netip"
	"net/url"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/sillage/sillage/campaign"
	"github.com/sillage/sillage/gating/publicurl"
	"github.com/sillage/sillage/migrations/storage"
	"github.com/sillage/sillage/notify"
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

// notifyConfig configures the deliveries, from the environment only: it
// holds secrets, which flags would show to anyone running ps.
type notifyConfig struct {
	SMTPURL             string  // SILLAGE_SMTP_URL; empty: email goes to the development sender
	EmailFrom           string  // SILLAGE_EMAIL_FROM
	TwilioAccountSID    string  // TWILIO_ACCOUNT_SID; empty: SMS and WhatsApp go to the development sender
	TwilioAuthToken     string  // TWILIO_AUTH_TOKEN, also the key of callback signatures
	SMSFrom             string  // SILLAGE_TWILIO_SMS_FROM
	MessagingServiceSID string  // SILLAGE_TWILIO_MESSAGING_SERVICE_SID
	WhatsAppFrom        string  // SILLAGE_TWILIO_WHATSAPP_FROM
	EmailRate           float64 // SILLAGE_EMAIL_RATE, messages per second
	TwilioRate          float64 // SILLAGE_TWILIO_RATE, messages per second
	DefaultRegion       string  // SILLAGE_DEFAULT_REGION, for phone numbers without +country
	WorkerID            string  // SILLAGE_WORKER_ID

	// The key that seals queued bodies, the same on every instance on one
	// database: SILLAGE_BODY_KEY (base64 or hex, a secret) or the file
	// SILLAGE_BODY_KEY_FILE names; neither: DATA_DIR/body.key, made on
	// first use.
	BodyKey     []byte
	BodyKeyFile string
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
	env := func(key, def string) string {
		if v := getenv(key); v != "" {
			return v
		}
		return def
	}
	name, _, _ := strings.Cut(sp.Usage, " -")
	fs := flag.NewFlagSet(strings.TrimSpace(name), flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { printUsage(fs, sp.Usage) }
	var c config
	var base, checkpoint, maxUpload, unlocks, lookups, previews, window, ipHeader, proxies, retention, memory, maxConns, stopWait string
	var trust bool
	var envErr error
	envBool := func(key string, def bool) bool {
		v := getenv(key)
		if v == "" {
			return def
		}
		b, err := strconv.ParseBool(v)
		if err != nil {
			envErr = errors.Join(envErr, fmt.Errorf("%s %q: want true or false", key, v))
		}
		return b
	}
	fs.StringVar(&c.DataDir, "data-dir", env("SILLAGE_DATA_DIR", "data"), "`folder` of the database and uploaded content (SILLAGE_DATA_DIR)")
	fs.StringVar(&c.DB, "db", getenv("SILLAGE_DB"), "SQLite database `file`, or a postgres:// URL (SILLAGE_DB; default DATA_DIR/sillage.db)")
	if c.CanCreate = sp.Create; sp.Create {
		fs.BoolVar(&c.Create, "create", false, "make a new database when there is none (default: refuse, the server's is probably elsewhere)")
	}
	if sp.BaseURL {
		fs.StringVar(&base, "base-url", getenv("SILLAGE_BASE_URL"), baseURLUsage(sp.Server))
	}
	if sp.Erases {
		fs.StringVar(&checkpoint, "erasure-checkpoint", env("SILLAGE_ERASURE_CHECKPOINT", "truncate"), "how the write-ahead log is emptied after an erasure, a `mode`: truncate, or passive when Litestream replicates the database (SILLAGE_ERASURE_CHECKPOINT)")
	}
	if sp.Server {
		fs.StringVar(&c.Addr, "addr", env("SILLAGE_ADDR", "localhost:8080"), "`address` to listen on (SILLAGE_ADDR)")
		fs.StringVar(&maxUpload, "max-upload-mb", env("SILLAGE_MAX_UPLOAD_MB", "512"), "largest content upload in `MiB` (SILLAGE_MAX_UPLOAD_MB)")
		fs.StringVar(&c.DebugAddr, "debug-addr", getenv("SILLAGE_DEBUG_ADDR"), "local-only `address` for pprof, off when empty (SILLAGE_DEBUG_ADDR)")
		fs.StringVar(&c.MetricsAddr, "metrics-addr", getenv("SILLAGE_METRICS_ADDR"), "`address` for Prometheus' /metrics, such as 127.0.0.1:9090, off when empty; off loopback it needs SILLAGE_METRICS_TOKEN (SILLAGE_METRICS_ADDR)")
		fs.StringVar(&c.LogFormat, "log-format", env("SILLAGE_LOG_FORMAT", "text"), "log lines as text or json, a `format` (SILLAGE_LOG_FORMAT)")
		fs.StringVar(&unlocks, "unlock-limit", env("SILLAGE_UNLOCK_LIMIT", "60"), "`number` of unlocks per client network per window, 0 for none (SILLAGE_UNLOCK_LIMIT)")
		fs.StringVar(&lookups, "lookup-limit", env("SILLAGE_LOOKUP_LIMIT", "30"), "`number` of unknown tokens per client network per window, 0 for none (SILLAGE_LOOKUP_LIMIT)")
		fs.StringVar(&previews, "preview-limit", env("SILLAGE_PREVIEW_LIMIT", "60"), "`number` of preview records per client network per window, 0 for none (SILLAGE_PREVIEW_LIMIT)")
		fs.StringVar(&window, "limit-window", env("SILLAGE_LIMIT_WINDOW", "1m"), "sliding window of the limits, a `duration` (SILLAGE_LIMIT_WINDOW)")
		fs.StringVar(&ipHeader, "client-ip-header", getenv("SILLAGE_CLIENT_IP_HEADER"), "`header` a reverse proxy gives the client address in, such as X-Forwarded-For or X-Real-IP; empty: the connection's address (SILLAGE_CLIENT_IP_HEADER)")
		fs.StringVar(&proxies, "trusted-proxies", env("SILLAGE_TRUSTED_PROXIES", prefixList(web.DefaultTrustedProxies)), "comma-separated `addresses` or CIDR ranges of the proxies whose client-ip-header is believed (SILLAGE_TRUSTED_PROXIES)")
		fs.BoolVar(&trust, "trust-proxy", envBool("SILLAGE_TRUST_PROXY", false), "deprecated: -client-ip-header X-Forwarded-For (SILLAGE_TRUST_PROXY)")
		fs.StringVar(&retention, "retention", env("SILLAGE_RETENTION", "0"), "erase contact data of campaigns ended this long ago, a `duration` such as 2160h; 0 keeps it (SILLAGE_RETENTION)")
		fs.StringVar(&memory, "memory-limit-mb", env("SILLAGE_MEMORY_LIMIT_MB", "256"), "soft memory limit in `MiB`, 0 for none; GOMEMLIMIT wins when set (SILLAGE_MEMORY_LIMIT_MB)")
		fs.StringVar(&maxConns, "max-conns", env("SILLAGE_MAX_CONNS", strconv.Itoa(defaultMaxConns(openFileLimit()))), "most `connections` open at once; more wait to be accepted (SILLAGE_MAX_CONNS)")
		mediaFlags(fs, &c.Media, env, envBool)
		fs.StringVar(&stopWait, "shutdown-timeout", env("SILLAGE_SHUTDOWN_TIMEOUT", "30s"), "how long a shutdown waits for requests in flight before cutting them, a `duration`; the trees are saved either way (SILLAGE_SHUTDOWN_TIMEOUT)")
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
	if envErr != nil {
		return nil, nil, envErr
	}
	if c.DB == "" {
		c.DB = filepath.Join(c.DataDir, "sillage.db")
	}
	if c.Notify, err = parseNotify(getenv); err != nil {
		return nil, nil, err
	}
	if err = c.Media.parse(getenv, sp.Server); err != nil {
		return nil, nil, err
	}
	if base != "" { // else serve derives it from the address it listens on
		if c.BaseURL, err = publicurl.Parse(base); err != nil {
			return nil, nil, err
		}
	}
	if sp.Erases {
		if c.Checkpoint, err = storage.ParseCheckpointMode(checkpoint); err != nil {
			return nil, nil, err
		}
	}
	if !sp.Server {
		return &c, rest, nil
	}
	c.MetricsToken = getenv("SILLAGE_METRICS_TOKEN")
	if c.LogFormat != "text" && c.LogFormat != "json" {
		return nil, nil, fmt.Errorf("log format %q: want text or json", c.LogFormat)
	}
	if err := checkMetricsAddr(c.MetricsAddr, c.MetricsToken); err != nil {
		return nil, nil, err
	}
	if c.Retention, err = time.ParseDuration(retention); err != nil || c.Retention < 0 {
		return nil, nil, fmt.Errorf("retention %q: want a duration such as 2160h (90 days), or 0 to keep contact data", retention)
	}
	n, err := strconv.ParseInt(maxUpload, 10, 64)
	if err != nil || n < 1 || n > 1<<20 {
		return nil, nil, fmt.Errorf("max upload %q: want a number of MiB between 1 and 1048576", maxUpload)
	}
	c.MaxUploadMB = n
	if c.MemoryMB, err = strconv.ParseInt(memory, 10, 64); err != nil || c.MemoryMB < 0 {
		return nil, nil, fmt.Errorf("memory limit %q: want a number of MiB, 0 for none", memory)
	}
	if c.MaxConns, err = strconv.Atoi(maxConns); err != nil || c.MaxConns < 1 {
		return nil, nil, fmt.Errorf("max conns %q: want a number of connections, at least 1", maxConns)
	}
	if c.StopWait, err = time.ParseDuration(stopWait); err != nil || c.StopWait <= 0 {
		return nil, nil, fmt.Errorf("shutdown timeout %q: want a duration such as 30s", stopWait)
	}
	if c.Limits, err = parseLimits(unlocks, lookups, previews, window); err != nil {
		return nil, nil, err
	}
	if trust && ipHeader == "" {
		fmt.Fprintln(stderr, "-trust-proxy is deprecated: use -client-ip-header X-Forwarded-For (see README, Behind a proxy)")
		ipHeader = "X-Forwarded-For"
	}
	if c.Limits.ClientIPHeader, c.Limits.TrustedProxies, err = parseProxy(ipHeader, proxies); err != nil {
		return nil, nil, err
	}
	return &c, rest, nil
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

// parseNotify reads the deliveries' configuration from the environment.
func parseNotify(getenv func(string) string) (notifyConfig, error) {
	n := notifyConfig{
		SMTPURL:             getenv("SILLAGE_SMTP_URL"),
		EmailFrom:           getenv("SILLAGE_EMAIL_FROM"),
		TwilioAccountSID:    getenv("TWILIO_ACCOUNT_SID"),
		TwilioAuthToken:     getenv("TWILIO_AUTH_TOKEN"),
		SMSFrom:             getenv("SILLAGE_TWILIO_SMS_FROM"),
		MessagingServiceSID: getenv("SILLAGE_TWILIO_MESSAGING_SERVICE_SID"),
		WhatsAppFrom:        getenv("SILLAGE_TWILIO_WHATSAPP_FROM"),
		DefaultRegion:       getenv("SILLAGE_DEFAULT_REGION"),
		WorkerID:            getenv("SILLAGE_WORKER_ID"),
		BodyKeyFile:         getenv("SILLAGE_BODY_KEY_FILE"),
	}
	if v := getenv("SILLAGE_BODY_KEY"); v != "" {
		if n.BodyKeyFile != "" {
			return n, errors.New("SILLAGE_BODY_KEY and SILLAGE_BODY_KEY_FILE are both set: set one")
		}
		key, err := notify.ParseBodyKey(v)
		if err != nil {
			return n, fmt.Errorf("SILLAGE_BODY_KEY: %w", err) // never the value: a secret
		}
		n.BodyKey = key
	}
	for _, r := range []struct {
		name string
		dst  *float64
	}{{"SILLAGE_EMAIL_RATE", &n.EmailRate}, {"SILLAGE_TWILIO_RATE", &n.TwilioRate}} {
		v := getenv(r.name)
		if v == "" {
			continue
		}
		f, err := strconv.ParseFloat(v, 64)
		if err != nil || f <= 0 || math.IsInf(f, 0) {
			return n, fmt.Errorf("%s %q: want messages per second, such as 10 or 0.5", r.name, v)
		}
		*r.dst = f
	}
	if r := n.DefaultRegion; r != "" && !twoLetters(r) {
		return n, fmt.Errorf("SILLAGE_DEFAULT_REGION %q: want a two-letter country code such as FR", r)
	}
	return n, nil
}

func twoLetters(s string) bool {
	return len(s) == 2 && strings.IndexFunc(s, func(r rune) bool {
		return (r < 'A' || r > 'Z') && (r < 'a' || r > 'z')
	}) < 0
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

// mediaConfig says where uploaded files live and how large media reaches
// the devices. The bucket's settings come from the environment only
// (SILLAGE_S3_*: the keys are secrets, which flags would show to anyone
// running ps); without them, the data directory's content folder.
type mediaConfig struct {
	S3         campaign.S3Config // Endpoint empty: the data directory
	RedirectMB int64             // media of this many MiB or more is redirected to a signed URL; 0: never
	URLTTL     time.Duration     // how long a signed media URL works
	LocalMedia bool              // PostgreSQL with the data directory's folder, knowingly

	redirectMB, urlTTL string // as given, parsed by parse
}

// mediaFlags adds serve's media flags to fs.
func mediaFlags(fs *flag.FlagSet, m *mediaConfig, env func(key, def string) string, envBool func(string, bool) bool) {
	fs.StringVar(&m.redirectMB, "media-redirect-mb", env("SILLAGE_MEDIA_REDIRECT_MB", "8"), "content files of this many `MiB` or more go to a claimed device as a redirect to a signed URL of the S3 bucket, not through the server; 0 for never (SILLAGE_MEDIA_REDIRECT_MB)")
	fs.StringVar(&m.urlTTL, "media-url-ttl", env("SILLAGE_MEDIA_URL_TTL", "15m"), "how long a signed media URL works, a `duration`; whoever has one can fetch the file until then (SILLAGE_MEDIA_URL_TTL)")
	fs.BoolVar(&m.LocalMedia, "local-media", envBool("SILLAGE_LOCAL_MEDIA", false), "with PostgreSQL, keep uploaded files in the data directory: for one instance, or instances that all see that folder (one machine, a shared file system) (SILLAGE_LOCAL_MEDIA)")
}

// parse reads the bucket's settings from the environment and, for serve,
// the flags mediaFlags added.
func (m *mediaConfig) parse(getenv func(string) string, server bool) error {
	m.S3 = campaign.S3Config{
		Endpoint:  getenv("SILLAGE_S3_ENDPOINT"),
		Bucket:    getenv("SILLAGE_S3_BUCKET"),
		Prefix:    getenv("SILLAGE_S3_PREFIX"),
		Region:    getenv("SILLAGE_S3_REGION"),
		AccessKey: getenv("SILLAGE_S3_ACCESS_KEY"),
		SecretKey: getenv("SILLAGE_S3_SECRET_KEY"),
	}
	for key, dst := range map[string]*bool{"SILLAGE_S3_PATH_STYLE": &m.S3.PathStyle, "SILLAGE_S3_INSECURE": &m.S3.Insecure} {
		if v := getenv(key); v != "" {
			b, err := strconv.ParseBool(v)
			if err != nil {
				return fmt.Errorf("%s %q: want true or false", key, v)
			}
			*dst = b
		}
	}
	switch s3 := m.S3; {
	case s3 == (campaign.S3Config{}):
	case s3.Endpoint == "" || s3.Bucket == "":
		return errors.New("S3 media: set both SILLAGE_S3_ENDPOINT and SILLAGE_S3_BUCKET, or no SILLAGE_S3_ setting for the data directory's folder")
	case (s3.AccessKey == "") != (s3.SecretKey == ""):
		return errors.New("S3 media: set both SILLAGE_S3_ACCESS_KEY and SILLAGE_S3_SECRET_KEY")
	}
	if !server {
		return nil
	}
	mb, err := strconv.ParseInt(m.redirectMB, 10, 64)
	if err != nil || mb < 0 || mb > 1<<20 {
		return fmt.Errorf("media redirect %q: want a number of MiB, 0 for never", m.redirectMB)
	}
	m.RedirectMB = mb
	if m.URLTTL, err = time.ParseDuration(m.urlTTL); err != nil || m.URLTTL < time.Minute || m.URLTTL > 7*24*time.Hour {
		return fmt.Errorf("media URL TTL %q: want a duration between 1m and 168h (S3's longest), such as 15m", m.urlTTL)
	}
	return nil
}
