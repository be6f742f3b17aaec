package storage

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"time"
)

// Jobs that must run on one instance at a time, when several instances
// share the database (the retention pass, the sweep of content files at
// start), take a lease first: a settings row "job:<name>" whose value is
// the holder and whose expires_at ends its period. Only one instance can
// take a lease that has expired, so a job runs once per period however
// many instances try; a holder that dies simply stops taking it, and the
// first instance to try after the expiry runs the job in its place.

// jobPrefix keys the job leases in the settings table.
const jobPrefix = "job:"

// TryJob takes the lease of job name for owner from now until now+every,
// and reports whether it did: false while another holder's lease (or
// owner's own, from an earlier period) has not expired. The job's period
// is thus at least every; call TryJob more often than every so that it is
// not much more. An expired lease is taken over, whoever held it.
//
// The single statement is the whole test and set: on SQLite the write
// lock serializes it across processes; on PostgreSQL a second inserter
// waits on the row lock, then re-checks the WHERE against the new row and
// changes nothing.
func TryJob(ctx context.Context, q Execer, name, owner string, now time.Time, every time.Duration) (bool, error) {
	if every <= 0 {
		return false, fmt.Errorf("job %s: period %v must be positive", name, every)
	}
	res, err := q.ExecContext(ctx, `INSERT INTO settings (key, value, updated_at, expires_at) VALUES ($1, $2, $3, $4)
		ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at, expires_at = excluded.expires_at
		WHERE settings.expires_at IS NOT NULL AND settings.expires_at <= excluded.updated_at`,
		jobPrefix+name, owner, now.UnixMilli(), now.Add(every).UnixMilli())
	if err != nil {
		return false, fmt.Errorf("job %s: take lease: %w", name, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("job %s: take lease: %w", name, err)
	}
	return n == 1, nil
}

// UseOnce records key as used until expires and reports whether this call
// did (true) or key was in use already (false): of several calls with one
// key, on one instance or several, exactly one gets true until expires.
// A row whose expiry has passed is taken over. ReleaseOnce undoes it.
func UseOnce(ctx context.Context, q Execer, key string, now, expires time.Time) (bool, error) {
	res, err := q.ExecContext(ctx, `INSERT INTO settings (key, value, updated_at, expires_at) VALUES ($1, '', $2, $3)
		ON CONFLICT (key) DO UPDATE SET updated_at = excluded.updated_at, expires_at = excluded.expires_at
		WHERE settings.expires_at IS NOT NULL AND settings.expires_at <= excluded.updated_at`,
		key, now.UnixMilli(), expires.UnixMilli())
	if err != nil {
		return false, fmt.Errorf("use %s: %w", key, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("use %s: %w", key, err)
	}
	return n == 1, nil
}

// ReleaseOnce forgets a key UseOnce recorded, so that it may be used
// again; an unknown key is no error.
func ReleaseOnce(ctx context.Context, q Execer, key string) error {
	if _, err := q.ExecContext(ctx, `DELETE FROM settings WHERE key = $1`, key); err != nil {
		return fmt.Errorf("release %s: %w", key, err)
	}
	return nil
}

// DeleteExpiredSettings removes the settings whose expiry has passed at
// now (used one-time keys, old leases, setup codes), and returns how many.
func DeleteExpiredSettings(ctx context.Context, q Execer, now time.Time) (int64, error) {
	res, err := q.ExecContext(ctx, `DELETE FROM settings WHERE expires_at IS NOT NULL AND expires_at <= $1`, now.UnixMilli())
	if err != nil {
		return 0, fmt.Errorf("delete expired settings: %w", err)
	}
	return res.RowsAffected()
}

// InstanceName names this process in the job leases it takes, for an
// operator who reads the settings table: host, process id, and a random
// part, since one process may hold several stores (tests do). Only the
// database decides who holds a lease; the name is never compared.
func InstanceName() string {
	host, _ := os.Hostname()
	var b [3]byte
	rand.Read(b[:])
	return fmt.Sprintf("%s/%d/%s", host, os.Getpid(), hex.EncodeToString(b[:]))
}
