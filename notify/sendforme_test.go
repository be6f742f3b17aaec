package notify_test

import (
	"context"
	"database/sql"
	"errors"
	"testing"

	"github.com/sillage/sillage/notify"
)

// "Send it for me" mints and queues in one transaction: a failed mint
// leaves neither link nor message, and a refusal mints nothing.
func TestSendForMeOneTransaction(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	id := e.campaign(t, "fr")
	m := &minter{failAt: 1}
	mint := func(ctx context.Context, tx *sql.Tx, ch notify.Channel) (string, error) {
		return m.mint(ctx, tx, id, string(ch))
	}
	if _, err := e.store.SendForMe(ctx, id, 7, "friend@example.com", notify.ForwardLimits{}, mint); err == nil {
		t.Fatal("SendForMe succeeded with a failing mint")
	}
	if n := e.count(t, `SELECT COUNT(*) FROM messages`); n != 0 {
		t.Errorf("%d messages after a failed mint", n)
	}
	if _, err := e.store.SendForMe(ctx, id, 7, "friend@example.com", notify.ForwardLimits{}, mint); err != nil {
		t.Fatal(err)
	}
	if n := e.count(t, `SELECT COUNT(*) FROM test_links`); n != 1 {
		t.Errorf("%d links kept, want the one of the message queued", n)
	}
	e.store.Suppress(ctx, "other@example.com", "asked")
	if _, err := e.store.SendForMe(ctx, id, 7, "other@example.com", notify.ForwardLimits{}, mint); !errors.Is(err, notify.ErrOptedOut) {
		t.Errorf("to an opted-out address: %v, want ErrOptedOut", err)
	}
	if got := m.n.Load(); got != 2 {
		t.Errorf("mint called %d times, want 2: a refusal mints nothing", got)
	}
}
