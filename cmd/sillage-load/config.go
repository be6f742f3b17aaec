package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"net/url"
	"strings"
	"time"
)

// config is the run as the flags describe it, parsed once.
type config struct {
	URL         *url.URL     // the first server's base address: the API's
	URLs        []*url.URL   // every instance, in -url order
	Kill        *killSpec    // -kill, nil for none
	killFunc    func() error // kills Kill's instance instead of SIGKILL (tests)
	Key         string       // API key
	Seeds       int          // seed links to mint
	P           float64      // probability a person forwards
	K           int          // friends per forwarder
	Depth       int          // deepest generation simulated (seed people are 1); 0: no limit
	Preview     float64      // share of link fetches preceded by a preview agent's GET
	Concurrency int          // people in flight (closed loop), or their cap with Rate
	Rate        float64      // arrivals per second (open loop); 0: closed loop
	Duration    time.Duration
	People      int    // people to simulate at most; 0: no bound
	Seed        uint64 // seed of every random choice

	PathDuration time.Duration // length of the recipient-path-only phase; 0 for none

	BaselinePath     string        // plain path measured as a baseline; "" for none
	BaselineTeaser   bool          // also measure the scanner's teaser page
	BaselineDuration time.Duration // length of each baseline phase

	CheckTree bool // fetch the tree and compare its shape
	PID       int  // the server's process, for its memory; 0: not measured
	JSON      bool // machine-readable report
	Progress  time.Duration
}

// usageError is a problem with the command line: exit status 2.
type usageError struct{ err error }

func (e *usageError) Error() string { return e.err.Error() }
func (e *usageError) Unwrap() error { return e.err }

func usagef(format string, args ...any) error {
	return &usageError{fmt.Errorf(format, args...)}
}

// Limits of the campaign rules the simulation must stay within.
const (
	maxForwardsPerClaim = 1000
	maxCampaignDepth    = 100000
)

// parseConfig reads args, with the API key from SILLAGE_API_KEY when -key
// is absent. It returns a *usageError for anything wrong, or
// flag.ErrHelp.
func parseConfig(args []string, getenv func(string) string, stderr io.Writer) (*config, error) {
	fs := flag.NewFlagSet("sillage-load", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var c config
	bases := urlList{urls: []string{"http://localhost:8080"}}
	fs.Var(&bases, "url", "base `address` of the running server; several instances comma-separated or the flag repeated: each recipient request goes to the next live one in turn, as a load balancer without stickiness does")
	var kill string
	fs.StringVar(&kill, "kill", "", "kill instance i of -url (1-based), process pid, with SIGKILL that long into the main phase (`i:pid@duration`); its requests in flight then are allowed for in the check, and it rejoins when its /readyz answers 200 again")
	c.flags(fs)
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil, err
		}
		return nil, &usageError{err}
	}
	if fs.NArg() > 0 {
		return nil, usagef("unexpected arguments %q", fs.Args())
	}
	if err := c.setInstances(bases.urls, kill); err != nil {
		return nil, err
	}
	if c.Key == "" {
		c.Key = getenv("SILLAGE_API_KEY")
	}
	if err := c.validate(); err != nil {
		return nil, err
	}
	return &c, nil
}

