package notify_test

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/sillage/sillage/notify"
)

// Queued bodies carry live links: sealed in the database, opened only
// with the key, which lives outside it.
func TestBodiesSealedAtRest(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	key := bytes.Repeat([]byte{7}, notify.BodyKeySize)
	e.store = notify.NewStore(e.db, notify.Config{Now: e.clock.Now, BaseURL: "https://share.example.com", Logger: quiet, BodyKey: key})
	id := e.campaign(t, "fr")
	e.importCSV(t, id, mixedContacts)
	if _, err := e.store.Seed(ctx, id, (&minter{}).mint); err != nil {
		t.Fatal(err)
	}
	rows, err := e.db.Read.Query(`SELECT body_text, body_html, content_variables FROM messages`)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for rows.Next() {
		var text, html, vars string
		rows.Scan(&text, &html, &vars)
		for _, v := range []string{text, html, vars} {
			if strings.Contains(v, "/s/") || (v != "" && !strings.HasPrefix(v, "sealed:v1:")) {
				t.Errorf("stored body %.60q is not sealed", v)
			}
		}
		n++
	}
	rows.Close()
	if n == 0 {
		t.Fatal("no message queued")
	}

	// The worker opens them: the development sender keeps what it sent.
	e.devDrain(t)
	sent, err := e.store.Outbox(ctx, notify.Filter{CampaignID: id})
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range sent {
		if !strings.Contains(m.Text, "https://share.example.com/s/tok") {
			t.Errorf("message %d opened to %.80q, want its link", m.ID, m.Text)
		}
	}

	// Another key, or none, cannot read them.
	for name, k := range map[string][]byte{"OtherKey": bytes.Repeat([]byte{8}, notify.BodyKeySize), "NoKey": nil} {
		other := notify.NewStore(e.db, notify.Config{Now: e.clock.Now, Logger: quiet, BodyKey: k})
		if _, err := other.Outbox(ctx, notify.Filter{CampaignID: id}); err == nil {
			t.Errorf("%s: sealed bodies opened", name)
		}
	}
}
