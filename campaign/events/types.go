package events

import "time"

// The data of each event type, as it is logged and sent. Every one names
// its campaign. None carries a device, a network, an address or a
// contact's details: a delivery's recipient is masked.

// View is the data of view.created: a new node of the forward tree.
type View struct {
	CampaignID    int64     `json:"campaign_id"`
	ClaimID       int64     `json:"claim_id"`
	LinkID        int64     `json:"link_id"`
	ParentClaimID *int64    `json:"parent_claim_id"` // nil for a view of a seed link
	Depth         int       `json:"depth"`
	Channel       string    `json:"channel"`
	Time          time.Time `json:"time"`
}

// Forward is the data of forward.created: a viewer minted a link.
type Forward struct {
	CampaignID    int64     `json:"campaign_id"`
	LinkID        int64     `json:"link_id"`
	SenderClaimID int64     `json:"sender_claim_id"`
	Channel       string    `json:"channel"`
	Seats         int       `json:"seats"`
	Time          time.Time `json:"time"`
}

// Milestone is the data of milestone.reached: Value crossed Threshold.
type Milestone struct {
	CampaignID int64     `json:"campaign_id"`
	Kind       string    `json:"kind"` // "views" or "depth"
	Threshold  int64     `json:"threshold"`
	Value      int64     `json:"value"`
	Time       time.Time `json:"time"`
}

// Leak is the data of leak.detected: a link turned away more devices than
// it has seats, so it was passed on beyond its people.
type Leak struct {
	CampaignID int64     `json:"campaign_id"`
	LinkID     int64     `json:"link_id"`
	Seats      int       `json:"seats"`
	Refused    int       `json:"refused"`
	Revoked    bool      `json:"revoked"` // the campaign's rule revoked it
	Time       time.Time `json:"time"`
}

// StatusChange is the data of campaign.status_changed. Scheduled is true
// when the start or end time passed, rather than the marketer acting.
type StatusChange struct {
	CampaignID int64     `json:"campaign_id"`
	From       string    `json:"from"`
	To         string    `json:"to"`
	Scheduled  bool      `json:"scheduled"`
	Time       time.Time `json:"time"`
}

// Full is the data of campaign.full: the view cap is reached.
type Full struct {
	CampaignID int64     `json:"campaign_id"`
	Views      int64     `json:"views"`
	Cap        int64     `json:"cap"`
	Time       time.Time `json:"time"`
}

// EndingSoon is the data of campaign.ending_soon.
type EndingSoon struct {
	CampaignID int64     `json:"campaign_id"`
	EndsAt     time.Time `json:"ends_at"`
	Time       time.Time `json:"time"`
}

// Delivery is the data of delivery.status_changed: a message of the
// outbox moved to Status (queued, sent, delivered, failed, opted_out).
type Delivery struct {
	CampaignID int64     `json:"campaign_id"`
	MessageID  int64     `json:"message_id"`
	Channel    string    `json:"channel"`
	Recipient  string    `json:"recipient"` // masked: z***@example.com, +33 6•• •• •• 78
	Status     string    `json:"status"`
	Error      string    `json:"error,omitempty"`
	Time       time.Time `json:"time"`
}

// Failing is the data of deliveries.failing: of Messages in the last hour,
// Failed failed.
type Failing struct {
	CampaignID int64     `json:"campaign_id"`
	Messages   int64     `json:"messages"`
	Failed     int64     `json:"failed"`
	Time       time.Time `json:"time"`
}

// Erased is the data of contact.erased.
type Erased struct {
	CampaignID int64     `json:"campaign_id"`
	ContactID  int64     `json:"contact_id"`
	Time       time.Time `json:"time"`
}
