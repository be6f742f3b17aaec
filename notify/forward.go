package notify

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// Refusals of SendForMe; their messages are safe to show.
var (
	// ErrOptedOut is an address on the opt-out list.
	ErrOptedOut = errors.New("this address does not accept messages")
	// ErrAlreadySent is an address the campaign already wrote to.
	ErrAlreadySent = errors.New("this address already received a link of this campaign")
	// ErrSendLimit is a recipient who had as many links sent as allowed.
	ErrSendLimit = errors.New("no more links can be sent for this recipient")
	// ErrCampaignBusy is a campaign that sent as many links for its
	// recipients as it may in an hour.
	ErrCampaignBusy = errors.New("too many links sent for this campaign in the last hour")
)

// ForwardLimits keep "send it for me" from becoming a spam cannon; zero
// fields take the defaults.
type ForwardLimits struct {
	PerClaim        int // messages sent for one recipient, ever (default 3)
	PerCampaignHour int // messages sent for a campaign's recipients in any hour (default 100)
}

// ForwardMint mints, inside tx, the forward link a "send it for me"
// message carries, for channel, and returns its absolute URL: the link and
// its message commit together, or neither does.
type ForwardMint func(ctx context.Context, tx *sql.Tx, channel Channel) (url string, err error)

// SendForMe queues a message carrying a new forward link to address (an
// email, or a mobile number sent an SMS), on behalf of the claim sender of
// the campaign, in one transaction with the link. The message uses the
// campaign's templates in its language. It returns the message's id, or a
// *ValidationError for an address that is neither, ErrOptedOut,
// ErrAlreadySent, ErrSendLimit, ErrCampaignBusy, ErrNotFound for an unknown
// campaign, or mint's error.
func (s *Store) SendForMe(ctx context.Context, campaignID, sender int64, address string, limits ForwardLimits, mint ForwardMint) (int64, error) {
	if limits.PerClaim <= 0 {
		limits.PerClaim = 3
	}
	if limits.PerCampaignHour <= 0 {
		limits.PerCampaignHour = 100
	}
	to, ch, err := s.normalize(address)
	if err != nil {
		return 0, err
	}
	key, err := s.unsubscribeKey(ctx) // before the transaction holds the writer
	if err != nil {
		return 0, err
	}
	tx, err := s.db.Write.BeginTx(ctx, nil)
	if err != nil {
		return 0, err
	}
	defer tx.Rollback()
	c, err := findCampaign(ctx, tx, campaignID)
	if err != nil {
		return 0, err
	}
	if err := s.forwardAllowed(ctx, tx, c.ID, sender, to, limits); err != nil {
		return 0, err
	}
	tpl, err := s.compiledTx(ctx, tx, map[[2]string]*compiled{}, c.ID, ch, c.Language)
	if err != nil {
		return 0, wordingError(err)
	}
	link, err := mint(ctx, tx, ch)
	if err != nil {
		return 0, err
	}
	id, err := s.queueTx(ctx, tx, key, tpl, outgoing{campaign: c, kind: KindForward, channel: ch, to: to,
		language: c.Language, link: link, sender: sender})
	if err != nil {
		return 0, wordingError(err)
	}
	return id, tx.Commit()
}

// wordingError keeps a refusal of the campaign's wording (one stored
// before the rules, or too long with this campaign's texts) from passing
// for a refusal of the address: it is the marketer's to fix.
func wordingError(err error) error {
	if _, ok := errors.AsType[*ValidationError](err); ok {
		return fmt.Errorf("send for me: the campaign's wording: %s", err)
	}
	return err
}

// forwardAllowed checks the opt-out list and the caps, inside the
// transaction that queues: two requests at once cannot both pass a cap.
func (s *Store) forwardAllowed(ctx context.Context, tx *sql.Tx, campaignID, sender int64, to string, limits ForwardLimits) error {
	if off, err := suppressed(ctx, tx, to); err != nil {
		return err
	} else if off {
		return ErrOptedOut
	}
	count := func(query string, args ...any) (int, error) {
		var n int
		if err := tx.QueryRowContext(ctx, query, args...).Scan(&n); err != nil {
			return 0, fmt.Errorf("send for me: %w", err)
		}
		return n, nil
	}
	n, err := count(`SELECT COUNT(*) FROM messages WHERE campaign_id = $1 AND recipient = $2`, campaignID, to)
	if err != nil {
		return err
	}
	if n > 0 {
		return ErrAlreadySent
	}
	if n, err = count(`SELECT COUNT(*) FROM messages WHERE sender_claim_id = $1`, sender); err != nil {
		return err
	}
	if n >= limits.PerClaim {
		return ErrSendLimit
	}
	n, err = count(`SELECT COUNT(*) FROM messages WHERE campaign_id = $1 AND kind = 'forward' AND created_at > $2`,
		campaignID, millis(s.now().Add(-time.Hour)))
	if err != nil {
		return err
	}
	if n >= limits.PerCampaignHour {
		return ErrCampaignBusy
	}
	return nil
}
