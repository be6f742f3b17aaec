package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"runtime/debug"
	"sync"
	"time"

	"golang.org/x/net/netutil"

	"github.com/sillage/sillage/campaign"
	"github.com/sillage/sillage/gating"
	"github.com/sillage/sillage/gating/publicurl"
	"github.com/sillage/sillage/migrations/storage"
	"github.com/sillage/sillage/notify"
	"github.com/sillage/sillage/web"
	"github.com/sillage/sillage/web/accounts"
	"github.com/sillage/sillage/web/metrics"
)

var serveSpec = spec{Usage: "serve", Server: true, BaseURL: true, Erases: true}

// serve wires the server: database, stores, web, then serves until ctx is
// done and shuts down gracefully, finishing requests in flight. Its
// deferred steps undo the wiring in reverse: jobs, metrics, listener,
// writer, database.
func serve(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	cfg, err := serveConfig(args, getenv, stdout, stderr)
	if err != nil {
		return err
	}
	log := newLogger(cfg.LogFormat, stdout)
	limitMemory(cfg, getenv)
	cfg.Create = true // the server makes its database on its first start
	db, err := openDB(ctx, cfg)
	if err != nil {
		return err
	}
	defer db.Close()
	campaigns, media, err := openContent(ctx, cfg, db, log)
	if err != nil {
		return err
	}
	gate := gating.NewStore(db, time.Now)
	defer gate.Close() // after the HTTP server: its last writes are committed
	campaigns.Watch(gate.Forget)
	if cfg.DebugAddr != "" {
		stopDebug, err := serveDebug(cfg.DebugAddr, log)
		if err != nil {
			return err
		}
		defer stopDebug()
	}
	ln, err := listen(ctx, cfg, db)
	if err != nil {
		return err
	}
	defer ln.Close()
	deliveries, err := newNotifyStore(ctx, db, cfg, log)
	if err != nil {
		return err
	}
	senders, err := newSenders(cfg, log)
	if err != nil {
		return err
	}
	m, stopMetrics, err := startMetrics(cfg, db, campaigns, gate, deliveries, log)
	if err != nil {
		return err
	}
	defer stopMetrics()
	users := accounts.NewUsers(db, time.Now, accounts.DefaultCost)
	sessions := accounts.NewSessions(db, time.Now)
	worker := deliveries.NewWorker(senders, notify.WorkerConfig{ID: cfg.Notify.WorkerID, Observe: m.ObserveSend})
	srv, err := web.New(web.Config{
		BaseURL:         cfg.BaseURL,
		MaxUpload:       cfg.MaxUploadMB << 20,
		Limits:          cfg.Limits,
		Logger:          log,
		Now:             time.Now,
		TwilioAuthToken: cfg.Notify.TwilioAuthToken,
		WakeOutbox:      worker.Wake,
		Ready:           db.Ready,
		Users:           users,
		Sessions:        sessions,
		MintKeys:        accounts.NewMintKeys(db, time.Now),
		Requests:        m,
		Salts:           deliveries.NetworkSalt,
		Alerts:          storage.NewSecurityCounters(db),
		Media:           media,
	}, campaigns, gate, accounts.NewKeys(db, time.Now), deliveries)
	if err != nil {
		return err
	}
	stopJobs := startJobs(ctx, cfg, db, gate, deliveries, sessions, worker, srv, log)
	defer stopJobs()
	logSettings(cfg, senders, log)
	if err := logSetupCode(ctx, cfg, users, log); err != nil {
		return err
	}
	log.Info("sillage listening", "addr", "http://"+ln.Addr().String(), "base_url", cfg.BaseURL.String(), "db", db.Target, "max_conns", cfg.MaxConns)
	return serveHTTP(ctx, cfg, ln, srv.Handler(), gate, log)
}

// serveConfig reads serve's configuration and refuses the ones that
// would half work.
func serveConfig(args []string, getenv func(string) string, stdout, stderr io.Writer) (*config, error) {
	cfg, rest, err := parseConfig(serveSpec, args, getenv, stdout, stderr)
	if err != nil {
		return nil, err
	}
	if len(rest) > 0 { // such as "-trust-proxy false", now a boolean flag: "-trust-proxy=false"
		return nil, fmt.Errorf("serve takes no arguments, got %q", rest)
	}
	if storage.DialectOf(cfg.DB) == storage.Postgres && cfg.Media.S3.Endpoint == "" && !cfg.Media.LocalMedia {
		// Refused rather than half working: a second instance would
		// find none of the files the first took.
		return nil, errors.New("a PostgreSQL store is for several instances, and they cannot share the data directory's content folder " +
			"unless they all see that same folder: set SILLAGE_S3_ENDPOINT and SILLAGE_S3_BUCKET (README, Several instances), " +
			"or pass -local-media to keep uploaded files in the data directory (one instance, or instances on one machine or a shared file system)")
	}
	return cfg, nil
}

