// Command sillage-load drives a running Sillage over HTTP the way a viral
// launch does, then checks that the server's figures are exactly right.
//
// It creates a campaign through the JSON API, uploads a small video, goes
// live and mints seed links. Then it simulates recipients as a branching
// process: each person is a separate phone (its own cookie jar) that may
// first be previewed by a chat app, fetches its link, unlocks it, fetches
// the content page and the first range of the video, and with probability
// p forwards it to k friends, each of whom becomes a new person one level
// deeper, up to a depth limit. It runs at a fixed concurrency or a fixed
// arrival rate, for a bounded time or number of people, and stops by
// itself.
//
// The run has phases, all at the same concurrency:
//
//  1. the launch (-duration, -people): the branching process above, with
//     previews, media and forwards;
//  2. the recipient path alone (-path-duration): fresh devices on fresh
//     seed links doing only the link GET, the unlock and the content GET,
//     the figure issue 7's target is about;
//  3. the baselines (-baseline-duration each): a plain path (-baseline-path,
//     /healthz by default) and the teaser page a mail scanner's GET gets,
//     which renders through the same templates as every recipient page
//     but writes nothing (see baseline.go for why it is the fair one).
//
// It reports, per endpoint and phase, requests per second, p50, p95, p99
// and max latency and errors by status; the ratios of the recipient path's
// throughput to the baselines; the CPU the tool, the server (with -pid)
// and anything else on the machine took in each phase; and the server's
// memory (with -pid). Last it compares the API's stats and forward tree
// with what the simulation did: any difference is a failure.
//
// Several instances (-url A,B,C, or -url repeated) share the load: each
// recipient request goes to the next live one in turn, as a load balancer
// without stickiness does, the device's cookie going along. -kill
// i:pid@duration sends SIGKILL to instance i at that moment: it leaves the
// rotation, the requests in flight to it are reported and allowed for
// (each figure within [simulated, simulated + those of its kind]), and it
// returns when its /readyz answers 200 again. The report gives each
// instance's requests, errors and latencies, and the check runs on every
// live instance. See instances.go.
//
// Usage:
//
//	sillage-load -key KEY [-url http://localhost:8080[,URL...]] [-kill i:pid@duration] [-seeds 10000]
//	    [-p 0.3] [-k 3] [-depth 10] [-preview 0.3]
//	    [-concurrency 64 | -rate R] [-duration 30s] [-people N]
//	    [-path-duration 10s] [-baseline-path /healthz] [-baseline-teaser]
//	    [-baseline-duration 10s] [-seed 1] [-pid PID] [-json]
//
// Exit status: 0 when every request succeeded and every figure matched, 1
// on a correctness failure or any error, 2 on a usage error.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	go func() {
		// The first signal stops the run gracefully (people in flight
		// finish, the figures are still checked); restoring the default
		// handler lets a second one kill the tool.
		<-ctx.Done()
		stop()
	}()
	err := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr)
	os.Exit(exitCode(err, os.Stderr))
}

// exitCode prints err, if it deserves it, and returns the process status:
// 0 for success or -h, 2 for a usage error, 1 for anything else.
func exitCode(err error, stderr io.Writer) int {
	var usage *usageError
	switch {
	case err == nil, errors.Is(err, flag.ErrHelp):
		return 0
	case errors.As(err, &usage):
		fmt.Fprintln(stderr, "sillage-load:", err)
		return 2
	case errors.Is(err, errFailed):
		return 1 // the report already says why
	default:
		fmt.Fprintln(stderr, "sillage-load:", err)
		return 1
	}
}

// errFailed is returned by run after printing a report with errors or a
// correctness mismatch in it.
var errFailed = errors.New("load run failed: see the report")

// run is the whole program with its outside world passed in: it parses
// args, sets the campaign up, runs the simulation and the baseline, checks
// the figures and writes the report to stdout. ctx being cancelled stops
// the simulation gracefully. It returns a *usageError for bad flags,
// errFailed when the report shows errors or mismatches, or the error that
// stopped the run.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	cfg, err := parseConfig(args, getenv, stderr)
	if err != nil {
		return err
	}
	rep, err := load(ctx, cfg, stderr)
	if err != nil {
		return err
	}
	if cfg.JSON {
		err = rep.writeJSON(stdout)
	} else {
		err = rep.writeText(stdout)
	}
	if err != nil {
		return err
	}
	if !rep.OK {
		return errFailed
	}
	return nil
}
