package accounts_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/alexedwards/scs/v2"
	"golang.org/x/crypto/bcrypt"

	"github.com/sillage/sillage/migrations/dbtest"
	"github.com/sillage/sillage/web/accounts"
)

func TestUsers(t *testing.T) {
	ctx := context.Background()
	db := dbtest.Open(t)
	users := accounts.NewUsers(db, time.Now, bcrypt.MinCost)

	if n, err := users.Count(ctx); err != nil || n != 0 {
		t.Fatalf("Count = %d, %v; want 0", n, err)
	}
	code, err := users.NewSetupCode(ctx)
	if err != nil {
		t.Fatal(err)
	}
	first, err := users.CreateFirst(ctx, code, "  Zoe@Example.com ", "correct horse battery")
	if err != nil {
		t.Fatal(err)
	}
	if first.Email != "zoe@example.com" {
		t.Errorf("email stored as %q, want it trimmed and in lower case", first.Email)
	}
	if _, err := users.CreateFirst(ctx, code, "leo@example.com", "correct horse battery"); !errors.Is(err, accounts.ErrSetupDone) {
		t.Errorf("second CreateFirst = %v, want ErrSetupDone", err)
	}
	if _, err := users.Create(ctx, "leo@example.com", "another good password"); err != nil {
		t.Fatal(err)
	}
	if n, _ := users.Count(ctx); n != 2 {
		t.Errorf("Count = %d, want 2", n)
	}
	var hash []byte
	db.Read.QueryRow(`SELECT password_hash FROM users WHERE id = $1`, first.ID).Scan(&hash)
	if bytes.Contains(hash, []byte("correct horse")) || !bytes.HasPrefix(hash, []byte("$2")) {
		t.Errorf("stored password %q: want a bcrypt hash", hash)
	}

	t.Run("Authenticate", func(t *testing.T) {
		got, err := users.Authenticate(ctx, "ZOE@example.com", "correct horse battery")
		if err != nil || got.ID != first.ID {
			t.Fatalf("Authenticate = %+v, %v; want user %d", got, err, first.ID)
		}
		for _, c := range []struct{ email, password string }{
			{"zoe@example.com", "wrong password!"},
			{"nobody@example.com", "correct horse battery"},
			{"", ""},
			{"zoe@example.com", "correct horse battery" + strings.Repeat("x", 80)},
		} {
			if _, err := users.Authenticate(ctx, c.email, c.password); !errors.Is(err, accounts.ErrBadCredentials) {
				t.Errorf("Authenticate(%q, %q) = %v, want ErrBadCredentials", c.email, c.password, err)
			}
		}
	})

	t.Run("BadInput", func(t *testing.T) {
		for _, c := range []struct {
			email, password string
			want            error
		}{
			{"not an address", "correct horse battery", accounts.ErrBadEmail},
			{"Zoé <zoe@example.com>", "correct horse battery", accounts.ErrBadEmail},
			{"new@example.com", "short", accounts.ErrBadPassword},
			{"new@example.com", strings.Repeat("x", 73), accounts.ErrBadPassword},
			{"zoe@example.com", "correct horse battery", accounts.ErrEmailTaken},
		} {
			if _, err := users.Create(ctx, c.email, c.password); !errors.Is(err, c.want) {
				t.Errorf("Create(%q, %q) = %v, want %v", c.email, c.password, err, c.want)
			}
		}
		if n, _ := users.Count(ctx); n != 2 {
			t.Errorf("bad input wrote accounts: Count = %d, want 2", n)
		}
	})

	t.Run("Find", func(t *testing.T) {
		if got, err := users.Find(ctx, first.ID); err != nil || got.Email != first.Email {
			t.Errorf("Find = %+v, %v", got, err)
		}
		if _, err := users.Find(ctx, 999); !errors.Is(err, accounts.ErrNoUser) {
			t.Errorf("Find(999) = %v, want ErrNoUser", err)
		}
	})
}

// Authenticate takes about as long for an unknown email as for a wrong
// password: both run one bcrypt comparison. Without it an unknown email
// answers about a thousand times faster (10-14 µs against 14 ms here), so
// a factor of 4 leaves room for a busy machine; the two are measured in
// turns so that both see the same load.
func TestAuthenticateTiming(t *testing.T) {
	ctx := context.Background()
	users := accounts.NewUsers(dbtest.Open(t), time.Now, 8)
	if _, err := users.Create(ctx, "zoe@example.com", "correct horse battery"); err != nil {
		t.Fatal(err)
	}
	users.Authenticate(ctx, "nobody@example.com", "x") // makes the dummy hash
	timed := func(email string) time.Duration {
		start := time.Now()
		users.Authenticate(ctx, email, "wrong password!")
		return time.Since(start)
	}
	known, unknown := time.Hour, time.Hour
	for range 7 {
		known = min(known, timed("zoe@example.com"))
		unknown = min(unknown, timed("nobody@example.com"))
	}
	if unknown < known/4 || known < unknown/4 {
		t.Errorf("wrong password takes %v, unknown email %v: want the same order", known, unknown)
	}
}

