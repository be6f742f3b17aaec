package storage

import (
	"context"
	"fmt"
	"net/url"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"

	"github.com/sillage/sillage/migrations"
)

// postgresConns is the size of the one pool a PostgreSQL store uses: three
// instances take 48 of the server's default 100 connections.
const postgresConns = 16

// idleInTransaction is how long PostgreSQL keeps a session that sits in a
// transaction without a statement: a client that died between two
// statements frees its row locks after it.
const idleInTransaction = "15s"

// openPostgres opens the PostgreSQL database that the URL target names
// through pgx, as one pool behind both Write and Read, and migrates it.
// The URL carries what pgx reads (host, sslmode, runtime parameters); a
// PgBouncer in transaction mode needs default_query_exec_mode=exec in it.
func openPostgres(ctx context.Context, target string) (*DB, error) {
	shown := redact(target)
	cfg, err := pgx.ParseConfig(target)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", shown, err)
	}
	if _, ok := cfg.RuntimeParams["idle_in_transaction_session_timeout"]; !ok {
		cfg.RuntimeParams["idle_in_transaction_session_timeout"] = idleInTransaction
	}
	if _, ok := cfg.RuntimeParams["application_name"]; !ok {
		cfg.RuntimeParams["application_name"] = "sillage"
	}
	pool := stdlib.OpenDB(*cfg)
	pool.SetMaxOpenConns(postgresConns)
	pool.SetMaxIdleConns(postgresConns)
	if err := pool.PingContext(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("open %s: %w", shown, err)
	}
	if err := migrations.Up(ctx, Postgres.String(), pool); err != nil {
		pool.Close()
		return nil, err
	}
	return &DB{Write: pool, Read: pool, Dialect: Postgres, Target: shown}, nil
}

// redact returns the URL target without its password, for logs and
// errors.
func redact(target string) string {
	u, err := url.Parse(target)
	if err != nil {
		return "a postgres URL that does not parse"
	}
	if _, has := u.User.Password(); has {
		u.User = url.User(u.User.Username())
	}
	q := u.Query()
	if q.Has("password") {
		q.Del("password")
		u.RawQuery = q.Encode()
	}
	return u.String()
}
