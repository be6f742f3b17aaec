package notify

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/nyaruka/phonenumbers"

	"github.com/sillage/sillage/campaign"
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
	// ErrNetworkBusy is a client network that had as many links sent as
	// it may in a day.
	ErrNetworkBusy = errors.New("too many links sent from this network today")
	// ErrNotMobile is a number a text must not go to: premium-rate,
	// shared-cost, and every other kind but a mobile (see textable).
	ErrNotMobile = errors.New("links are texted to mobile numbers only")
	// ErrCountry is a number outside the countries the campaign texts;
	// it comes as a *CountryError.
	ErrCountry = errors.New("this campaign does not text numbers of this country")
)

// CountryError is a number of a country the campaign does not text.
type CountryError struct {
	Country string   // the number's (ISO 3166, or "001" for international networks)
	Allowed []string // the campaign's
}

func (e *CountryError) Error() string {
	return fmt.Sprintf("%v: %s (allowed: %s)", ErrCountry, e.Country, strings.Join(e.Allowed, ", "))
}

func (e *CountryError) Unwrap() error { return ErrCountry }

// ForwardLimits keep "send it for me" from becoming a spam cannon; zero
// fields take the defaults.
type ForwardLimits struct {
	PerClaim        int // messages sent for one recipient, ever (default 3)
	PerCampaignHour int // messages sent for a campaign's recipients in any hour (default 100)
	// PerNetworkDay bounds the messages sent for recipients on one client
	// network, every campaign together, in any 24 hours (default 10). The
	// network's hash changes every day and each process has its own salt,
	// so the count starts over each day and holds per instance.
	PerNetworkDay int
}

// ForwardMint mints, inside tx, the forward link a "send it for me"
// message carries, for channel, and returns its absolute URL: the link and
// its message commit together, or neither does.
type ForwardMint func(ctx context.Context, tx *sql.Tx, channel Channel) (url string, err error)

// SendForMe queues a message carrying a new forward link to address (an
// email, or a mobile number sent an SMS), on behalf of the claim sender of
// the campaign, in one transaction with the link. The message uses the
// campaign's templates in its language. It returns the message's id, or a
// *campaign.ValidationError for an address that is neither, ErrNotMobile or a
// *CountryError for a number not to text, ErrOptedOut, ErrAlreadySent,
// ErrSendLimit, ErrCampaignBusy, ErrNotFound for an unknown campaign, or
// mint's error. The client's network is unknown: see SendForMeFrom.
func (s *Store) SendForMe(ctx context.Context, campaignID, sender int64, address string, limits ForwardLimits, mint ForwardMint) (int64, error) {
	return s.SendForMeFrom(ctx, campaignID, sender, address, nil, limits, mint)
}

// SendForMeFrom is SendForMe for a recipient on network, an opaque hash
// of the client's address whose salt changes every day (nil: unknown, not
// counted). It also returns ErrNetworkBusy once the network had
// limits.PerNetworkDay messages sent in the last 24 hours.
func (s *Store) SendForMeFrom(ctx context.Context, campaignID, sender int64, address string, network []byte, limits ForwardLimits, mint ForwardMint) (int64, error) {
	if limits.PerClaim <= 0 {
		limits.PerClaim = 3
	}
	if limits.PerCampaignHour <= 0 {
		limits.PerCampaignHour = 100
	}
	if limits.PerNetworkDay <= 0 {
		limits.PerNetworkDay = 10
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
	if ch != Email {
		if err := s.textable(ctx, tx, c.ID, to); err != nil {
			return 0, err
		}
	}
	// The caps count messages, then queue one: on PostgreSQL, requests
	// of one campaign, and of one network, take turns from the counts to
	// the commit, across every instance (SCALE-OUT.md 2.2).
	if err := s.db.Dialect.Lock(ctx, tx, fmt.Sprintf("sfm:%d", c.ID)); err != nil {
		return 0, err
	}
	if len(network) > 0 {
		if err := s.db.Dialect.Lock(ctx, tx, fmt.Sprintf("sfm-net:%x", network)); err != nil {
			return 0, err
		}
	}
	if err := s.forwardAllowed(ctx, tx, c.ID, sender, to, limits); err != nil {
		return 0, err
	}
	if err := s.networkAllowed(ctx, tx, network, limits); err != nil {
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
	if len(network) > 0 {
		if _, err := tx.ExecContext(ctx, `UPDATE messages SET network = $1 WHERE id = $2`, network, id); err != nil {
			return 0, fmt.Errorf("send for me: %w", err)
		}
	}
	return id, tx.Commit()
}

// wordingError keeps a refusal of the campaign's wording (one stored
// before the rules, or too long with this campaign's texts) from passing
// for a refusal of the address: it is the marketer's to fix.
func wordingError(err error) error {
	if _, ok := errors.AsType[*campaign.ValidationError](err); ok {
		return fmt.Errorf("send for me: the campaign's wording: %s", err)
	}
	return err
}

// networkAllowed checks the cap per client network, in the transaction
// that queues.
func (s *Store) networkAllowed(ctx context.Context, tx *sql.Tx, network []byte, limits ForwardLimits) error {
	if len(network) == 0 {
		return nil
	}
	var n int
	err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM messages WHERE network = $1 AND created_at > $2`,
		network, millis(s.now().Add(-24*time.Hour))).Scan(&n)
	if err != nil {
		return fmt.Errorf("send for me: %w", err)
	}
	if n >= limits.PerNetworkDay {
		return ErrNetworkBusy
	}
	return nil
}

// textable checks that number (E.164) may get a text on behalf of a
// recipient of campaign id: a mobile (or a number its plan cannot tell
// from one, as in North America), of a country the campaign texts. Every
// other kind is refused: premium-rate and shared-cost numbers, where
// pumping texts pays, and the rest (landlines, toll-free, VoIP, personal,
// pagers, UAN, voicemail, satellite) which do not read texts anyway.
func (s *Store) textable(ctx context.Context, tx *sql.Tx, id int64, number string) error {
	num, err := phonenumbers.Parse(number, s.cfg.DefaultRegion)
	if err != nil {
		return ErrNotMobile // normalize parsed it: never happens
	}
	switch phonenumbers.GetNumberType(num) {
	case phonenumbers.MOBILE, phonenumbers.FIXED_LINE_OR_MOBILE:
	default:
		return ErrNotMobile
	}
	var list string
	if err := tx.QueryRowContext(ctx, `SELECT send_for_me_countries FROM campaigns WHERE id = $1`, id).Scan(&list); err != nil {
		return fmt.Errorf("send for me: %w", err)
	}
	allowed := []string{s.cfg.DefaultRegion}
	if list != "" {
		allowed = strings.Split(list, ",")
	}
	if country := phonenumbers.GetRegionCodeForNumber(num); !slices.Contains(allowed, country) {
		return &CountryError{Country: country, Allowed: allowed}
	}
	return nil
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
