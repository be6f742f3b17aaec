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

// twilioStatus maps Twilio's message statuses to the outbox's. "read"
// (WhatsApp) implies delivered; "canceled" is a failure. Statuses before
// the send (accepted, scheduled, queued, sending) map to sent: the outbox
// marks a message sent when Twilio accepts it.
var twilioStatus = map[string]Status{
	"accepted": Sent, "scheduled": Sent, "queued": Sent, "sending": Sent, "sent": Sent,
	"delivered": Delivered, "read": Delivered,
	"undelivered": Undelivered, "failed": Failed, "canceled": Failed,
}

// ApplyStatus records a status callback: the message with providerID moves
// to status, forward only, so callbacks arriving out of order never move it
// back. A Twilio error code 21610 also puts the recipient on the opt-out
// list. It returns ErrNotFound for an unknown provider id and a
// *campaign.ValidationError for an unknown status; a status that is not forward is
// not an error.
func (s *Store) ApplyStatus(ctx context.Context, providerID, status, errorCode string) error {
	st, ok := twilioStatus[strings.ToLower(status)]
	if !ok {
		return campaign.Invalid("status", "unknown message status %q", status)
	}
	if providerID == "" {
		return ErrNotFound
	}
	tx, err := s.db.Write.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	var to string
	var ch Channel
	err = tx.QueryRowContext(ctx, `SELECT recipient, channel FROM messages WHERE provider_id = $1`, providerID).Scan(&to, &ch)
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("provider id %q: %w", providerID, ErrNotFound)
	}
	if err != nil {
		return fmt.Errorf("apply status: %w", err)
	}
	lastError := ""
	if errorCode != "" && errorCode != "0" {
		lastError = "twilio error " + errorCode
	}
	now := millis(s.now())
	// The rank test in SQL makes "forward only" hold even if two callbacks
	// race.
	_, err = tx.ExecContext(ctx, `UPDATE messages SET status = $1,
		last_error = CASE WHEN $2 = '' THEN last_error ELSE $2 END, updated_at = $3
		WHERE provider_id = $4 AND `+rankSQL+` < $5`,
		st, lastError, now, providerID, st.rank())
	if err != nil {
		return fmt.Errorf("apply status: %w", err)
	}
	if errorCode == "21610" {
		if err := suppressTx(ctx, tx, to, ch, "twilio 21610: recipient opted out", now); err != nil {
			return err
		}
	}
	return tx.Commit()
}

// Keywords Twilio and carriers treat as opting out and back in.
var (
	stopWords  = []string{"stop", "stopall", "unsubscribe", "cancel", "end", "quit", "arret", "arrêt", "stop sms", "desabonner", "désabonner"}
	startWords = []string{"start", "unstop"}
)

// HandleInbound applies an incoming SMS or WhatsApp message: STOP (and its
// usual variants, in English and French) puts the sender's number on the
// opt-out list, START takes it off again. Any other text is ignored. from is
// Twilio's From, such as +33612345678 or whatsapp:+33612345678.
func (s *Store) HandleInbound(ctx context.Context, from, body string) error {
	word := strings.ToLower(strings.Join(strings.Fields(body), " "))
	word = strings.Trim(word, ".!")
	switch {
	case slices.Contains(stopWords, word):
		addr, ch, err := s.normalize(from)
		if err != nil {
			return err
		}
		return suppressTx(ctx, s.db.Write, addr, ch, "inbound "+strings.ToUpper(word), millis(s.now()))
	case slices.Contains(startWords, word):
		err := s.Unsuppress(ctx, from)
		if errors.Is(err, ErrNotFound) {
			return nil
		}
		return err
	}
	return nil
}
