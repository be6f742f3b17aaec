package notify

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"sync"
	"time"
)

// WorkerConfig tunes a Worker; zero fields take the defaults.
type WorkerConfig struct {
	// ID owns the leases. Give each process a stable one (such as the host
	// name) and a restart takes back at once what a crash left in flight;
	// two live processes must never share one. Default: random per Worker,
	// and a crash's leftovers wait for their lease to expire.
	ID          string
	Concurrency int           // messages sent at once (default 4)
	Batch       int           // messages claimed per round (default 2×Concurrency); Batch / rate must stay well under Lease
	Lease       time.Duration // how long a claimed message stays ours (default 5m, at least 2×SendTimeout)
	SendTimeout time.Duration // one send, connection included (default 30s)
	MaxAttempts int           // sends tried before failing for good (default 8)
	Backoff     time.Duration // wait before the first retry, doubled at each (default 30s)
	MaxBackoff  time.Duration // longest wait between retries (default 6h)
	Poll        time.Duration // wait after an empty round, unless woken (default 1s)

	// Observe, when set, is told the result of every send recorded:
	// the message's channel and SendSent, SendKept, SendRetry or SendFailed. It
	// keeps the outbox free of any metrics library.
	Observe func(channel Channel, result string)
}

// The results of a send, as WorkerConfig.Observe is told them.
const (
	SendSent   = "sent"   // the provider took the message
	SendKept   = "kept"   // the development sender kept it: nothing left the machine
	SendRetry  = "retry"  // a temporary failure: the message is queued again
	SendFailed = "failed" // a permanent failure, or the last attempt
)

// Worker delivers the outbox: it claims due messages under a lease, sends
// them through the senders and records what happened.
type Worker struct {
	store   *Store
	senders *Senders
	cfg     WorkerConfig
	stable  bool // cfg.ID was given: leases it holds at start are a crash's
	wake    chan struct{}
}

// NewWorker returns a worker delivering s's outbox through senders.
func (s *Store) NewWorker(senders *Senders, cfg WorkerConfig) *Worker {
	w := &Worker{store: s, senders: senders, stable: cfg.ID != "", wake: make(chan struct{}, 1)}
	if cfg.ID == "" {
		cfg.ID = "worker-" + newKey()[:10]
	}
	if cfg.Concurrency <= 0 {
		cfg.Concurrency = 4
	}
	if cfg.Batch <= 0 {
		cfg.Batch = 2 * cfg.Concurrency
	}
	if cfg.SendTimeout <= 0 {
		cfg.SendTimeout = 30 * time.Second
	}
	if cfg.Lease <= 0 {
		cfg.Lease = 5 * time.Minute
	}
	// A lease shorter than a send would let a second worker take a message
	// still in flight.
	cfg.Lease = max(cfg.Lease, 2*cfg.SendTimeout)
	if cfg.MaxAttempts <= 0 {
		cfg.MaxAttempts = 8
	}
	if cfg.Backoff <= 0 {
		cfg.Backoff = 30 * time.Second
	}
	if cfg.MaxBackoff <= 0 {
		cfg.MaxBackoff = 6 * time.Hour
	}
	if cfg.Poll <= 0 {
		cfg.Poll = time.Second
	}
	w.cfg = cfg
	return w
}

// Wake makes an idle worker look for messages now, as after a Seed.
func (w *Worker) Wake() {
	select {
	case w.wake <- struct{}{}:
	default:
	}
}

// Run delivers until ctx ends, then returns nil once the sends under way
// are recorded. Messages it had claimed but not started stay leased until
// their lease expires, as after a crash.
func (w *Worker) Run(ctx context.Context) error {
	if w.stable {
		if err := w.reclaim(ctx); err != nil {
			return err
		}
	}
	for {
		n, err := w.RunOnce(ctx)
		if ctx.Err() != nil {
			return nil
		}
		if err != nil {
			w.store.log.ErrorContext(ctx, "outbox worker", "err", err)
		}
		if n > 0 && err == nil {
			continue
		}
		select {
		case <-ctx.Done():
			return nil
		case <-w.wake:
		case <-time.After(w.cfg.Poll):
		}
	}
}

// RunOnce claims one batch of due messages, sends them and records the
// results. It returns how many it claimed.
func (w *Worker) RunOnce(ctx context.Context) (int, error) {
	msgs, err := w.claim(ctx)
	if err != nil || len(msgs) == 0 {
		return 0, err
	}
	key, err := w.store.unsubscribeKey(ctx)
	if err != nil {
		return len(msgs), err
	}
	sem := make(chan struct{}, w.cfg.Concurrency)
	var wg sync.WaitGroup
	defer wg.Wait()
	for _, m := range msgs {
		if m.Channel == Email {
			m.UnsubscribeURL = w.store.unsubscribeURL(key, m.IdempotencyKey)
		}
		select {
		case <-ctx.Done():
			return len(msgs), nil // the rest stay leased, as after a crash
		case sem <- struct{}{}:
		}
		wg.Go(func() {
			defer func() { <-sem }()
			w.process(ctx, m)
		})
	}
	return len(msgs), nil
}

