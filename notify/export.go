package notify

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// Export is everything Sillage keeps about one contact: the person's
// right of access. Message bodies are left out: they carry a live
// personal link, and are blanked once a message is sent anyway.
type Export struct {
	Contact  Contact         `json:"contact"`
	Messages []ExportMessage `json:"messages"`
	OptOuts  []OptOut        `json:"opt_outs"` // its email or phone on the opt-out list
}

// ExportMessage is one message sent, or to be sent, to the contact.
type ExportMessage struct {
	ID         int64      `json:"id"`
	CampaignID int64      `json:"campaign_id"`
	Kind       string     `json:"kind"`
	Channel    Channel    `json:"channel"`
	To         string     `json:"to"`
	Language   string     `json:"language"`
	Subject    string     `json:"subject,omitempty"`
	Status     Status     `json:"status"`
	Attempts   int        `json:"attempts"`
	LastError  string     `json:"last_error,omitempty"`
	ProviderID string     `json:"provider_id,omitempty"`
	CreatedAt  time.Time  `json:"created_at"`
	UpdatedAt  time.Time  `json:"updated_at"`
	SentAt     *time.Time `json:"sent_at,omitempty"`
}

// OptOut is an address on the opt-out list.
type OptOut struct {
	Address   string    `json:"address"`
	Channel   Channel   `json:"channel"`
	Reason    string    `json:"reason"`
	CreatedAt time.Time `json:"created_at"`
}

// Export returns the contact's data: its fields, the messages that name it
// (its seed message, and "send it for me" messages to its address in the
// same campaign) with their status and times, and the opt-outs of its
// email and phone, read in one transaction. It returns ErrNotFound for an unknown contact.
func (s *Store) Export(ctx context.Context, contactID int64) (*Export, error) {
	tx, err := s.db.Read.BeginTx(ctx, nil) // the read pool: a snapshot, no lock
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	c, err := scanContact(tx.QueryRowContext(ctx, `SELECT `+contactColumns+` FROM contacts WHERE id = $1`, contactID))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("contact %d: %w", contactID, ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("export contact %d: %w", contactID, err)
	}
	out := &Export{Contact: c, Messages: []ExportMessage{}}
	rows, err := tx.QueryContext(ctx, `SELECT id, campaign_id, kind, channel, recipient, language, subject,
		status, attempts, last_error, provider_id, created_at, updated_at, sent_at
		FROM messages WHERE contact_id = $1 OR (campaign_id = $2 AND recipient = $3) ORDER BY id`,
		contactID, c.CampaignID, c.Address)
	if err != nil {
		return nil, fmt.Errorf("export contact %d: %w", contactID, err)
	}
	defer rows.Close()
	for rows.Next() {
		var (
			m                Message
			provider         sql.NullString
			created, updated int64
			sent             sql.NullInt64
		)
		if err := rows.Scan(&m.ID, &m.CampaignID, &m.Kind, &m.Channel, &m.To, &m.Language, &m.Subject,
			&m.Status, &m.Attempts, &m.LastError, &provider, &created, &updated, &sent); err != nil {
			return nil, fmt.Errorf("export contact %d: %w", contactID, err)
		}
		out.Messages = append(out.Messages, ExportMessage{
			ID: m.ID, CampaignID: m.CampaignID, Kind: m.Kind, Channel: m.Channel, To: m.To, Language: m.Language,
			Subject: m.Subject, Status: m.Status, Attempts: m.Attempts, LastError: m.LastError, ProviderID: provider.String,
			CreatedAt: fromMillis(created), UpdatedAt: fromMillis(updated), SentAt: fromMillisOrNil(sent),
		})
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("export contact %d: %w", contactID, err)
	}
	opts, err := tx.QueryContext(ctx, `SELECT address, channel, reason, created_at FROM suppressions
		WHERE address = $1 OR address = $2 ORDER BY address`, c.Email, c.Phone)
	if err != nil {
		return nil, fmt.Errorf("export contact %d: %w", contactID, err)
	}
	defer opts.Close()
	out.OptOuts = []OptOut{}
	for opts.Next() {
		var o OptOut
		var created int64
		if err := opts.Scan(&o.Address, &o.Channel, &o.Reason, &created); err != nil {
			return nil, fmt.Errorf("export contact %d: %w", contactID, err)
		}
		o.CreatedAt = fromMillis(created)
		out.OptOuts = append(out.OptOuts, o)
	}
	if err := opts.Err(); err != nil {
		return nil, fmt.Errorf("export contact %d: %w", contactID, err)
	}
	return out, nil
}
