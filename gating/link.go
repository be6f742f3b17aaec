package gating

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
	"unicode/utf8"

	"github.com/sillage/sillage/campaign"
)

// Channel is how a link travels.
type Channel string

// The channels.
const (
	WhatsApp Channel = "whatsapp"
	SMS      Channel = "sms"
	Email    Channel = "email"
	Plain    Channel = "link" // copied, QR code, handed out
)

// Channels lists every channel, in the order pages show them.
var Channels = []Channel{WhatsApp, SMS, Email, Plain}

// ParseChannel returns the channel named s, or a *campaign.ValidationError.
func ParseChannel(s string) (Channel, error) {
	for _, c := range Channels {
		if string(c) == s {
			return c, nil
		}
	}
	return "", campaign.Invalid("channel", `must be one of "whatsapp", "sms", "email", "link"`)
}

// Link is an invitation to unlock a campaign.
type Link struct {
	ID            int64
	CampaignID    campaign.ID
	SenderClaimID int64 // 0 for a seed link
	Channel       Channel
	Seats         int
	Claimed       int
	Label         string
	CreatedAt     time.Time
	ExpiresAt     *time.Time
	RevokedAt     *time.Time // revoked links keep serving the devices that claimed them
	Released      int        // released seats waiting for their owner's new device
}

// Minted is a link just created: the only moment its token is known.
type Minted struct {
	ID    int64
	Token string
}

// SeedSpec describes seed links a marketer mints.
type SeedSpec struct {
	Count     int
	Channel   Channel
	Seats     int // 0: the campaign's seats per link
	Label     string
	ExpiresAt *time.Time
}

// MaxSeedBatch is the most seed links minted by one request.
const MaxSeedBatch = 10000

// MintSeeds mints spec.Count seed links of campaign id in one transaction.
// It returns campaign.ErrNotFound, campaign.ErrEnded or a
// *campaign.ValidationError (an expiry not in the future among them).
func (s *Store) MintSeeds(ctx context.Context, id campaign.ID, spec SeedSpec) ([]Minted, error) {
	if spec.Count < 1 || spec.Count > MaxSeedBatch {
		return nil, campaign.Invalid("count", "must be between 1 and %d", MaxSeedBatch)
	}
	if _, err := ParseChannel(string(spec.Channel)); err != nil {
		return nil, err
	}
	if utf8.RuneCountInString(spec.Label) > 100 || !utf8.ValidString(spec.Label) {
		return nil, campaign.Invalid("label", "must be valid UTF-8, at most 100 characters")
	}
	if spec.ExpiresAt != nil && !spec.ExpiresAt.After(s.now()) {
		return nil, campaign.Invalid("expires_at", "must be in the future")
	}
	tx, err := s.db.Write.BeginTx(ctx, nil)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	minted := make([]Minted, 0, spec.Count)
	for range spec.Count {
		m, err := s.mintSeedTx(ctx, tx, id, spec)
		if err != nil {
			return nil, err
		}
		minted = append(minted, m)
	}
	if err := campaign.AddTx(ctx, tx, id, campaign.CountLinks, int64(len(minted))); err != nil {
		return nil, err
	}
	return minted, tx.Commit()
}

// MintSeedTx mints one seed link for channel inside the caller's
// transaction, so a message can be queued in the same commit as the link it
// carries. The caller counts the links it minted (campaign.CountLinks),
// once, at the end of its transaction: notify's Seed does.
func (s *Store) MintSeedTx(ctx context.Context, tx *sql.Tx, id campaign.ID, channel Channel) (Minted, error) {
	return s.mintSeedTx(ctx, tx, id, SeedSpec{Count: 1, Channel: channel})
}

func (s *Store) mintSeedTx(ctx context.Context, tx *sql.Tx, id campaign.ID, spec SeedSpec) (Minted, error) {
	c, err := s.campaignTx(ctx, tx, id)
	if err != nil {
		return Minted{}, err
	}
	if c.Status == campaign.Ended {
		return Minted{}, campaign.ErrEnded
	}
	seats := spec.Seats
	if seats == 0 {
		seats = c.Rules.SeatsPerLink
	}
	if seats < 1 || seats > c.Rules.MaxSeats {
		return Minted{}, campaign.Invalid("seats", "must be between 1 and the campaign's max_seats (%d)", c.Rules.MaxSeats)
	}
	return s.insertLink(ctx, tx, c, 0, spec.Channel, seats, spec.Label, spec.ExpiresAt)
}

