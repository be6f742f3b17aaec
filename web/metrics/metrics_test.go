package metrics_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/sillage/sillage/campaign"
	"github.com/sillage/sillage/gating"
	"github.com/sillage/sillage/notify"
	"github.com/sillage/sillage/web/metrics"
)

// A source that fails (a database gone) leaves its figures out of the
// scrape, which still serves the others, and is logged.
func TestFailingSourceLeftOut(t *testing.T) {
	var log bytes.Buffer
	m := metrics.New(metrics.Sources{
		Counters: func(context.Context) (map[campaign.ID]map[string]int64, error) {
			return nil, errors.New("database is closed")
		},
		Backlog: func(context.Context) ([]notify.Backlog, error) {
			return []notify.Backlog{{Channel: notify.SMS, Status: notify.Queued, Messages: 7}}, nil
		},
		Trees: func() gating.TreeStats { return gating.TreeStats{Trees: 2, Nodes: 30, Links: 5} },
	})
	m.ObserveSend(notify.Email, notify.SendSent)
	srv := httptest.NewServer(m.Handler("", slog.New(slog.NewTextHandler(&log, nil))))
	defer srv.Close()
	res, err := http.Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Fatalf("scrape with a failing source: %d, want 200\n%s", res.StatusCode, body)
	}
	for _, want := range []string{
		`sillage_outbox_messages{channel="sms",status="queued"} 7`,
		`sillage_tree_cache_trees 2`,
		`sillage_tree_cache_claims 30`,
		`sillage_outbox_sends_total{channel="email",result="sent"} 1`,
		`sillage_outbox_sends_total{channel="whatsapp",result="failed"} 0`,
		`go_goroutines`,
	} {
		if !strings.Contains(string(body), want) {
			t.Errorf("the scrape lacks %s", want)
		}
	}
	if strings.Contains(string(body), "sillage_campaign_views_total{") {
		t.Errorf("the failing source's figures were served")
	}
	if !strings.Contains(log.String(), "database is closed") {
		t.Errorf("the failure was not logged: %q", log.String())
	}
}
