package main

import (
	"context"
	"log/slog"
	"time"

	"github.com/sillage/sillage/migrations/storage"
	"github.com/sillage/sillage/web/accounts"
)

// runHousekeeping deletes what has expired, at once and then once per
// every across the instances sharing db, until ctx ends: the dashboard's
// sessions, and the settings rows past their expiry (used mint-form keys,
// setup codes, old job leases). It holds the job lease
// "job:housekeeping" for each pass, and tries six times per every, so
// that another instance takes over soon after the holder dies.
func runHousekeeping(ctx context.Context, db *storage.DB, sessions *accounts.Sessions, now func() time.Time, every time.Duration, log *slog.Logger) {
	owner := storage.InstanceName()
	tick := time.NewTicker(max(every/6, time.Millisecond))
	defer tick.Stop()
	for {
		if _, err := housekeep(ctx, db, sessions, owner, now(), every, log); err != nil && ctx.Err() == nil {
			log.Error("housekeeping", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}

// housekeep runs one pass of runHousekeeping when owner takes the lease
// of the period starting at now, and reports whether it did.
func housekeep(ctx context.Context, db *storage.DB, sessions *accounts.Sessions, owner string, now time.Time, every time.Duration, log *slog.Logger) (bool, error) {
	ok, err := storage.TryJob(ctx, db.Write, "housekeeping", owner, now, every)
	if err != nil || !ok {
		return false, err
	}
	gone, err := sessions.DeleteExpired(ctx)
	if err != nil {
		return true, err
	}
	settings, err := storage.DeleteExpiredSettings(ctx, db.Write, now)
	if err != nil {
		return true, err
	}
	log.Debug("housekeeping: expired rows deleted", "sessions", gone, "settings", settings, "instance", owner)
	return true, nil
}
