// Package events holds the events of a campaign (INTEGRATIONS.md): their
// types and JSON shapes, the inbox the rare ones are written to in the
// transaction that causes them, and the numbered log that webhooks and the
// live stream read.
//
// It is a leaf: it imports only the storage layer and takes campaign ids as
// int64, so that campaign, gating and notify all write to it without a
// cycle.
package events

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"time"
)

// The event types. Their data shapes are in types.go and in the API
// description (web/api/openapi.json).
const (
	ViewCreated           = "view.created"
	ForwardCreated        = "forward.created"
	MilestoneReached      = "milestone.reached"
	LeakDetected          = "leak.detected"
	CampaignStatusChanged = "campaign.status_changed"
	CampaignFull          = "campaign.full"
	DeliveryStatusChanged = "delivery.status_changed"
	ContactErased         = "contact.erased"
	CampaignEndingSoon    = "campaign.ending_soon"
	DeliveriesFailing     = "deliveries.failing"
	// WebhookTest is sent by "send a test" to one endpoint, never logged.
	WebhookTest = "webhook.test"
)

// Types lists the types an endpoint can subscribe to, in the order the
// dashboard shows them.
var Types = []string{
	ViewCreated, ForwardCreated, MilestoneReached, LeakDetected,
	CampaignStatusChanged, CampaignFull, CampaignEndingSoon,
	DeliveryStatusChanged, DeliveriesFailing, ContactErased,
}

// Known reports whether t is one of Types.
func Known(t string) bool { return slices.Contains(Types, t) }

// Streamed reports whether the live stream carries events of type t: the
// campaign's growth and trouble, not each message's status or erasure
// (those go to webhooks only, as they speak of single contacts).
func Streamed(t string) bool {
	switch t {
	case DeliveryStatusChanged, ContactErased:
		return false
	}
	return true
}

// Querier is what both *sql.DB and *sql.Tx offer.
type Querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// Record is one event of the log.
type Record struct {
	CampaignID int64
	Seq        int64 // 1, 2, 3… per campaign, in the order the pump saw them
	Type       string
	Data       json.RawMessage
	CreatedAt  time.Time
}

// ID is the event's id in webhooks (the webhook-id header) and the
// stream: the same on every retry and resend, so receivers deduplicate on it.
func (r *Record) ID() string {
	return "evt_" + strconv.FormatInt(r.CampaignID, 10) + "_" + strconv.FormatInt(r.Seq, 10)
}

// Body is what a webhook carries and a stream event's data:
// {"type": ..., "timestamp": ..., "data": {...}}.
func (r *Record) Body() []byte {
	b, err := json.Marshal(envelope{Type: r.Type, Timestamp: r.CreatedAt.UTC().Format(time.RFC3339Nano), Data: r.Data})
	if err != nil {
		// Data came out of json.Marshal or the log, which only holds valid
		// JSON: an error here is a bug.
		panic(fmt.Sprintf("events: body of %s: %v", r.ID(), err))
	}
	return b
}

type envelope struct {
	Type      string          `json:"type"`
	Timestamp string          `json:"timestamp"`
	Data      json.RawMessage `json:"data"`
}
