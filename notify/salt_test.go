package notify_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"sync"
	"testing"
	"time"

	"github.com/sillage/sillage/notify"
)

// saltRows returns the stored values of the network salt rows.
func (e *env) saltRows(t *testing.T) []string {
	t.Helper()
	rows, err := e.db.Read.Query(`SELECT value FROM settings WHERE key LIKE '%salt%'`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var vs []string
	for rows.Next() {
		var v string
		rows.Scan(&v)
		vs = append(vs, v)
	}
	return vs
}

// Instances on one database, asking at once, all get the same salt for a
// day; it is stored sealed, never as its bytes.
func TestNetworkSaltShared(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	key := bytes.Repeat([]byte{7}, notify.BodyKeySize)
	stores := []*notify.Store{e.keyed(key), e.keyed(key), e.keyed(key)}
	day := e.clock.Now().Unix() / 86400
	salts := make([][32]byte, 12)
	errs := make([]error, len(salts))
	var wg sync.WaitGroup
	for i := range salts {
		wg.Go(func() { salts[i], errs[i] = stores[i%len(stores)].NetworkSalt(ctx, day) })
	}
	wg.Wait()
	for i := range salts {
		if errs[i] != nil || salts[i] != salts[0] {
			t.Fatalf("call %d: %x, %v; want the salt the others got, %x", i, salts[i], errs[i], salts[0])
		}
	}
	if salts[0] == ([32]byte{}) {
		t.Fatal("a zero salt")
	}
	rows := e.saltRows(t)
	if len(rows) != 1 {
		t.Fatalf("%d salt rows, want 1", len(rows))
	}
	for _, enc := range []string{string(salts[0][:]), base64.RawStdEncoding.EncodeToString(salts[0][:]), base64.StdEncoding.EncodeToString(salts[0][:])} {
		if bytes.Contains([]byte(rows[0]), []byte(enc[:12])) {
			t.Errorf("the salt row %q holds the salt in clear", rows[0])
		}
	}
	if got, err := e.keyed(nil).NetworkSalt(ctx, day); err == nil {
		t.Errorf("a store without a body key got salt %x, want an error: it could not seal it", got)
	}
}

// When the day changes the next salt replaces the last, which no row
// holds any more; a salt past its day is deleted even when no instance
// asked for the next.
func TestNetworkSaltForgottenNextDay(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	key := bytes.Repeat([]byte{7}, notify.BodyKeySize)
	a, b := e.keyed(key), e.keyed(key)
	day := e.clock.Now().Unix() / 86400
	yesterday, err := a.NetworkSalt(ctx, day)
	if err != nil {
		t.Fatal(err)
	}
	old := e.saltRows(t)

	e.clock.Advance(24 * time.Hour)
	today, err := b.NetworkSalt(ctx, day+1)
	if err != nil {
		t.Fatal(err)
	}
	if today == yesterday {
		t.Fatal("the next day has the same salt")
	}
	if again, err := a.NetworkSalt(ctx, day+1); err != nil || again != today {
		t.Errorf("A on the next day: %x, %v; want B's %x", again, err, today)
	}
	// An instance whose clock is still on the day before gets today's:
	// yesterday's is gone, and is not made again.
	if late, err := a.NetworkSalt(ctx, day); err != nil || late != today {
		t.Errorf("a late clock: %x, %v; want today's %x", late, err, today)
	}
	rows := e.saltRows(t)
	if len(rows) != 1 || rows[0] == old[0] {
		t.Fatalf("salt rows %q, want one, not yesterday's %q", rows, old)
	}

	// No one asks on the day after: the sweep deletes the salt anyway.
	e.clock.Advance(24 * time.Hour)
	sweep, stop := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() { a.ForgetNetworkSalts(sweep, time.Hour); close(done) }()
	for deadline := time.Now().Add(10 * time.Second); len(e.saltRows(t)) > 0 && time.Now().Before(deadline); {
		time.Sleep(10 * time.Millisecond)
	}
	stop()
	<-done
	if rows := e.saltRows(t); len(rows) != 0 {
		t.Errorf("a past day's salt row is still there: %q", rows)
	}
}
