package gating

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

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