func TestSessions(t *testing.T) {
	var _ scs.CtxStore = (*accounts.Sessions)(nil)
	ctx := context.Background()
	db := dbtest.Open(t)
	now := time.Date(2026, 11, 23, 20, 0, 0, 0, time.UTC)
	sessions := accounts.NewSessions(db, func() time.Time { return now })

	if err := sessions.CommitCtx(ctx, "token-one", []byte("data"), now.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	got, found, err := sessions.FindCtx(ctx, "token-one")
	if err != nil || !found || string(got) != "data" {
		t.Fatalf("Find = %q, %v, %v", got, found, err)
	}
	if err := sessions.CommitCtx(ctx, "token-one", []byte("more"), now.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if got, _, _ := sessions.FindCtx(ctx, "token-one"); string(got) != "more" {
		t.Errorf("after a second commit Find = %q, want more", got)
	}
	if bytes.Contains(dbtest.Dump(t, db), []byte("token-one")) {
		t.Error("the session token is stored as is")
	}
	if _, found, _ := sessions.FindCtx(ctx, "token-two"); found {
		t.Error("an unknown token is found")
	}
	now = now.Add(2 * time.Hour)
	if _, found, _ := sessions.FindCtx(ctx, "token-one"); found {
		t.Error("an expired session is found")
	}
	if err := sessions.Commit("token-two", []byte("x"), now.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if n, err := sessions.DeleteExpired(ctx); err != nil || n != 1 {
		t.Errorf("DeleteExpired = %d, %v; want the expired one dropped", n, err)
	}
	var n int
	db.Read.QueryRow(`SELECT COUNT(*) FROM sessions`).Scan(&n)
	if n != 1 {
		t.Errorf("%d sessions stored, want the live one", n)
	}
	if err := sessions.Delete("token-two"); err != nil {
		t.Fatal(err)
	}
	if _, found, _ := sessions.Find("token-two"); found {
		t.Error("a deleted session is found")
	}
	if err := sessions.Delete("never-was"); err != nil {
		t.Errorf("Delete(unknown) = %v, want nil", err)
	}
}

// Accounts made at the same moment, as by two instances or two browsers:
// the setup page makes one first account, and one email one account,
// the others getting ErrSetupDone (or ErrSetupCode, the codes being
// spent) or ErrEmailTaken: not a second account, nor a constraint's
// error.
func TestCreateConcurrent(t *testing.T) {
	const n = 8
	run := func(t *testing.T, create func(i int) error, want ...error) {
		t.Helper()
		errs := make(chan error, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Go(func() { errs <- create(i) })
		}
		wg.Wait()
		close(errs)
		made := 0
		for err := range errs {
			switch {
			case err == nil:
				made++
			case !slices.ContainsFunc(want, func(w error) bool { return errors.Is(err, w) }):
				t.Errorf("Create = %v, want nil or one of %v", err, want)
			}
		}
		if made != 1 {
			t.Errorf("%d accounts made, want 1", made)
		}
	}
	t.Run("First", func(t *testing.T) {
		ctx := context.Background()
		db := dbtest.Open(t)
		users := accounts.NewUsers(db, time.Now, bcrypt.MinCost)
		code, err := users.NewSetupCode(ctx)
		if err != nil {
			t.Fatal(err)
		}
		run(t, func(i int) error {
			_, err := users.CreateFirst(ctx, code, fmt.Sprintf("user%d@example.com", i), "correct horse battery")
			return err
		}, accounts.ErrSetupDone, accounts.ErrSetupCode)
		if got, _ := users.Count(ctx); got != 1 {
			t.Errorf("Count = %d, want 1", got)
		}
	})
	t.Run("SameEmail", func(t *testing.T) {
		ctx := context.Background()
		db := dbtest.Open(t)
		users := accounts.NewUsers(db, time.Now, bcrypt.MinCost)
		run(t, func(int) error {
			_, err := users.Create(ctx, "zoe@example.com", "correct horse battery")
			return err
		}, accounts.ErrEmailTaken)
	})
}
