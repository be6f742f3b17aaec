package notify_test

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/sillage/sillage/campaign/clocktest"
	"github.com/sillage/sillage/migrations/dbtest"
	"github.com/sillage/sillage/migrations/storage"
	"github.com/sillage/sillage/notify"
)

// newClock is the tests' clock, at a fixed start.
func newClock() *clocktest.Clock { return clocktest.New(time.Date(2026, 3, 14, 9, 0, 0, 0, time.UTC)) }

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

type env struct {
	db    *storage.DB
	store *notify.Store
	clock *clocktest.Clock
}

func newEnv(t testing.TB) *env {
	t.Helper()
	return newEnvOn(t, dbtest.Open(t))
}

// newEnvOn is newEnv on a database the test opened, such as one of several
// instances on one store.
func newEnvOn(t testing.TB, db *storage.DB) *env {
	t.Helper()
	c := newClock()
	s := notify.NewStore(db, notify.Config{Now: c.Now, BaseURL: "https://share.example.com",
		DefaultRegion: "FR", Logger: quiet})
	return &env{db: db, store: s, clock: c}
}

// campaign inserts a minimal campaign row and returns its id.
func (e *env) campaign(t testing.TB, lang string) int64 {
	t.Helper()
	var id int64
	now := e.clock.Now().UnixMilli()
	err := e.db.Write.QueryRow(`INSERT INTO campaigns (title, language, status, teaser_title, teaser_description,
		teaser_image_url, seats_per_link, max_seats, forwards_per_claim, max_depth, link_lifetime, view_cap,
		send_for_me, created_at, updated_at)
		VALUES ($1, $2, 'live', $3, $4, '', 1, 10, 5, 0, 0, 0, FALSE, $5, $5) RETURNING id`,
		"Clip launch", lang, "Something is coming", "Only between friends.", now).Scan(&id)
	if err != nil {
		t.Fatalf("insert campaign: %v", err)
	}
	return id
}

// importCSV imports a contact file that must be valid.
func (e *env) importCSV(t testing.TB, campaignID int64, file string) *notify.ImportResult {
	t.Helper()
	res, err := e.store.Import(context.Background(), campaignID, strings.NewReader(file), notify.ImportOptions{})
	if err != nil {
		t.Fatalf("import: %v (first rejected: %v)", err, first(res))
	}
	return res
}

// minter is a fake MintFunc that records each link in a table of its own,
// in the caller's transaction, so tests see links roll back with messages.
type minter struct {
	n      atomic.Int64
	failAt int64 // fail the n-th mint (1-based); 0 never
}

func (m *minter) mint(ctx context.Context, tx *sql.Tx, campaignID int64, channel string) (string, error) {
	n := m.n.Add(1)
	if n == m.failAt {
		return "", fmt.Errorf("mint refused")
	}
	url := fmt.Sprintf("https://share.example.com/s/tok%06d-%s", n, channel)
	if _, err := tx.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS test_links (url TEXT NOT NULL)`); err != nil {
		return "", err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO test_links (url) VALUES ($1)`, url); err != nil {
		return "", err
	}
	return url, nil
}

func (e *env) count(t testing.TB, query string, args ...any) int {
	t.Helper()
	var n int
	if err := e.db.Read.QueryRow(query, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return n
}

// contacts builds a CSV of n email contacts.
func contactsCSV(n int, domain string) string {
	var b strings.Builder
	b.WriteString("name,email\n")
	for i := range n {
		fmt.Fprintf(&b, "Person %d,p%d@%s\n", i, i, domain)
	}
	return b.String()
}
