package events_test

import (
	"context"
	"encoding/json"
	"strconv"
	"testing"
	"time"

	"github.com/sillage/sillage/campaign"
	"github.com/sillage/sillage/campaign/events"
	"github.com/sillage/sillage/migrations/dbtest"
)

// An inbox row exists only if its transaction commits; the log hands
// events back in seq order with the body webhooks carry, and refuses a
// seq written twice.
func TestInboxAndLog(t *testing.T) {
	ctx := context.Background()
	db := dbtest.Open(t)
	s := campaign.NewStore(db, t.TempDir(), time.Now)
	c := &campaign.Campaign{Title: "Clip", Language: "en", Rules: campaign.DefaultRules()}
	if err := s.Create(ctx, c); err != nil {
		t.Fatal(err)
	}
	id := int64(c.ID)
	now := time.Date(2026, 12, 2, 10, 0, 0, 0, time.UTC)
	for _, commit := range []bool{false, true} {
		tx, err := db.Write.BeginTx(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		if err := events.Inbox(ctx, tx, id, events.LeakDetected, events.Leak{CampaignID: id, LinkID: 7, Seats: 1, Refused: 2, Time: now}, now); err != nil {
			t.Fatal(err)
		}
		if commit {
			err = tx.Commit()
		} else {
			err = tx.Rollback()
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	var n int
	if err := db.Read.QueryRowContext(ctx, `SELECT COUNT(*) FROM event_inbox WHERE campaign_id = $1`, id).Scan(&n); err != nil || n != 1 {
		t.Fatalf("inbox rows = %d, %v; want 1 (the committed one)", n, err)
	}

	parent := int64(1)
	last, err := events.Append(ctx, db.Write, id, 0, []events.Pending{
		{Type: events.ViewCreated, Data: events.View{CampaignID: id, ClaimID: 1, LinkID: 1, Channel: "sms", Time: now}, At: now},
		{Type: events.ViewCreated, Data: events.View{CampaignID: id, ClaimID: 2, LinkID: 2, ParentClaimID: &parent, Depth: 1, Channel: "email", Time: now}, At: now.Add(time.Second)},
	})
	if err != nil || last != 2 {
		t.Fatalf("Append = %d, %v; want 2", last, err)
	}
	if _, err := events.Append(ctx, db.Write, id, 1, []events.Pending{{Type: events.ViewCreated, Data: events.View{}, At: now}}); err == nil {
		t.Fatal("seq 2 logged twice")
	}
	rs, err := events.After(ctx, db.Read, id, 1, 10)
	if err != nil || len(rs) != 1 || rs[0].Seq != 2 {
		t.Fatalf("After(1) = %+v, %v; want seq 2 alone", rs, err)
	}
	if got := rs[0].ID(); got != "evt_"+strconv.FormatInt(id, 10)+"_2" {
		t.Fatalf("ID = %s", got)
	}
	var body struct {
		Type, Timestamp string
		Data            events.View
	}
	if err := json.Unmarshal(rs[0].Body(), &body); err != nil {
		t.Fatal(err)
	}
	if body.Type != events.ViewCreated || body.Timestamp != "2026-12-02T10:00:01Z" || body.Data.ParentClaimID == nil || *body.Data.ParentClaimID != 1 || body.Data.Channel != "email" {
		t.Fatalf("body = %s", rs[0].Body())
	}
	if r, ok, err := events.Get(ctx, db.Read, id, 1); err != nil || !ok || r.Seq != 1 {
		t.Fatalf("Get(1) = %+v, %v, %v", r, ok, err)
	}
	if _, ok, err := events.Get(ctx, db.Read, id, 3); err != nil || ok {
		t.Fatalf("Get(3) = %v, %v; want none", ok, err)
	}
	if o, err := events.Oldest(ctx, db.Read, id); err != nil || o != 1 {
		t.Fatalf("Oldest = %d, %v", o, err)
	}
}
