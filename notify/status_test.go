package notify_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/sillage/sillage/campaign"
	"github.com/sillage/sillage/notify"
	"github.com/sillage/sillage/notify/notifytest"
)

// sentSMS sends n SMS through a fake Twilio and returns their messages.
func sentSMS(t *testing.T, e *env, phones ...string) []notify.Message {
	t.Helper()
	srv := notifytest.NewTwilioServer(t)
	id := e.seedPhones(t, phones...)
	if err := e.twilioWorker(t, twilioConfig(srv), notify.WorkerConfig{}).Drain(context.Background()); err != nil {
		t.Fatal(err)
	}
	return deliveries(t, e, id)
}

func TestApplyStatusMovesForwardOnly(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	msgs := sentSMS(t, e, "0612345678,sms,fr", "0698765432,sms,fr", "0611111111,sms,fr")
	a, b, c := msgs[0], msgs[1], msgs[2]
	status := func(m notify.Message) notify.Message {
		t.Helper()
		got, err := e.store.Message(ctx, m.ID)
		if err != nil {
			t.Fatal(err)
		}
		return *got
	}
	// Callbacks arrive out of order: delivered first, then the older ones.
	for _, st := range []string{"delivered", "sent", "queued", "sending", "undelivered", "failed"} {
		if err := e.store.ApplyStatus(ctx, a.ProviderID, st, ""); err != nil {
			t.Fatalf("ApplyStatus(%s) = %v", st, err)
		}
		if got := status(a); got.Status != notify.Delivered {
			t.Fatalf("after %q the status is %s, want delivered kept", st, got.Status)
		}
	}
	if err := e.store.ApplyStatus(ctx, b.ProviderID, "undelivered", "30003"); err != nil {
		t.Fatal(err)
	}
	if got := status(b); got.Status != notify.Undelivered || got.LastError != "twilio error 30003" {
		t.Errorf("undelivered callback gave %+v", got)
	}
	if err := e.store.ApplyStatus(ctx, b.ProviderID, "delivered", ""); err != nil {
		t.Fatal(err)
	}
	if got := status(b); got.Status != notify.Undelivered {
		t.Errorf("a final status was replaced: %s", got.Status)
	}
	// A callback saying the recipient opted out suppresses the number.
	if err := e.store.ApplyStatus(ctx, c.ProviderID, "failed", "21610"); err != nil {
		t.Fatal(err)
	}
	if off, _ := e.store.Suppressed(ctx, "+33611111111"); !off || status(c).Status != notify.Failed {
		t.Errorf("21610 callback: suppressed %v, status %s", off, status(c).Status)
	}
	if err := e.store.ApplyStatus(ctx, "SMunknown", "delivered", ""); !errors.Is(err, notify.ErrNotFound) {
		t.Errorf("unknown provider id: %v, want ErrNotFound", err)
	}
	var v *campaign.ValidationError
	if err := e.store.ApplyStatus(ctx, a.ProviderID, "teleported", ""); !errors.As(err, &v) {
		t.Errorf("unknown status: %v, want a validation error", err)
	}
}

func TestApplyStatusInOrder(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	m := sentSMS(t, e, "0698765432,whatsapp,fr")[0]
	for _, step := range []struct {
		status string
		want   notify.Status
	}{{"queued", notify.Sent}, {"sent", notify.Sent}, {"delivered", notify.Delivered}, {"read", notify.Delivered}} {
		if err := e.store.ApplyStatus(ctx, m.ProviderID, step.status, ""); err != nil {
			t.Fatal(err)
		}
		if got, _ := e.store.Message(ctx, m.ID); got.Status != step.want {
			t.Errorf("after %q: %s, want %s", step.status, got.Status, step.want)
		}
	}
}

func TestHandleInbound(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	check := func(addr string, want bool) {
		t.Helper()
		if off, err := e.store.Suppressed(ctx, addr); err != nil || off != want {
			t.Errorf("Suppressed(%s) = %v, %v; want %v", addr, off, err, want)
		}
	}
	for from, body := range map[string]string{
		"+33612345678":          "STOP",
		"whatsapp:+33698765432": "arrêt",
		"+447911123456":         "  Unsubscribe. ",
	} {
		if err := e.store.HandleInbound(ctx, from, body); err != nil {
			t.Fatal(err)
		}
	}
	check("+33612345678", true)
	check("0698765432", true)
	check("+447911123456", true)
	if err := e.store.HandleInbound(ctx, "+33611111111", "Stop it, this is great!"); err != nil {
		t.Fatal(err)
	}
	check("+33611111111", false)
	if err := e.store.HandleInbound(ctx, "+33612345678", "start"); err != nil {
		t.Fatal(err)
	}
	check("+33612345678", false)
	if err := e.store.HandleInbound(ctx, "+33622222222", "START"); err != nil {
		t.Errorf("START from a number never stopped: %v", err)
	}
	var v *campaign.ValidationError
	if err := e.store.HandleInbound(ctx, "not a number", "STOP"); !errors.As(err, &v) {
		t.Errorf("STOP from a malformed number: %v, want a validation error", err)
	}
}

func TestUnsubscribeTokens(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	id := e.seedEmails(t, "zoe@example.com")
	msgs, _ := e.store.Outbox(ctx, notify.Filter{CampaignID: id})
	i := strings.Index(msgs[0].Text, "/u/")
	token := strings.TrimSpace(msgs[0].Text[i+3:])
	if target, err := e.store.UnsubscribeTarget(ctx, token); err != nil || target != "z***@example.com" {
		t.Fatalf("UnsubscribeTarget = %q, %v", target, err)
	}
	key, _, _ := strings.Cut(token, ".")
	for _, forged := range []string{"", "nodot", key, key + ".", key + ".AAAAAAAAAAAAAAAAAAAAAA", "x" + token, token + "x", "!!." + token} {
		if err := e.store.Unsubscribe(ctx, forged); !errors.Is(err, notify.ErrNotFound) {
			t.Errorf("Unsubscribe(%q) = %v, want ErrNotFound", forged, err)
		}
	}
	if off, _ := e.store.Suppressed(ctx, "zoe@example.com"); off {
		t.Fatal("a forged token suppressed the address")
	}
	for range 2 {
		if err := e.store.Unsubscribe(ctx, token); err != nil {
			t.Fatalf("Unsubscribe = %v", err)
		}
	}
	if off, _ := e.store.Suppressed(ctx, "Zoe@Example.com"); !off {
		t.Fatal("the address is not suppressed")
	}
	// The key survives a restart: a new Store on the same database accepts
	// the old token.
	again := notify.NewStore(e.db, notify.Config{BaseURL: "https://share.example.com", Logger: quiet})
	if _, err := again.UnsubscribeTarget(ctx, token); err != nil {
		t.Errorf("after a restart the token is refused: %v", err)
	}
}
