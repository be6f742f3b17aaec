package gating

import (
	"context"
	"database/sql"
	"errors"
	"math/rand/v2"
	"sync"
	"time"

	"github.com/sillage/sillage/migrations/storage"
)

// maxBatch bounds how many writes share one commit.
const maxBatch = 128

// writer runs the recipient's way's writes (unlocks, forwards, previews)
// several to a commit. A commit costs about as much as the writes it
// carries, so while one batch commits the next one gathers whatever
// arrived meanwhile: no timer, no added latency when the server is idle.
// Each write runs in its own savepoint, so a failing one takes nothing of
// the others with it.
type writer struct {
	db    *sql.DB
	start sync.Once
	// mu is held for reading while a write queues its job and by Close
	// for writing, so no job is sent on a closed channel.
	mu     sync.RWMutex
	closed bool
	jobs   chan *job
	done   chan struct{}
	// observe, when set, is told what each commit did (ObserveBatches).
	observe func(Batch)
	// inflight counts PostgreSQL's writes, each in its own transaction,
	// which Close waits for.
	inflight sync.WaitGroup
}

type job struct {
	ctx    context.Context
	fn     func(*sql.Tx) error
	errc   chan error
	queued time.Time
}

// keep marks an error whose writes must still be committed (a refusal is
// recorded, then reported).
type keep struct{ err error }

func (k keep) Error() string { return k.err.Error() }
func (k keep) Unwrap() error { return k.err }

// write runs fn inside a shared transaction and returns its error once the
// transaction is committed (or fn's writes were rolled back). It returns
// ErrClosed, running nothing, once the store is closed. On PostgreSQL fn
// runs in a transaction of its own: see writeAlone.
func (s *Store) write(ctx context.Context, fn func(*sql.Tx) error) error {
	if s.db.Dialect == storage.Postgres {
		return s.writeAlone(ctx, fn)
	}
	w := &s.writer
	j := &job{ctx: ctx, fn: fn, errc: make(chan error, 1), queued: time.Now()}
	w.mu.RLock()
	if w.closed {
		w.mu.RUnlock()
		return ErrClosed
	}
	w.start.Do(func() {
		w.db = s.db.Write
		w.observe = s.batches
		w.jobs = make(chan *job, 4*maxBatch)
		w.done = make(chan struct{})
		go w.run()
	})
	select {
	case w.jobs <- j:
	case <-ctx.Done():
		w.mu.RUnlock()
		return ctx.Err()
	}
	w.mu.RUnlock()
	err := <-j.errc // waited for even if ctx ends: the write may be committed
	var k keep
	if errors.As(err, &k) {
		return k.err
	}
	return err
}

// writeAlone is write on PostgreSQL, where a batch would pile up the row
// locks of unrelated writes until its one commit, and two instances'
// batches would deadlock on them; PostgreSQL shares WAL flushes among
// concurrent commits by itself. So fn runs in its own READ COMMITTED
// transaction, run again (up to maxRetries times, after 1 to 10 ms) when
// PostgreSQL gives it up to a deadlock or a serialization failure: fn only
// sets variables its caller reads after, so running it again is safe.
func (s *Store) writeAlone(ctx context.Context, fn func(*sql.Tx) error) error {
	w := &s.writer
	w.mu.RLock()
	if w.closed {
		w.mu.RUnlock()
		return ErrClosed
	}
	w.inflight.Add(1) // before Close can wait: it sets closed under mu first
	w.mu.RUnlock()
	defer w.inflight.Done()
	queued := time.Now()
	for try := 0; ; try++ {
		err := s.writeOnce(ctx, fn, queued)
		if try == maxRetries || !s.db.Dialect.Retryable(err) {
			var k keep
			if errors.As(err, &k) {
				return k.err
			}
			return err
		}
		select {
		case <-time.After(time.Millisecond + rand.N(9*time.Millisecond)):
		case <-ctx.Done():
			return err
		}
	}
}

// maxRetries bounds how many times a write PostgreSQL gave up is run again.
const maxRetries = 3

// writeOnce runs fn in one transaction: committed when fn succeeds or
// returns a keep, rolled back otherwise. queued is when the write was asked
// for, which retries push back.
func (s *Store) writeOnce(ctx context.Context, fn func(*sql.Tx) error, queued time.Time) error {
	start := time.Now()
	tx, err := s.db.Write.BeginTx(ctx, &sql.TxOptions{Isolation: sql.LevelReadCommitted})
	if err != nil {
		return err
	}
	err = fn(tx)
	if err != nil && !errors.As(err, new(keep)) {
		tx.Rollback()
		return err
	}
	if cerr := tx.Commit(); cerr != nil {
		return cerr // nothing of fn was kept
	}
	if s.batches != nil {
		s.batches(Batch{Size: 1, Wait: start.Sub(queued), Commit: time.Since(start)})
	}
	return err
}

// Close stops the writer once the writes already queued are committed;
// later writes return ErrClosed. Closing again waits for the same end.
func (s *Store) Close() {
	w := &s.writer
	w.mu.Lock()
	first := !w.closed
	w.closed = true
	w.start.Do(func() {}) // never started: nothing to stop
	jobs, done := w.jobs, w.done
	w.mu.Unlock()
	w.inflight.Wait() // PostgreSQL's writes in flight
	if jobs == nil {
		return
	}
	if first {
		close(jobs)
	}
	<-done
}

func (w *writer) run() {
	defer close(w.done)
	batch := make([]*job, 0, maxBatch)
	for first := range w.jobs {
		batch = append(batch[:0], first)
	gather:
		for len(batch) < maxBatch {
			select {
			case j, ok := <-w.jobs:
				if !ok {
					break gather
				}
				batch = append(batch, j)
			default:
				break gather
			}
		}
		w.commit(batch)
	}
}

func (w *writer) commit(batch []*job) {
	start := time.Now()
	errs := make([]error, len(batch))
	tx, err := w.db.BeginTx(context.Background(), nil)
	if err == nil {
		for i, j := range batch {
			errs[i] = w.one(tx, j)
		}
		err = tx.Commit()
	}
	// The batch is counted before its writers are answered, as
	// PostgreSQL's writes are (writeOnce): whoever a write returned to
	// finds it in the figures (a metrics scrape, a test) already.
	if w.observe != nil {
		w.observe(Batch{Size: len(batch), Wait: start.Sub(batch[0].queued), Commit: time.Since(start)})
	}
	for i, j := range batch {
		if err != nil && (errs[i] == nil || errors.As(errs[i], new(keep))) {
			errs[i] = err // the commit failed: nothing of this job was kept
		}
		j.errc <- errs[i]
	}
}

// one runs a job in its own savepoint, undoing its writes when it fails.
func (w *writer) one(tx *sql.Tx, j *job) error {
	if err := j.ctx.Err(); err != nil {
		return err
	}
	if _, err := tx.Exec("SAVEPOINT job"); err != nil {
		return err
	}
	err := j.fn(tx)
	if err != nil && !errors.As(err, new(keep)) {
		if _, rerr := tx.Exec("ROLLBACK TO job"); rerr != nil {
			return rerr
		}
	}
	if _, rerr := tx.Exec("RELEASE job"); rerr != nil {
		return rerr
	}
	return err
}
