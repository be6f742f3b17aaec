package notify

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/sillage/sillage/campaign"
)

// Status is where a message stands. It only moves forward:
// queued < sending < sent < delivered | undelivered | failed, or
// queued < sending < kept when no provider is configured for its channel.
type Status string

// The statuses of a message.
const (
	Queued  Status = "queued"
	Sending Status = "sending"
	Sent    Status = "sent"
	// Kept is a message the development sender kept instead of sending:
	// no SMTP server or Twilio account was configured for its channel, so
	// nothing left the machine. It is final.
	Kept        Status = "kept"
	Delivered   Status = "delivered"
	Undelivered Status = "undelivered"
	Failed      Status = "failed"
)

// Statuses lists every status, in order.
var Statuses = []Status{Queued, Sending, Sent, Kept, Delivered, Undelivered, Failed}

// rank orders statuses; the final ones share the top rank, so none
// replaces another.
func (s Status) rank() int {
	switch s {
	case Queued:
		return 0
	case Sending:
		return 1
	case Sent:
		return 2
	}
	return 3
}

// rankSQL is Status.rank in SQL, over the column status.
const rankSQL = `CASE status WHEN 'queued' THEN 0 WHEN 'sending' THEN 1 WHEN 'sent' THEN 2 ELSE 3 END`

// The kinds of message.
const (
	KindSeed    = "seed"    // a seed link to a contact of the campaign
	KindForward = "forward" // "send it for me": a link a recipient forwards through the engine
)

// Message is one row of the outbox.
type Message struct {
	ID               int64      `json:"id"`
	CampaignID       int64      `json:"campaign_id"`
	ContactID        int64      `json:"contact_id,omitempty"` // 0: none, or erased
	Kind             string     `json:"kind"`
	Channel          Channel    `json:"channel"`
	To               string     `json:"to"` // email or E.164; blank once erased
	Language         string     `json:"language"`
	Subject          string     `json:"subject,omitempty"`
	Text             string     `json:"text,omitempty"`
	HTML             string     `json:"html,omitempty"`
	ContentSID       string     `json:"content_sid,omitempty"`
	ContentVariables string     `json:"content_variables,omitempty"`
	IdempotencyKey   string     `json:"idempotency_key"`
	Status           Status     `json:"status"`
	Attempts         int        `json:"attempts"`
	NextAttemptAt    time.Time  `json:"next_attempt_at"`
	LastError        string     `json:"last_error,omitempty"`
	ProviderID       string     `json:"provider_id,omitempty"`
	CreatedAt        time.Time  `json:"created_at"`
	UpdatedAt        time.Time  `json:"updated_at"`
	SentAt           *time.Time `json:"sent_at,omitempty"`

	// UnsubscribeURL is set on the messages a Worker hands to a Sender.
	UnsubscribeURL string `json:"-"`
}

// MintFunc mints one seed link of the campaign for channel inside tx and
// returns its absolute URL. The link and the message that carries it
// commit together, or neither does. Seed counts the links (the campaign's
// "links" counter), so a MintFunc must not.
type MintFunc func(ctx context.Context, tx *sql.Tx, campaignID int64, channel string) (url string, err error)

// SeedResult is what a Seed did.
type SeedResult struct {
	Queued     int `json:"queued"`     // messages queued now
	Suppressed int `json:"suppressed"` // contacts skipped: they opted out
}

// Seed mints one seed link per contact of the campaign that has no seed
// message yet and queues one message carrying it, link and message in the
// same transaction (Config.SeedBatch contacts per transaction). Calling it
// again queues only for contacts added since: a contact gets one seed
// message. Opted-out contacts are skipped. It returns ErrNotFound for an
// unknown campaign, or mint's error, with what the batches committed before
// it did.
func (s *Store) Seed(ctx context.Context, campaignID int64, mint MintFunc) (SeedResult, error) {
	var res SeedResult
	if _, err := findCampaign(ctx, s.db.Read, campaignID); err != nil {
		return res, err
	}
	key, err := s.unsubscribeKey(ctx) // before any transaction holds the writer
	if err != nil {
		return res, err
	}
	tpls := map[[2]string]*compiled{}
	after := int64(0)
	for {
		n, last, err := s.seedBatch(ctx, campaignID, after, key, tpls, mint, &res)
		if err != nil || n == 0 {
			return res, err
		}
		after = last
	}
}

