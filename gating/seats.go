package gating

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/sillage/sillage/campaign"
	"github.com/sillage/sillage/migrations/storage"
)

// ErrReleased is returned when releasing a seat that is already free.
var ErrReleased = errors.New("seat already released")

// Release frees the seat that claim id of campaign cid holds, for a
// recipient who changed phone: the old device loses access, and the next
// device to unlock the link takes the node over, keeping its place and its
// children in the tree. The event is recorded. It returns ErrNotFound or
// ErrReleased.
func (s *Store) Release(ctx context.Context, cid campaign.ID, id int64) (time.Time, error) {
	tx, err := s.db.Write.BeginTx(ctx, nil)
	if err != nil {
		return time.Time{}, err
	}
	defer tx.Rollback()
	now := s.now()
	var (
		link     int64
		released sql.NullInt64
	)
	err = tx.QueryRowContext(ctx, `SELECT link_id, released_at FROM claims WHERE id = $1 AND campaign_id = $2`, id, cid).Scan(&link, &released)
	if errors.Is(err, sql.ErrNoRows) {
		return time.Time{}, ErrNotFound
	}
	if err != nil {
		return time.Time{}, fmt.Errorf("release seat: %w", err)
	}
	if released.Valid {
		return time.Time{}, ErrReleased
	}
	// The link first, as unlocks take it (SCALE-OUT.md 2.2): a release
	// and a takeover of its seat take turns, and so do two releases.
	if _, err := tx.ExecContext(ctx, `SELECT id FROM links WHERE id = $1`+s.db.Dialect.LockRow(), link); err != nil {
		return time.Time{}, fmt.Errorf("release seat: %w", err)
	}
	// A random hash no cookie can match cuts the old device off.
	_, orphan := NewDevice()
	res, err := tx.ExecContext(ctx, `UPDATE claims SET device_hash = $1, released_at = $2 WHERE id = $3 AND released_at IS NULL`, orphan, now.UnixMilli(), id)
	if err != nil {
		return time.Time{}, fmt.Errorf("release seat: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return time.Time{}, ErrReleased // released meanwhile
	}
	if _, err := tx.ExecContext(ctx, `UPDATE links SET claimed = claimed - 1, released = released + 1 WHERE id = $1`, link); err != nil {
		return time.Time{}, fmt.Errorf("release seat: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO seat_releases (claim_id, released_at) VALUES ($1, $2)`, id, now.UnixMilli()); err != nil {
		return time.Time{}, fmt.Errorf("release seat: %w", err)
	}
	if err := campaign.AddTx(ctx, tx, cid, campaign.CountReleases, 1); err != nil {
		return time.Time{}, err
	}
	return now, tx.Commit()
}

// takeOver gives device the oldest released claim of link, or, when the
// device won a claim of the campaign through another link meanwhile,
// revisits that claim and leaves the seat free for the next device.
func (s *Store) takeOver(ctx context.Context, tx *sql.Tx, link *Link, device []byte, now time.Time) (*Claim, Outcome, error) {
	var id int64
	err := tx.QueryRowContext(ctx, `SELECT id FROM claims WHERE link_id = $1 AND released_at IS NOT NULL ORDER BY id LIMIT 1`, link.ID).Scan(&id)
	if err != nil {
		return nil, 0, fmt.Errorf("take over seat: %w", err)
	}
	// On PostgreSQL the same device may be claiming through another link
	// of the campaign at this moment: this UPDATE then waits for that
	// transaction's entry of the unique key (campaign_id, device_hash) and
	// fails (23505) once it commits. An UPDATE has no ON CONFLICT, so a
	// savepoint undoes it and the unlock goes on as insertClaim's loser
	// does, as a revisit. The re-read decides, not the driver's error
	// code: if the device now holds a claim, one device, one node makes
	// this a revisit whatever stopped the UPDATE; if not, the error stands.
	// On SQLite nothing races (one writer, and unlockTx found no claim of
	// the device in this very transaction), so it runs the UPDATE alone.
	pg := s.db.Dialect == storage.Postgres
	if pg {
		if _, err := tx.ExecContext(ctx, `SAVEPOINT takeover`); err != nil {
			return nil, 0, fmt.Errorf("take over seat: %w", err)
		}
	}
	if _, err := tx.ExecContext(ctx, `UPDATE claims SET device_hash = $1, released_at = NULL WHERE id = $2`, device, id); err != nil {
		if !pg {
			return nil, 0, fmt.Errorf("take over seat: %w", err)
		}
		if _, rerr := tx.ExecContext(ctx, `ROLLBACK TO SAVEPOINT takeover`); rerr != nil {
			return nil, 0, fmt.Errorf("take over seat: %w", err)
		}
		held, outcome, rerr := s.revisitWinner(ctx, tx, link, device, now)
		if errors.Is(rerr, errNoWinner) {
			return nil, 0, fmt.Errorf("take over seat: %w", err)
		}
		return held, outcome, rerr
	}
	if pg {
		if _, err := tx.ExecContext(ctx, `RELEASE SAVEPOINT takeover`); err != nil {
			return nil, 0, fmt.Errorf("take over seat: %w", err)
		}
	}
	if _, err := tx.ExecContext(ctx, `UPDATE links SET claimed = claimed + 1, released = released - 1 WHERE id = $1`, link.ID); err != nil {
		return nil, 0, fmt.Errorf("take over seat: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `UPDATE seat_releases SET taken_over_at = $1 WHERE claim_id = $2 AND taken_over_at IS NULL`, now.UnixMilli(), id); err != nil {
		return nil, 0, fmt.Errorf("take over seat: %w", err)
	}
	// One more device saw the content: reach, not views.
	if err := campaign.AddTx(ctx, tx, link.CampaignID, campaign.CountTakeOvers, 1); err != nil {
		return nil, 0, err
	}
	claim, err := deviceClaimTx(ctx, tx, link.CampaignID, device)
	if err != nil {
		return nil, 0, err
	}
	return claim, TakeOver, nil
}

// Leak is a link that more devices tried than it has seats: it was most
// likely posted publicly.
type Leak struct {
	LinkID        int64
	SenderClaimID int64 // 0 for a seed link
	Channel       Channel
	Label         string
	Seats         int
	Claimed       int
	Refused       int // distinct devices turned away
	Revoked       bool
}

// Leaks lists the leaked links of campaign id, most refused first.
func (s *Store) Leaks(ctx context.Context, id campaign.ID) ([]Leak, error) {
	rows, err := s.db.Read.QueryContext(ctx, `SELECT id, sender_claim_id, channel, label, seats, claimed, refused, revoked_at
		FROM links WHERE campaign_id = $1 AND refused > seats ORDER BY refused DESC, id`, id)
	if err != nil {
		return nil, fmt.Errorf("leaks: %w", err)
	}
	defer rows.Close()
	var leaks []Leak
	for rows.Next() {
		var (
			l       Leak
			sender  sql.NullInt64
			revoked sql.NullInt64
		)
		if err := rows.Scan(&l.LinkID, &sender, &l.Channel, &l.Label, &l.Seats, &l.Claimed, &l.Refused, &revoked); err != nil {
			return nil, fmt.Errorf("leaks: %w", err)
		}
		l.SenderClaimID, l.Revoked = sender.Int64, revoked.Valid
		leaks = append(leaks, l)
	}
	return leaks, rows.Err()
}