// limitMemory sets the heap's soft limit to cfg.MemoryMB. The in-memory
// trees are most of the heap; without a limit the GC lets the heap double
// before collecting. GOMEMLIMIT, if set, wins.
func limitMemory(cfg *config, getenv func(string) string) {
	if cfg.MemoryMB > 0 && getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(cfg.MemoryMB << 20)
	}
}

// openContent opens the campaign store and its media, and sweeps the
// content files.
func openContent(ctx context.Context, cfg *config, db *storage.DB, log *slog.Logger) (*campaign.Store, web.MediaRedirect, error) {
	campaigns := campaign.NewStore(db, cfg.DataDir, time.Now)
	campaigns.SetLogger(log)
	media, err := mediaStore(ctx, cfg.Media, campaigns, log)
	if err != nil {
		return nil, media, err
	}
	// Before serving: paths of earlier versions made relative to the data
	// directory, uploads cut short by a crash a day ago or more removed.
	// Of several instances on one database, the first to start in an hour
	// sweeps (campaign.SweepOnce).
	if swept, err := campaigns.SweepOnce(ctx, storage.InstanceName()); err != nil {
		return nil, media, err
	} else if !swept {
		log.Info("content files: swept by another instance, or at a start less than an hour ago")
	}
	return campaigns, media, nil
}

// listen opens the server's listener, sets cfg.BaseURL from it when none
// was given, and records that address in the database.
func listen(ctx context.Context, cfg *config, db *storage.DB) (net.Listener, error) {
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return nil, err
	}
	// Past MaxConns, a connection waits in the kernel's queue until one
	// closes: the server never runs out of files for its database.
	ln = netutil.LimitListener(ln, cfg.MaxConns)
	if cfg.BaseURL == nil {
		cfg.BaseURL = publicurl.Listen(ln.Addr())
	}
	// sillage send, run beside the server, mints links on this address.
	if err := publicurl.Record(ctx, db, cfg.BaseURL, time.Now()); err != nil {
		ln.Close()
		return nil, err
	}
	return ln, nil
}

// startMetrics serves the metrics on cfg.MetricsAddr, when set, and has
// the writer report its batches to them. With no address, m is nil: its
// hooks observe nothing.
func startMetrics(cfg *config, db *storage.DB, campaigns *campaign.Store, gate *gating.Store, deliveries *notify.Store, log *slog.Logger) (m *metrics.Metrics, stop func(), err error) {
	if cfg.MetricsAddr == "" {
		return nil, func() {}, nil
	}
	m = metrics.New(metrics.Sources{Counters: campaigns.AllCounters, Backlog: deliveries.Backlog, Trees: gate.TreeStats, DB: db})
	gate.ObserveBatches(m.ObserveBatch)
	stop, err = serveMetrics(cfg.MetricsAddr, cfg.MetricsToken, m, log)
	if err != nil {
		return nil, nil, err
	}
	return m, stop, nil
}

// startJobs runs what works beside the HTTP server, and returns the stop
// that ends them and waits for them: called after the server stopped, so
// that a send under way finishes and is recorded.
func startJobs(ctx context.Context, cfg *config, db *storage.DB, gate *gating.Store, deliveries *notify.Store, sessions *accounts.Sessions, worker *notify.Worker, srv *web.Server, log *slog.Logger) (stop func()) {
	// The outbox worker runs on every instance, sharing the outbox by
	// leases; the retention and housekeeping passes, under job leases, on
	// one instance per hour.
	background, stopBackground := context.WithCancel(context.Background())
	var jobs sync.WaitGroup
	jobs.Go(func() {
		if err := worker.Run(background); err != nil {
			log.Error("outbox worker", "err", err)
		}
	})
	// The security alert counters (guessing bursts, refused unlocks) are
	// counted in this process's memory, where the limits are, and added
	// every 30 s to the security_counters table, which every instance on
	// the database adds to and /alerts sums: in memory alone, each instance
	// would report only its own share, and a restart would zero it. The
	// last flush runs once background ends, after the HTTP server stopped
	// counting, and before the database closes.
	jobs.Go(func() { srv.RunAlertFlush(background, web.AlertFlushEvery) })
	jobs.Go(func() { deliveries.RunRetention(background, cfg.Retention, time.Hour) })
	jobs.Go(func() { deliveries.ForgetNetworkSalts(background, time.Hour) })
	jobs.Go(func() { runHousekeeping(background, db, sessions, time.Now, time.Hour, log) })
	// The trees that were in memory when the server last stopped are read
	// back from their snapshots while it starts answering. It stops with
	// the server, whether on a signal or on an error.
	warm, stopWarm := context.WithCancel(ctx)
	jobs.Go(func() {
		start := time.Now()
		if err := gate.WarmTrees(warm); err != nil {
			if warm.Err() == nil {
				log.Warn("read back trees", "err", err)
			}
			return
		}
		log.Info("trees read back", "took", time.Since(start).Round(time.Millisecond))
	})
	return func() {
		stopWarm()
		stopBackground()
		jobs.Wait()
		log.Info("outbox worker stopped")
	}
}

