package accounts_test

import (
	"bytes"
	"context"
	"errors"
	"regexp"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/sillage/sillage/migrations/dbtest"
	"github.com/sillage/sillage/web/accounts"
)

// The first account needs a setup code: none, a wrong one or an expired
// one makes nothing; any live one works (typed in lower case, without its
// dash), once; only its hash is stored; an account ends every code.
func TestSetupCode(t *testing.T) {
	ctx := context.Background()
	db := dbtest.Open(t)
	now := time.Date(2026, 12, 2, 9, 0, 0, 0, time.UTC)
	users := accounts.NewUsers(db, func() time.Time { return now }, bcrypt.MinCost)

	old, err := users.NewSetupCode(ctx)
	if err != nil {
		t.Fatal(err)
	}
	now = now.Add(accounts.SetupCodeLifetime + time.Second)
	code, err := users.NewSetupCode(ctx) // a restart, or a second instance
	if err != nil {
		t.Fatal(err)
	}
	other, _ := users.NewSetupCode(ctx)
	if !regexp.MustCompile(`^[A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{4}$`).MatchString(code) || code == other {
		t.Fatalf("codes %q and %q: want two different codes of two groups of four letters or digits joined by a dash", code, other)
	}
	if dump := dbtest.Dump(t, db); bytes.Contains(dump, []byte(code)) || bytes.Contains(dump, []byte(strings.ReplaceAll(code, "-", ""))) {
		t.Error("the setup code is stored in clear")
	}
	for name, c := range map[string]string{"None": "", "Wrong": "AAAA-AAAA", "Expired": old} {
		if _, err := users.CreateFirst(ctx, c, "zoe@example.com", "correct horse battery"); !errors.Is(err, accounts.ErrSetupCode) {
			t.Errorf("%s code: CreateFirst = %v, want ErrSetupCode", name, err)
		}
	}
	if n, _ := users.Count(ctx); n != 0 {
		t.Fatalf("%d accounts made without a live code", n)
	}
	typed := " " + strings.ToLower(strings.ReplaceAll(code, "-", "")) + " "
	if _, err := users.CreateFirst(ctx, typed, "zoe@example.com", "correct horse battery"); err != nil {
		t.Fatalf("CreateFirst with %q (the code %s as typed): %v", typed, code, err)
	}
	if _, err := users.CreateFirst(ctx, other, "leo@example.com", "correct horse battery"); !errors.Is(err, accounts.ErrSetupDone) {
		t.Errorf("the other instance's code after the first account: %v, want ErrSetupDone", err)
	}
	var left int
	db.Read.QueryRow(`SELECT COUNT(*) FROM settings WHERE key LIKE 'setup_code/%'`).Scan(&left)
	if left != 0 {
		t.Errorf("%d setup codes left once an account exists", left)
	}
	if c, err := users.NewSetupCode(ctx); c != "" || err != nil {
		t.Errorf("NewSetupCode with an account = %q, %v; want none", c, err)
	}
}
