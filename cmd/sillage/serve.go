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
	"os"
	"time"

	"github.com/sillage/sillage/campaign"
	"github.com/sillage/sillage/gating"
	"github.com/sillage/sillage/migrations"
	"github.com/sillage/sillage/web"
	"github.com/sillage/sillage/web/auth"
)

// serve wires the server: database, stores, web, then serves until ctx is
// done and shuts down gracefully, finishing requests in flight.
func serve(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	cfg, _, err := parseConfig("serve", args, getenv, stderr, nil)
	if err != nil {
		return err
	}
	log := slog.New(slog.NewTextHandler(stdout, nil))
	db, err := openDB(ctx, cfg)
	if err != nil {
		return err
	}
	defer db.Close()

	campaigns := campaign.NewStore(db, cfg.DataDir, time.Now)
	gate := gating.NewStore(db, time.Now)
	defer gate.Close() // after the HTTP server: its last writes are committed
	campaigns.Watch(gate.Forget)
	keys := auth.NewKeys(db, time.Now)
	if cfg.DebugAddr != "" {
		stopDebug, err := serveDebug(cfg.DebugAddr, log)
		if err != nil {
			return err
		}
		defer stopDebug()
	}
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return err
	}
	defer ln.Close()
	if cfg.BaseURL == nil {
		cfg.BaseURL = listenURL(ln.Addr())
	}
	srv, err := web.New(web.Config{
		BaseURL:   cfg.BaseURL,
		MaxUpload: cfg.MaxUploadMB << 20,
		Limits:    cfg.Limits,
		Logger:    log,
		Now:       time.Now,
	}, campaigns, gate, keys)
	if err != nil {
		return err
	}

	httpSrv := &http.Server{
		Handler:           srv.Handler(),
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	log.Info("sillage listening", "addr", "http://"+ln.Addr().String(), "base_url", cfg.BaseURL.String(), "db", cfg.DB)

	errc := make(chan error, 1)
	go func() { errc <- httpSrv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := httpSrv.Shutdown(shutdownCtx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

func openDB(ctx context.Context, cfg *config) (*migrations.DB, error) {
	if err := os.MkdirAll(cfg.DataDir, 0o750); err != nil {
		return nil, err
	}
	return migrations.Open(ctx, cfg.DB)
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
