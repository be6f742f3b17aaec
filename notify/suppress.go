package notify

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/sillage/sillage/campaign"
)

// Suppress puts an address on the opt-out list: an email address, a phone
// number (normalised to E.164 with the default region), or a WhatsApp
// address written whatsapp:+33…. No later message goes to it, on any
// channel. Suppressing twice keeps the first reason. A malformed address is
// a *campaign.ValidationError.
func (s *Store) Suppress(ctx context.Context, address, reason string) error {
	addr, ch, err := s.normalize(address)
	if err != nil {
		return err
	}
	return suppressTx(ctx, s.db.Write, addr, ch, reason, millis(s.now()))
}

// Unsuppress takes an address off the opt-out list, as when someone texts
// START after STOP. It returns ErrNotFound when the address was not on it.
func (s *Store) Unsuppress(ctx context.Context, address string) error {
	addr, _, err := s.normalize(address)
	if err != nil {
		return err
	}
	res, err := s.db.Write.ExecContext(ctx, `DELETE FROM suppressions WHERE address = $1`, addr)
	if err != nil {
		return fmt.Errorf("unsuppress: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ErrNotFound
	}
	return nil
}

// Suppressed reports whether address is on the opt-out list.
func (s *Store) Suppressed(ctx context.Context, address string) (bool, error) {
	addr, _, err := s.normalize(address)
	if err != nil {
		return false, err
	}
	return suppressed(ctx, s.db.Read, addr)
}

func suppressed(ctx context.Context, q querier, addr string) (bool, error) {
	var one int
	err := q.QueryRowContext(ctx, `SELECT 1 FROM suppressions WHERE address = $1`, addr).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("check opt-out: %w", err)
	}
	return true, nil
}

func suppressTx(ctx context.Context, q querier, addr string, ch Channel, reason string, now int64) error {
	if addr == "" {
		return nil // an erased recipient: nothing left to suppress
	}
	_, err := q.ExecContext(ctx, `INSERT INTO suppressions (address, channel, reason, created_at)
		VALUES ($1, $2, $3, $4) ON CONFLICT (address) DO NOTHING`, addr, ch, reason, now)
	if err != nil {
		return fmt.Errorf("suppress: %w", err)
	}
	return nil
}

// AddressRefused reports whether err refuses an address as neither an
// email nor a phone number (SendForMe, Suppress, a contact's address):
// the *campaign.ValidationError of field "address" that normalize returns.
func AddressRefused(err error) bool {
	v, ok := errors.AsType[*campaign.ValidationError](err)
	return ok && v.Field == "address"
}

// normalize returns the address as contacts and messages store it, and the
// channel it implies.
func (s *Store) normalize(address string) (string, Channel, error) {
	a := strings.TrimSpace(address)
	ch := SMS
	if rest, ok := strings.CutPrefix(strings.ToLower(a), "whatsapp:"); ok {
		a, ch = strings.TrimSpace(rest), WhatsApp
	}
	if strings.Contains(a, "@") {
		e, why := parseEmail(a)
		if why != nil {
			return "", "", about(why, "address")
		}
		return e, Email, nil
	}
	p, why := parsePhone(a, s.cfg.DefaultRegion)
	if why != nil {
		return "", "", about(why, "address")
	}
	return p, ch, nil
}
