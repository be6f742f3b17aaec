package notify_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"

	"github.com/sillage/sillage/notify"
)

// refusingSender answers every send with err.
type refusingSender struct{ err error }

func (r refusingSender) Send(context.Context, *notify.Message) (string, error) { return "", r.err }

// The outbox's backlog counts what waits per channel and status, and the
// worker tells Observe each send's result per channel.
func TestBacklogAndObserve(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	e.queueMixed(t, 10) // 4 emails, 4 SMS, 2 WhatsApp
	got, err := e.store.Backlog(ctx)
	if err != nil {
		t.Fatal(err)
	}
	queued := map[notify.Channel]int{}
	for _, b := range got {
		if b.Status == notify.Queued {
			queued[b.Channel] = b.Messages
		} else if b.Messages != 0 {
			t.Errorf("backlog %+v before any send, want nothing sending", b)
		}
	}
	if want := (map[notify.Channel]int{notify.Email: 4, notify.SMS: 4, notify.WhatsApp: 2}); !equalCounts(queued, want) {
		t.Errorf("queued per channel = %v, want %v", queued, want)
	}

	senders, err := notify.NewSenders(notify.SendersConfig{Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	senders.Use("refusing", refusingSender{&notify.SendError{Permanent: true, Code: "21211", Err: errors.New("bad number")}}, 0, notify.SMS)
	senders.Use("down", refusingSender{errors.New("connection reset")}, 0, notify.WhatsApp)
	var mu sync.Mutex
	results := map[string]int{}
	w := e.store.NewWorker(senders, notify.WorkerConfig{Observe: func(ch notify.Channel, result string) {
		mu.Lock()
		results[string(ch)+" "+result]++
		mu.Unlock()
	}})
	if err := w.Drain(ctx); err != nil {
		t.Fatal(err)
	}
	// The emails had no real sender: kept, never "sent".
	want := map[string]int{"email kept": 4, "sms failed": 4, "whatsapp retry": 2}
	if len(results) != len(want) {
		t.Errorf("results = %v, want %v", results, want)
	}
	for k, n := range want {
		if results[k] != n {
			t.Errorf("results[%q] = %d, want %d (all: %v)", k, results[k], n, results)
		}
	}
	got, _ = e.store.Backlog(ctx)
	for _, b := range got {
		if want := map[notify.Channel]int{notify.WhatsApp: 2}[b.Channel]; b.Status == notify.Queued && b.Messages != want {
			t.Errorf("backlog %+v after the sends, want %d queued", b, want)
		}
	}

	// A real provider taking the emails: sent.
	e.queueMixed(t, 5) // 2 emails
	senders.Use("accepting", acceptingSender{}, 0, notify.Email)
	clear(results)
	if err := w.Drain(ctx); err != nil {
		t.Fatal(err)
	}
	if results["email sent"] != 2 || results["email kept"] != 0 {
		t.Errorf("results with a real email sender = %v, want email sent 2, none kept", results)
	}
}

// acceptingSender takes every message, as a provider would, under an id
// of its own.
type acceptingSender struct{}

func (acceptingSender) Send(_ context.Context, m *notify.Message) (string, error) {
	return fmt.Sprintf("accepted-%d", m.ID), nil
}

func equalCounts(a, b map[notify.Channel]int) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

// The development sender's log names the message, never its recipient's
// address, its subject or its body with the personal link.
func TestDevSenderLogsNoAddressNorLink(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	id := e.queueMixed(t, 5)
	var log bytes.Buffer
	senders, err := notify.NewSenders(notify.SendersConfig{Logger: slog.New(slog.NewJSONHandler(&log, nil))})
	if err != nil {
		t.Fatal(err)
	}
	if err := e.store.NewWorker(senders, notify.WorkerConfig{}).Drain(ctx); err != nil {
		t.Fatal(err)
	}
	msgs, err := e.store.Outbox(ctx, notify.Filter{CampaignID: id})
	if err != nil || len(msgs) != 5 {
		t.Fatalf("outbox: %d messages, %v", len(msgs), err)
	}
	out := log.String()
	for _, m := range msgs {
		for _, secret := range []string{m.To, m.Text, m.Subject, "/s/tok", m.IdempotencyKey} {
			if secret != "" && strings.Contains(out, secret) {
				t.Errorf("the log holds %q of message %d:\n%s", secret, m.ID, out)
			}
		}
		if masked := `"to":"` + notify.Mask(m.To) + `"`; !strings.Contains(out, masked) {
			t.Errorf("the log lacks message %d's masked recipient %s:\n%s", m.ID, masked, out)
		}
	}
	if n := strings.Count(out, `"msg":"development sender`); n != 5 {
		t.Errorf("%d development sender lines, want 5:\n%s", n, out)
	}
}
