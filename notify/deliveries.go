package notify

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/sillage/sillage/campaign"
)

// Filter narrows a listing of messages. Zero fields do not filter.
type Filter struct {
	CampaignID int64   // Outbox only: Deliveries takes the campaign apart
	Status     Status  // one status
	Channel    Channel // one channel
	After      int64   // ids above this one: the cursor of the next page
	Limit      int     // default 100, at most 1000
}

const messageStatusColumns = `id, campaign_id, contact_id, kind, channel, recipient, language,
	idempotency_key, status, attempts, next_attempt_at, last_error, provider_id, created_at, updated_at, sent_at`

const messageColumns = messageStatusColumns + `, subject, body_text, body_html, content_sid, content_variables`

// Deliveries returns the messages of a campaign in id order, with status,
// attempts, last error and provider id but without their bodies. It returns
// ErrNotFound for an unknown campaign and a *campaign.ValidationError for a bad
// filter.
func (s *Store) Deliveries(ctx context.Context, campaignID int64, f Filter) ([]Message, error) {
	if _, err := findCampaign(ctx, s.db.Read, campaignID); err != nil {
		return nil, err
	}
	f.CampaignID = campaignID
	return s.list(ctx, messageStatusColumns, f)
}

// Outbox returns messages with their bodies, in id order, across
// campaigns unless f.CampaignID is set: what the development sender kept,
// for `sillage outbox`.
func (s *Store) Outbox(ctx context.Context, f Filter) ([]Message, error) {
	return s.list(ctx, messageColumns, f)
}

// Message returns one message with its body, or ErrNotFound.
func (s *Store) Message(ctx context.Context, id int64) (*Message, error) {
	m, err := scanMessage(s.db.Read.QueryRowContext(ctx, `SELECT `+messageColumns+` FROM messages WHERE id = $1`, id), true)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("message %d: %w", id, ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("find message %d: %w", id, err)
	}
	if err := s.sealer.openBody(&m); err != nil {
		return nil, fmt.Errorf("message %d: %w", id, err)
	}
	return &m, nil
}

// Counts returns how many messages of the campaign are in each status;
// every status is present.
func (s *Store) Counts(ctx context.Context, campaignID int64) (map[Status]int, error) {
	rows, err := s.db.Read.QueryContext(ctx, `SELECT status, COUNT(*) FROM messages WHERE campaign_id = $1 GROUP BY status`, campaignID)
	if err != nil {
		return nil, fmt.Errorf("count messages: %w", err)
	}
	defer rows.Close()
	counts := make(map[Status]int, len(Statuses))
	for _, st := range Statuses {
		counts[st] = 0
	}
	for rows.Next() {
		var st Status
		var n int
		if err := rows.Scan(&st, &n); err != nil {
			return nil, fmt.Errorf("count messages: %w", err)
		}
		counts[st] = n
	}
	return counts, rows.Err()
}

func (s *Store) list(ctx context.Context, columns string, f Filter) ([]Message, error) {
	if f.Limit <= 0 {
		f.Limit = 100
	}
	if f.Limit > 1000 {
		return nil, campaign.Invalid("limit", "must be at most %d", 1000)
	}
	// Placeholders are numbered in the order they appear, as SQLite binds
	// them.
	where := []string{"id > $1"}
	args := []any{f.After}
	add := func(cond string, v any) {
		args = append(args, v)
		where = append(where, fmt.Sprintf(cond, len(args)))
	}
	if f.CampaignID != 0 {
		add("campaign_id = $%d", f.CampaignID)
	}
	if f.Status != "" {
		if !slices.Contains(Statuses, f.Status) {
			return nil, campaign.Invalid("status", "must be one of queued, sending, sent, kept, delivered, undelivered, failed")
		}
		add("status = $%d", f.Status)
	}
	if f.Channel != "" {
		if _, err := ParseChannel(string(f.Channel)); err != nil {
			return nil, err
		}
		add("channel = $%d", f.Channel)
	}
	args = append(args, f.Limit)
	q := fmt.Sprintf(`SELECT %s FROM messages WHERE %s ORDER BY id LIMIT $%d`, columns, strings.Join(where, " AND "), len(args))
	rows, err := s.db.Read.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("list messages: %w", err)
	}
	defer rows.Close()
	list := []Message{}
	withBody := columns == messageColumns
	for rows.Next() {
		m, err := scanMessage(rows, withBody)
		if err != nil {
			return nil, fmt.Errorf("list messages: %w", err)
		}
		if withBody {
			if err := s.sealer.openBody(&m); err != nil {
				return nil, fmt.Errorf("message %d: %w", m.ID, err)
			}
		}
		list = append(list, m)
	}
	return list, rows.Err()
}

func scanMessage(sc interface{ Scan(...any) error }, withBody bool) (Message, error) {
	var m Message
	var contact sql.NullInt64
	var provider sql.NullString
	var next, created, updated int64
	var sent sql.NullInt64
	dest := []any{&m.ID, &m.CampaignID, &contact, &m.Kind, &m.Channel, &m.To, &m.Language,
		&m.IdempotencyKey, &m.Status, &m.Attempts, &next, &m.LastError, &provider, &created, &updated, &sent}
	if withBody {
		dest = append(dest, &m.Subject, &m.Text, &m.HTML, &m.ContentSID, &m.ContentVariables)
	}
	if err := sc.Scan(dest...); err != nil {
		return m, err
	}
	m.ContactID = contact.Int64
	m.ProviderID = provider.String
	m.NextAttemptAt, m.CreatedAt, m.UpdatedAt = fromMillis(next), fromMillis(created), fromMillis(updated)
	m.SentAt = fromMillisOrNil(sent)
	return m, nil
}

// Backlog is how many messages of one channel wait in one status.
type Backlog struct {
	Channel  Channel
	Status   Status // Queued or Sending
	Messages int
}

// Backlog returns the outbox's depth across campaigns: the messages
// queued (due or waiting for a retry) and being sent, per channel. Both
// counts are 0 for a channel that has none.
func (s *Store) Backlog(ctx context.Context) ([]Backlog, error) {
	rows, err := s.db.Read.QueryContext(ctx, `SELECT channel, status, COUNT(*) FROM messages
		WHERE status IN ('queued', 'sending') GROUP BY channel, status`)
	if err != nil {
		return nil, fmt.Errorf("outbox backlog: %w", err)
	}
	defer rows.Close()
	counts := map[[2]string]int{}
	for rows.Next() {
		var ch, st string
		var n int
		if err := rows.Scan(&ch, &st, &n); err != nil {
			return nil, fmt.Errorf("outbox backlog: %w", err)
		}
		counts[[2]string{ch, st}] = n
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("outbox backlog: %w", err)
	}
	out := make([]Backlog, 0, 2*len(Channels))
	for _, ch := range Channels {
		for _, st := range []Status{Queued, Sending} {
			out = append(out, Backlog{Channel: ch, Status: st, Messages: counts[[2]string{string(ch), string(st)}]})
		}
	}
	return out, nil
}
