package gating

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/sillage/sillage/migrations/dbtest"
)

// Writes sharing a commit stay apart: a failing one leaves nothing, a
// kept one stays, the others are all there.
func TestWriterSavepoints(t *testing.T) {
	db := dbtest.Open(t)
	s := NewStore(db, time.Now)
	defer s.Close()
	var wg sync.WaitGroup
	errs := make([]error, 200)
	for i := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = s.write(context.Background(), func(tx *sql.Tx) error {
				if _, err := tx.Exec(`INSERT INTO api_keys (name, key_hash, created_at) VALUES ($1, $2, 0)`, fmt.Sprint(i), []byte(fmt.Sprint(i))); err != nil {
					return err
				}
				switch i % 3 {
				case 1:
					return errors.New("refused")
				case 2:
					return keep{errors.New("kept")}
				}
				return nil
			})
		}()
	}
	wg.Wait()
	for i, err := range errs {
		want := map[int]string{0: "<nil>", 1: "refused", 2: "kept"}[i%3]
		if fmt.Sprint(err) != want {
			t.Fatalf("write %d: %v, want %s", i, err, want)
		}
	}
	var n, refused int
	db.Read.QueryRow(`SELECT COUNT(*) FROM api_keys`).Scan(&n)
	db.Read.QueryRow(`SELECT COUNT(*) FROM api_keys WHERE CAST(name AS INTEGER) % 3 = 1`).Scan(&refused)
	if n != 133 || refused != 0 { // 67 plain and 66 kept writes of 200
		t.Errorf("%d rows kept (%d of refused writes), want 133 and 0", n, refused)
	}
}

// A write whose caller gave up before its turn is not run.
func TestWriterSkipsCancelled(t *testing.T) {
	db := dbtest.Open(t)
	s := NewStore(db, time.Now)
	defer s.Close()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	ran := false
	err := s.write(ctx, func(tx *sql.Tx) error { ran = true; return nil })
	if !errors.Is(err, context.Canceled) || ran {
		t.Errorf("cancelled write: err %v, ran %v", err, ran)
	}
}

// After Close, writes are refused with ErrClosed instead of panicking or
// hanging, whether the writer ever started or not, and closing twice is
// harmless.
func TestWriterClosed(t *testing.T) {
	insert := func(tx *sql.Tx) error {
		_, err := tx.Exec(`INSERT INTO api_keys (name, key_hash, created_at) VALUES ('k', $1, 0)`, []byte("k"))
		return err
	}
	for _, started := range []bool{false, true} {
		t.Run(map[bool]string{false: "NeverStarted", true: "Started"}[started], func(t *testing.T) {
			db := dbtest.Open(t)
			s := NewStore(db, time.Now)
			if started {
				if err := s.write(context.Background(), insert); err != nil {
					t.Fatal(err)
				}
			}
			s.Close()
			s.Close()
			errc := make(chan error, 1)
			go func() { errc <- s.write(context.Background(), insert) }()
			select {
			case err := <-errc:
				if !errors.Is(err, ErrClosed) {
					t.Errorf("write after Close: %v, want ErrClosed", err)
				}
			case <-time.After(10 * time.Second):
				t.Fatal("write after Close still waiting after 10 s")
			}
			var n int
			db.Read.QueryRow(`SELECT COUNT(*) FROM api_keys`).Scan(&n)
			if want := map[bool]int{false: 0, true: 1}[started]; n != want {
				t.Errorf("%d rows, want %d", n, want)
			}
		})
	}
}

// Writes racing Close either commit (nil) or are refused (ErrClosed), and
// every write that answered nil is in the database. Run it with -race.
func TestWriterCloseRace(t *testing.T) {
	for round := range 20 {
		db := dbtest.Open(t)
		s := NewStore(db, time.Now)
		var wg sync.WaitGroup
		errs := make([]error, 64)
		for i := range errs {
			wg.Go(func() {
				errs[i] = s.write(context.Background(), func(tx *sql.Tx) error {
					_, err := tx.Exec(`INSERT INTO api_keys (name, key_hash, created_at) VALUES ($1, $2, 0)`, fmt.Sprint(i), []byte(fmt.Sprint(i)))
					return err
				})
			})
		}
		wg.Go(s.Close)
		wg.Go(s.Close)
		wg.Wait()
		ok := 0
		for i, err := range errs {
			switch {
			case err == nil:
				ok++
			case !errors.Is(err, ErrClosed):
				t.Fatalf("round %d, write %d: %v, want nil or ErrClosed", round, i, err)
			}
		}
		var n int
		db.Read.QueryRow(`SELECT COUNT(*) FROM api_keys`).Scan(&n)
		if n != ok {
			t.Fatalf("round %d: %d rows for %d writes that answered nil", round, n, ok)
		}
	}
}

// On PostgreSQL a write given up to a deadlock or a serialization failure
// runs again, from the start, up to three more times; its earlier tries
// leave nothing. Other errors are not retried.
func TestWriterRetries(t *testing.T) {
	dbtest.PostgresOnly(t)
	db := dbtest.Open(t)
	s := NewStore(db, time.Now)
	defer s.Close()
	for _, tc := range []struct {
		name     string
		code     string
		failures int
		runs     int
		ok       bool
	}{
		{"DeadlockOnce", "40P01", 1, 2, true},
		{"SerializationThrice", "40001", 3, 4, true},
		{"DeadlockAlways", "40P01", 100, 4, false},
		{"OtherError", "23505", 1, 1, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			runs := 0
			err := s.write(context.Background(), func(tx *sql.Tx) error {
				runs++
				if _, err := tx.Exec(`INSERT INTO api_keys (name, key_hash, created_at) VALUES ($1, $2, 0)`, tc.name, []byte(tc.name)); err != nil {
					return err
				}
				if runs <= tc.failures {
					return fmt.Errorf("insert: %w", &pgconn.PgError{Code: tc.code})
				}
				return nil
			})
			if runs != tc.runs || (err == nil) != tc.ok {
				t.Errorf("ran %d times, err %v; want %d runs, success %v", runs, err, tc.runs, tc.ok)
			}
			var n int
			db.Read.QueryRow(`SELECT COUNT(*) FROM api_keys WHERE name = $1`, tc.name).Scan(&n)
			if want := map[bool]int{false: 0, true: 1}[tc.ok]; n != want {
				t.Errorf("%d rows kept, want %d", n, want)
			}
		})
	}
}