// insertLink mints a link. Its caller counts it (campaign.CountLinks),
// last in its transaction: the counter is the campaign's hottest row, and
// a batch of mints holding it throughout would hold up every forward.
func (s *Store) insertLink(ctx context.Context, tx *sql.Tx, c *campaign.Campaign, sender int64, ch Channel, seats int, label string, expires *time.Time) (Minted, error) {
	token, hash := NewToken()
	var senderArg, expiresArg any
	if sender != 0 {
		senderArg = sender
	}
	if expires != nil {
		expiresArg = expires.UnixMilli()
	}
	m := Minted{Token: token}
	err := tx.QueryRowContext(ctx, `INSERT INTO links (campaign_id, token_hash, sender_claim_id, channel, seats, label, created_at, expires_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
		c.ID, hash, senderArg, ch, seats, label, s.now().UnixMilli(), expiresArg).Scan(&m.ID)
	if err != nil {
		return Minted{}, fmt.Errorf("mint link: %w", err)
	}
	return m, nil
}

// Revoke makes link id of campaign cid unusable; its existing claims keep
// their access. It returns ErrNotFound.
func (s *Store) Revoke(ctx context.Context, cid campaign.ID, id int64) error {
	res, err := s.db.Write.ExecContext(ctx, `UPDATE links SET revoked_at = $1
		WHERE id = $2 AND campaign_id = $3 AND revoked_at IS NULL`, s.now().UnixMilli(), id, cid)
	if err != nil {
		return fmt.Errorf("revoke link %d: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ErrNotFound
	}
	return nil
}

const linkColumns = `id, campaign_id, sender_claim_id, channel, seats, claimed, label, created_at, expires_at, revoked_at, released`

// findLinkTx returns the link whose token hashes to hash, revoked or not:
// callers show a revoked link only to the devices that claimed it.
func findLinkTx(ctx context.Context, q campaign.Querier, hash []byte) (*Link, error) {
	return readLinkTx(ctx, q, hash, "")
}

// lockLinkTx is findLinkTx for a write that changes the link's seats: on
// PostgreSQL it locks the row until tx ends, first of all its locks (see
// SCALE-OUT.md 2.2), so that unlocks of one link take turns and each reads
// the seats the one before it left.
func (s *Store) lockLinkTx(ctx context.Context, tx *sql.Tx, hash []byte) (*Link, error) {
	return readLinkTx(ctx, tx, hash, s.db.Dialect.LockRow())
}

// readLinkTx is findLinkTx with lock appended to its SELECT.
func readLinkTx(ctx context.Context, q campaign.Querier, hash []byte, lock string) (*Link, error) {
	var (
		l                Link
		sender           sql.NullInt64
		created          int64
		expires, revoked sql.NullInt64
	)
	err := q.QueryRowContext(ctx, `SELECT `+linkColumns+` FROM links WHERE token_hash = $1`+lock, hash).Scan(
		&l.ID, &l.CampaignID, &sender, &l.Channel, &l.Seats, &l.Claimed, &l.Label, &created, &expires, &revoked, &l.Released)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("find link: %w", err)
	}
	l.SenderClaimID = sender.Int64
	l.CreatedAt = time.UnixMilli(created).UTC()
	l.ExpiresAt, l.RevokedAt = timeOrNil(expires), timeOrNil(revoked)
	return &l, nil
}

// ownedBy reports whether claim (possibly nil) may see the content through
// the link without an exposure: it claimed the link or forwarded it.
func (l *Link) ownedBy(claim *Claim) bool {
	return claim != nil && (claim.LinkID == l.ID || l.SenderClaimID == claim.ID)
}

func timeOrNil(n sql.NullInt64) *time.Time {
	if !n.Valid {
		return nil
	}
	t := time.UnixMilli(n.Int64).UTC()
	return &t
}

// Expired reports whether the link can no longer be unlocked at now.
func (l *Link) Expired(now time.Time) bool {
	return l.ExpiresAt != nil && !now.Before(*l.ExpiresAt)
}