// logSettings says which senders, checkpoints and retention the server
// runs with.
func logSettings(cfg *config, senders *notify.Senders, log *slog.Logger) {
	log.Info("senders", "channels", senders.Describe())
	if cfg.Checkpoint == storage.CheckpointPassive {
		log.Info("erasures: passive checkpoints; the write-ahead log is left to Litestream, and erased data to its retention")
	}
	if cfg.Retention > 0 {
		log.Info("retention", "erase_contact_data_after", cfg.Retention.String())
	}
}

// logSetupCode logs the setup code while no account exists. Whoever opens
// /setup first would own the dashboard: the page wants this code, which
// only someone who reads this log has.
func logSetupCode(ctx context.Context, cfg *config, users *accounts.Users, log *slog.Logger) error {
	code, err := users.NewSetupCode(ctx)
	if err != nil || code == "" {
		return err
	}
	log.Info("setup code: no account yet; open the setup page and type this code to create the first one",
		"setup_code", code, "setup_url", publicurl.Join(cfg.BaseURL.String(), "/setup"), "valid_for", accounts.SetupCodeLifetime.String())
	return nil
}

// serveHTTP serves h on ln until ctx is done or the server fails; then it
// shuts down, waiting up to cfg.StopWait for the requests in flight, and
// saves the trees in memory.
func serveHTTP(ctx context.Context, cfg *config, ln net.Listener, h http.Handler, gate *gating.Store, log *slog.Logger) error {
	httpSrv := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	errc := make(chan error, 1)
	go func() { errc <- httpSrv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), cfg.StopWait)
	defer cancel()
	if err := httpSrv.Shutdown(shutdownCtx); err != nil {
		// A slow download still running must not cost the snapshots:
		// it is cut, and the trees saved all the same.
		log.Warn("shutdown: cutting the requests still running", "err", err)
		httpSrv.Close()
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	// The trees in memory hold every claim, and the next start reads them
	// back in a blink.
	saveCtx, cancelSave := context.WithTimeout(context.Background(), time.Minute)
	defer cancelSave()
	if err := gate.SaveTrees(saveCtx); err != nil {
		log.Warn("save trees", "err", err)
	}
	return nil
}

// mediaStore points campaigns at the bucket of m, when there is one, and
// returns the web side's redirect settings: none for the data directory,
// which signs no URL.
func mediaStore(ctx context.Context, m mediaConfig, campaigns *campaign.Store, log *slog.Logger) (web.MediaRedirect, error) {
	if m.S3.Endpoint == "" {
		log.Info("media: in the data directory")
		return web.MediaRedirect{}, nil
	}
	files, err := campaign.NewS3Files(m.S3)
	if err != nil {
		return web.MediaRedirect{}, err
	}
	campaigns.SetFiles(files)
	redirect := web.MediaRedirect{MinBytes: m.RedirectMB << 20, TTL: m.URLTTL}
	if redirect.MinBytes > 0 {
		if redirect.Origin, err = campaign.SignedOrigin(ctx, files); err != nil {
			return web.MediaRedirect{}, fmt.Errorf("S3 media: sign a URL: %w", err)
		}
	}
	log.Info("media: in an S3 bucket", "endpoint", m.S3.Endpoint, "bucket", m.S3.Bucket, "prefix", m.S3.Prefix,
		"redirect_from_mb", m.RedirectMB, "url_ttl", m.URLTTL.String())
	return redirect, nil
}

// serveDebug exposes pprof on its own address, which must be a loopback
// one: profiles must never be public.
func serveDebug(addr string, log *slog.Logger) (stop func(), err error) {
	host, _, err := net.SplitHostPort(addr)
	if ip := net.ParseIP(host); err != nil || ip == nil || !ip.IsLoopback() {
		return nil, fmt.Errorf("debug address %q: must be a loopback IP and port, such as 127.0.0.1:6060", addr)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, err
	}
	s := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go s.Serve(ln)
	log.Info("pprof listening", "addr", "http://"+ln.Addr().String()+"/debug/pprof/")
	return func() { s.Close() }, nil
}