// seedBatch queues the next batch of contacts after the id after, in one
// transaction. It returns how many contacts it looked at and the last id.
func (s *Store) seedBatch(ctx context.Context, campaignID, after int64, key []byte, tpls map[[2]string]*compiled, mint MintFunc, res *SeedResult) (int, int64, error) {
	tx, err := s.db.Write.BeginTx(ctx, nil)
	if err != nil {
		return 0, 0, err
	}
	defer tx.Rollback()
	c, err := findCampaign(ctx, tx, campaignID)
	if err != nil {
		return 0, 0, err
	}
	rows, err := tx.QueryContext(ctx, `SELECT c.id, c.name, c.channel, c.address, c.language FROM contacts c
		WHERE c.campaign_id = $1 AND c.id > $2
		AND NOT EXISTS (SELECT 1 FROM messages m WHERE m.contact_id = c.id AND m.kind = 'seed')
		ORDER BY c.id LIMIT $3`, campaignID, after, s.cfg.SeedBatch)
	if err != nil {
		return 0, 0, fmt.Errorf("seed: %w", err)
	}
	var batch []outgoing
	for rows.Next() {
		o := outgoing{campaign: c, kind: KindSeed}
		if err := rows.Scan(&o.contactID, &o.name, &o.channel, &o.to, &o.language); err != nil {
			rows.Close()
			return 0, 0, fmt.Errorf("seed: %w", err)
		}
		batch = append(batch, o)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, 0, fmt.Errorf("seed: %w", err)
	}
	queued, skipped := 0, 0
	for _, o := range batch {
		if off, err := suppressed(ctx, tx, o.to); err != nil {
			return 0, 0, err
		} else if off {
			skipped++
			continue
		}
		tpl, err := s.compiledTx(ctx, tx, tpls, campaignID, o.channel, o.language)
		if err != nil {
			return 0, 0, err
		}
		if o.link, err = mint(ctx, tx, campaignID, string(o.channel)); err != nil {
			return 0, 0, fmt.Errorf("seed contact %d: %w", o.contactID, err)
		}
		if _, err := s.queueTx(ctx, tx, key, tpl, o); err != nil {
			return 0, 0, fmt.Errorf("seed contact %d: %w", o.contactID, err)
		}
		queued++
	}
	// The links minted are counted once, last: the counter is the
	// campaign's hottest row, which forwards wait for.
	if queued > 0 {
		if err := campaign.AddTx(ctx, tx, campaign.ID(campaignID), campaign.CountLinks, int64(queued)); err != nil {
			return 0, 0, err
		}
	}
	if err := tx.Commit(); err != nil {
		return 0, 0, err
	}
	res.Queued += queued
	res.Suppressed += skipped
	if len(batch) == 0 {
		return 0, 0, nil
	}
	return len(batch), batch[len(batch)-1].contactID, nil
}

// compiledTx returns the campaign's template for ch in lang, parsed once
// per Seed.
func (s *Store) compiledTx(ctx context.Context, q querier, cache map[[2]string]*compiled, campaignID int64, ch Channel, lang string) (*compiled, error) {
	k := [2]string{string(ch), lang}
	if c, ok := cache[k]; ok {
		return c, nil
	}
	t, err := templateTx(ctx, q, campaignID, ch, lang)
	if err != nil {
		return nil, err
	}
	c, err := compile(ctx, t)
	if err != nil {
		return nil, fmt.Errorf("template %s/%s: %w", ch, lang, err)
	}
	cache[k] = c
	return c, nil
}

// outgoing is a message about to be queued.
type outgoing struct {
	campaign  *campaignInfo
	contactID int64 // 0: none
	kind      string
	channel   Channel
	to        string
	name      string
	language  string
	link      string
	sender    int64 // the claim a "send it for me" message is sent for; 0: none
}

// queueTx renders and queues one message inside tx and returns its id.
func (s *Store) queueTx(ctx context.Context, tx *sql.Tx, key []byte, tpl *compiled, o outgoing) (int64, error) {
	idem := newKey()
	d := TemplateData{Name: o.name, Link: o.link, Campaign: o.campaign.Title,
		Teaser: o.campaign.TeaserTitle, TeaserText: o.campaign.TeaserText}
	if o.channel == Email {
		d.Unsubscribe = s.unsubscribeURL(key, idem)
	}
	r, err := tpl.render(ctx, d)
	if err != nil {
		return 0, fmt.Errorf("render: %w", err)
	}
	var contact, sender any
	if o.contactID != 0 {
		contact = o.contactID
	}
	if o.sender != 0 {
		sender = o.sender
	}
	now := millis(s.now())
	var id int64
	err = tx.QueryRowContext(ctx, `INSERT INTO messages (campaign_id, contact_id, kind, channel, recipient, language,
		subject, body_text, body_html, content_sid, content_variables, idempotency_key,
		status, attempts, next_attempt_at, created_at, updated_at, sender_claim_id)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, 'queued', 0, $13, $13, $13, $14)
		RETURNING id`,
		o.campaign.ID, contact, o.kind, o.channel, o.to, o.language,
		r.Subject, s.sealer.seal(r.Text), s.sealer.seal(r.HTML), r.ContentSID, s.sealer.seal(r.ContentVariables),
		idem, now, sender).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("queue message: %w", err)
	}
	return id, nil
}