// Drain runs rounds until no message is due: for the CLI and tests.
func (w *Worker) Drain(ctx context.Context) error {
	for {
		n, err := w.RunOnce(ctx)
		if err != nil || n == 0 || ctx.Err() != nil {
			return err
		}
	}
}

// claim leases up to Batch due messages in one statement: queued ones
// whose time has come, and sending ones whose lease expired (a crashed or
// stuck worker's). On PostgreSQL the pick locks its rows and skips those
// another worker is claiming: without SKIP LOCKED, concurrent workers all
// pick the same first ids, wait on one another and come back nearly
// empty. The outer WHERE repeats the test all the same, so that a row
// that stopped being due between the pick and the update is left alone
// (and no reported SKIP LOCKED surprise can lease a row twice). SQLite
// runs the same text without the clause: one writer at a time.
func (w *Worker) claim(ctx context.Context) ([]*Message, error) {
	now := w.store.now()
	// The leases count once committed: an autocommit UPDATE ... RETURNING
	// whose commit fails would hand back rows it never leased.
	tx, err := w.store.db.Write.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("claim messages: %w", err)
	}
	defer tx.Rollback()
	// The placeholders are numbered in the order they first appear, as
	// SQLite binds them.
	rows, err := tx.QueryContext(ctx, `WITH picked AS (
			SELECT id FROM messages
			WHERE (status = 'queued' AND next_attempt_at <= $1) OR (status = 'sending' AND lease_until < $1)
			ORDER BY next_attempt_at, id LIMIT $2`+w.store.db.Dialect.SkipLocked()+`)
		UPDATE messages SET status = 'sending',
			lease_owner = $3, lease_until = $4, attempts = attempts + 1, updated_at = $1
		WHERE id IN (SELECT id FROM picked)
		AND ((status = 'queued' AND next_attempt_at <= $1) OR (status = 'sending' AND lease_until < $1))
		RETURNING id, campaign_id, kind, channel, recipient, language, subject, body_text, body_html,
			content_sid, content_variables, idempotency_key, attempts`,
		millis(now), w.cfg.Batch, w.cfg.ID, millis(now.Add(w.cfg.Lease)))
	if err != nil {
		return nil, fmt.Errorf("claim messages: %w", err)
	}
	defer rows.Close()
	var msgs []*Message
	for rows.Next() {
		m := &Message{Status: Sending}
		if err := rows.Scan(&m.ID, &m.CampaignID, &m.Kind, &m.Channel, &m.To, &m.Language, &m.Subject, &m.Text, &m.HTML,
			&m.ContentSID, &m.ContentVariables, &m.IdempotencyKey, &m.Attempts); err != nil {
			return nil, fmt.Errorf("claim messages: %w", err)
		}
		msgs = append(msgs, m)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("claim messages: %w", err)
	}
	rows.Close()
	if err := tx.Commit(); err != nil {
		return nil, fmt.Errorf("claim messages: %w", err)
	}
	for _, m := range msgs {
		if err := w.store.sealer.openBody(m); err != nil {
			return nil, fmt.Errorf("claim message %d: %w", m.ID, err)
		}
	}
	return msgs, nil
}

// reclaim makes due again the messages this worker's ID leased before a
// restart: with a stable ID, nobody else can be sending them.
func (w *Worker) reclaim(ctx context.Context) error {
	now := millis(w.store.now())
	res, err := w.store.db.Write.ExecContext(ctx, `UPDATE messages SET status = 'queued',
		lease_owner = NULL, lease_until = NULL, next_attempt_at = $1, updated_at = $1
		WHERE status = 'sending' AND lease_owner = $2`, now, w.cfg.ID)
	if err != nil {
		return fmt.Errorf("reclaim messages: %w", err)
	}
	if n, _ := res.RowsAffected(); n > 0 {
		w.store.log.InfoContext(ctx, "outbox: retrying messages a previous run left in flight", "worker", w.cfg.ID, "messages", n)
	}
	return nil
}

