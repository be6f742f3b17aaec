package main

import (
	"bytes"
	"context"
	"net/http"
	"sync"
	"time"
)

// A baseline is a page of the same server, measured in the same run at
// the same concurrency, that the recipient path's throughput is compared
// with. Two are measured:
//
//   - the plain path (-baseline-path, /healthz by default): the router,
//     the middleware and net/http with a three-byte answer and no
//     template. An upper bound on any page: nothing the server does can be
//     faster.
//   - the teaser: the page a mail scanner's GET of a link gets. It goes
//     through the same middleware, the same token lookup (one indexed read)
//     and the same html/template layout as the unlock and content pages,
//     and writes nothing. A preview agent gets the same page but records a
//     preview (a write), so a scanner's User-Agent is used. It is the
//     "static page served by the same server" the recipient pages can be
//     fairly held to: the difference between the two is the cost of
//     claiming and counting.
type baseline struct {
	Name  string // as the report shows it
	URL   string
	Agent string
	check func(*http.Response, []byte) bool
}

// baselines returns the baselines cfg asks for; teaserToken is any link of
// the campaign.
func baselines(cfg *config, teaserToken string) []baseline {
	var out []baseline
	if cfg.BaselineDuration == 0 {
		return nil
	}
	if cfg.BaselinePath != "" {
		out = append(out, baseline{Name: cfg.BaselinePath, URL: cfg.URL.String() + cfg.BaselinePath, Agent: phoneAgents[0]})
	}
	if cfg.BaselineTeaser {
		out = append(out, baseline{Name: "teaser", URL: cfg.URL.String() + "/s/" + teaserToken, Agent: scannerAgent, check: isTeaser})
	}
	return out
}

// measure fetches b in a closed loop with workers clients for d (or until
// ctx is done) and returns its figures and how long it took.
func (b baseline) measure(ctx context.Context, tr *http.Transport, workers int, d time.Duration) (Figures, time.Duration) {
	client := &http.Client{Transport: tr, CheckRedirect: noRedirect, Timeout: requestTimeout}
	var rec series
	ctx, cancel := context.WithTimeout(ctx, d)
	defer cancel()
	start := time.Now()
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			var buf bytes.Buffer
			for ctx.Err() == nil {
				// Requests are not tied to ctx: one cut short would be an
				// error of the tool, not of the server.
				req, _ := http.NewRequest(http.MethodGet, b.URL, nil)
				req.Header.Set("User-Agent", b.Agent)
				req.Header.Set("Accept", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8")
				exchange(&rec, client, req, http.StatusOK, b.check, &buf)
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	return summarize("baseline "+b.Name, elapsed, &rec), elapsed
}