// flags defines the flags of the simulation, the phases and the report
// on fs, each writing to its field of c.
func (c *config) flags(fs *flag.FlagSet) {
	// Not the flag's default: -h would print the key.
	fs.StringVar(&c.Key, "key", "", "API key (or set SILLAGE_API_KEY)")
	fs.IntVar(&c.Seeds, "seeds", 10000, "seed links to mint; when the forwards run dry the next seed starts")
	fs.Float64Var(&c.P, "p", 0.3, "probability that a person forwards")
	fs.IntVar(&c.K, "k", 3, "friends each forwarder sends a link to")
	fs.IntVar(&c.Depth, "depth", 10, "deepest generation (seed recipients are 1); 0 for no limit")
	fs.Float64Var(&c.Preview, "preview", 0.3, "share of link fetches preceded by a chat app's preview GET")
	fs.IntVar(&c.Concurrency, "concurrency", 64, "simulated people in flight; with -rate, the most in flight")
	fs.Float64Var(&c.Rate, "rate", 0, "arrivals per second (open loop) instead of a fixed concurrency")
	fs.DurationVar(&c.Duration, "duration", 30*time.Second, "length of the main phase; 0 for no time bound")
	fs.IntVar(&c.People, "people", 0, "people to simulate at most; 0 for no bound")
	fs.Uint64Var(&c.Seed, "seed", 1, "seed of the random choices: the same seed makes the same people")
	fs.DurationVar(&c.PathDuration, "path-duration", 10*time.Second, "length of the phase measuring the recipient path alone (link GET, unlock, content page) on fresh seed links; 0 for none")
	fs.StringVar(&c.BaselinePath, "baseline-path", "/healthz", `plain path measured as a baseline ("" for none)`)
	fs.BoolVar(&c.BaselineTeaser, "baseline-teaser", true, "also measure the teaser page a mail scanner gets (a page, no write)")
	fs.DurationVar(&c.BaselineDuration, "baseline-duration", 10*time.Second, "length of each baseline phase; 0 for none")
	fs.BoolVar(&c.CheckTree, "check-tree", true, "fetch the forward tree and compare its shape with the simulation")
	fs.IntVar(&c.PID, "pid", 0, "the server's process id, to read its memory from /proc (same machine)")
	fs.BoolVar(&c.JSON, "json", false, "print the report as JSON")
	fs.DurationVar(&c.Progress, "progress", 5*time.Second, "interval of progress lines on stderr; 0 for none")
}

// setInstances reads the -url addresses and the -kill of one of them.
func (c *config) setInstances(bases []string, kill string) error {
	if len(bases) == 0 {
		return usagef("-url: no address")
	}
	for _, base := range bases {
		u, err := url.Parse(strings.TrimSuffix(base, "/"))
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || (u.Path != "" && u.Path != "/") {
			return usagef("-url %q: want http(s)://host[:port]", base)
		}
		c.URLs = append(c.URLs, u)
	}
	c.URL = c.URLs[0]
	if kill != "" {
		k, err := parseKill(kill, len(c.URLs))
		if err != nil {
			return err
		}
		c.Kill = k
	}
	return nil
}

// validate returns a *usageError for the first value out of its range.
func (c *config) validate() error {
	switch {
	case c.Key == "":
		return usagef("no API key: give -key or set SILLAGE_API_KEY")
	case c.Seeds < 1:
		return usagef("-seeds %d: want at least 1", c.Seeds)
	case !(c.P >= 0 && c.P <= 1):
		return usagef("-p %v: want a probability between 0 and 1", c.P)
	case c.K < 0 || c.K > maxForwardsPerClaim:
		return usagef("-k %d: want 0 to %d", c.K, maxForwardsPerClaim)
	case c.Depth < 0 || c.Depth > maxCampaignDepth:
		return usagef("-depth %d: want 0 (no limit) to %d", c.Depth, maxCampaignDepth)
	case !(c.Preview >= 0 && c.Preview <= 1):
		return usagef("-preview %v: want a share between 0 and 1", c.Preview)
	case c.Concurrency < 1 || c.Concurrency > 100000:
		return usagef("-concurrency %d: want 1 to 100000", c.Concurrency)
	case c.Rate < 0 || c.Rate > 1e6:
		return usagef("-rate %v: want 0 (fixed concurrency) to 1000000", c.Rate)
	case c.Duration < 0 || c.People < 0:
		return usagef("-duration and -people must not be negative")
	case c.Duration == 0 && c.People == 0:
		return usagef("give -duration or -people: the run must stop by itself")
	case c.BaselineDuration < 0 || c.PathDuration < 0 || c.Progress < 0:
		return usagef("-baseline-duration, -path-duration and -progress must not be negative")
	case c.BaselinePath != "" && !strings.HasPrefix(c.BaselinePath, "/"):
		return usagef("-baseline-path %q: want a path such as /healthz", c.BaselinePath)
	case c.PID < 0:
		return usagef("-pid %d: want a process id", c.PID)
	}
	return nil
}

// mode describes the load shape for the report.
func (c *config) mode() string {
	if c.Rate > 0 {
		return fmt.Sprintf("rate %g/s (at most %d in flight)", c.Rate, c.Concurrency)
	}
	return fmt.Sprintf("concurrency %d", c.Concurrency)
}