// process sends one claimed message and records the outcome.
func (w *Worker) process(ctx context.Context, m *Message) {
	// Once a send starts it finishes and is recorded, even if ctx ends:
	// a send cut off after the provider accepted it would go out twice.
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), w.cfg.SendTimeout+recordTimeout)
	defer cancel()
	switch off, err := suppressed(rctx, w.store.db.Read, m.To); {
	case err != nil:
		w.record(rctx, m, "", err)
		return
	case m.To == "":
		w.record(rctx, m, "", &SendError{Permanent: true, Code: "erased", Err: errors.New("recipient erased")})
		return
	case off:
		w.record(rctx, m, "", &SendError{Permanent: true, Code: "opted-out", Err: errors.New("recipient opted out")})
		return
	case m.Attempts > w.cfg.MaxAttempts:
		w.record(rctx, m, "", &SendError{Permanent: true, Code: "attempts", Err: fmt.Errorf("gave up after %d attempts", w.cfg.MaxAttempts)})
		return
	}
	// Waiting for the rate limit is not sending yet: a stop here leaves the
	// message leased, to go out after its lease.
	if err := w.senders.wait(ctx, m.Channel); err != nil {
		return
	}
	sctx, cancelSend := context.WithTimeout(rctx, w.cfg.SendTimeout)
	id, err := w.senders.send(sctx, m)
	cancelSend()
	w.record(rctx, m, id, err)
}

// recordTimeout bounds the write that records a send, after the send.
const recordTimeout = 30 * time.Second

// record stores the outcome of a send, if this worker still holds the
// lease.
func (w *Worker) record(ctx context.Context, m *Message, providerID string, sendErr error) {
	now := w.store.now()
	var se *SendError
	errors.As(sendErr, &se)
	tx, err := w.store.db.Write.BeginTx(ctx, nil)
	if err != nil {
		w.store.log.ErrorContext(ctx, "outbox: record send", "id", m.ID, "err", err)
		return
	}
	defer tx.Rollback()
	const mine = ` WHERE id = $5 AND lease_owner = $6 AND status = 'sending'`
	// A final message's body carries a live personal link it no longer
	// needs: a database dump must not hand it out. The development
	// sender's messages keep theirs, for `sillage outbox`.
	// Those messages never left the machine: they are kept, not sent.
	scrub, sent := scrubBodies, Sent
	if sendErr == nil && !w.senders.Real(m.Channel) {
		scrub, sent = "", Kept
	}
	var q, result string
	var args []any
	switch {
	case sendErr == nil:
		result = SendSent
		if sent == Kept {
			result = SendKept
		}
		q = `UPDATE messages SET status = $1, ` + scrub + `provider_id = $2, sent_at = $3, updated_at = $3, last_error = $4,
			lease_owner = NULL, lease_until = NULL, next_attempt_at = $3` + mine
		args = []any{sent, providerID, millis(now), ""}
	case Permanent(sendErr) || m.Attempts >= w.cfg.MaxAttempts:
		result = SendFailed
		q = `UPDATE messages SET status = 'failed', ` + scrub + `provider_id = NULL, updated_at = $1, last_error = $2,
			lease_owner = NULL, lease_until = $3, next_attempt_at = $4` + mine
		args = []any{millis(now), truncate(sendErr.Error(), 1000), nil, millis(now)}
	default:
		result = SendRetry
		next := now.Add(w.backoff(m.Attempts))
		q = `UPDATE messages SET status = 'queued', provider_id = NULL, updated_at = $1, last_error = $2,
			lease_owner = NULL, lease_until = $3, next_attempt_at = $4` + mine
		args = []any{millis(now), truncate(sendErr.Error(), 1000), nil, millis(next)}
	}
	res, err := tx.ExecContext(ctx, q, append(args, m.ID, w.cfg.ID)...)
	if err != nil {
		w.store.log.ErrorContext(ctx, "outbox: record send", "id", m.ID, "err", err)
		return
	}
	if n, _ := res.RowsAffected(); n == 0 {
		// The lease expired mid-send and another worker took the message:
		// what it records stands.
		w.store.log.WarnContext(ctx, "outbox: lease lost during send", "id", m.ID, "worker", w.cfg.ID)
		return
	}
	if se != nil && se.OptedOut {
		if err := suppressTx(ctx, tx, m.To, m.Channel, "provider "+se.Code+": recipient opted out", millis(now)); err != nil {
			w.store.log.ErrorContext(ctx, "outbox: suppress", "id", m.ID, "err", err)
			return
		}
	}
	if err := tx.Commit(); err != nil {
		w.store.log.ErrorContext(ctx, "outbox: record send", "id", m.ID, "err", err)
		return
	}
	if w.cfg.Observe != nil {
		w.cfg.Observe(m.Channel, result)
	}
}

// scrubBodies blanks the parts of a message that hold its personal link;
// subject, status, times and provider id stay.
const scrubBodies = `body_text = '', body_html = '', content_variables = '', `

// backoff is the wait before the next try after attempt n (1-based): the
// base doubled n-1 times, capped, plus up to half again of random jitter so
// retries of a failed batch spread out.
func (w *Worker) backoff(n int) time.Duration {
	d := w.cfg.MaxBackoff
	if n-1 < 40 {
		d = min(w.cfg.Backoff<<(n-1), w.cfg.MaxBackoff)
	}
	return d + rand.N(d/2+1)
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return strings.ToValidUTF8(s[:n], "")
}
