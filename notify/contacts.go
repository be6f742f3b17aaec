package notify

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/sillage/sillage/campaign"
)

// Contact is a person a campaign is seeded to. Contacts live apart from the
// forward tree and can be erased.
type Contact struct {
	ID         int64     `json:"id"`
	CampaignID int64     `json:"campaign_id"`
	Name       string    `json:"name"`
	Email      string    `json:"email,omitempty"`
	Phone      string    `json:"phone,omitempty"` // E.164
	Channel    Channel   `json:"channel"`
	Address    string    `json:"address"` // Email or Phone, as Channel needs
	Language   string    `json:"language"`
	CreatedAt  time.Time `json:"created_at"`
	UpdatedAt  time.Time `json:"updated_at"`
}

// Import reads a contact file into the campaign's contacts: CSV, UTF-8
// with or without BOM, separated by commas or semicolons, with a header row
// naming the columns name, email, phone, channel and language in any order
// and case. Rows naming an address already in the file or in the campaign
// are merged into that contact; what a later row says wins, what it leaves
// empty does not erase.
//
// A file-level problem (too large, empty, no usable header) is a
// *campaign.ValidationError. When rows are rejected and opts.SkipInvalid is not set,
// nothing is imported and Import returns the result listing them together
// with ErrInvalidRows. An unknown campaign is ErrNotFound.
func (s *Store) Import(ctx context.Context, campaignID int64, r io.Reader, opts ImportOptions) (*ImportResult, error) {
	if opts.MaxBytes <= 0 {
		opts.MaxBytes = DefaultMaxImportBytes
	}
	if opts.MaxRows <= 0 {
		opts.MaxRows = DefaultMaxImportRows
	}
	c, err := findCampaign(ctx, s.db.Read, campaignID)
	if err != nil {
		return nil, err
	}
	// Parse before taking the write lock: a 20 MB file takes a while.
	f, err := parseContacts(r, opts, s.cfg.DefaultRegion, c.Language)
	if err != nil {
		return nil, err
	}
	res := &ImportResult{Merged: f.merged, Rejected: f.rejected}
	if res.Rejected == nil {
		res.Rejected = []RowError{}
	}
	if len(f.rejected) > 0 && !opts.SkipInvalid {
		res.Merged = 0
		return res, ErrInvalidRows
	}

	// Chunks keep the single writer free for recipients' unlocks between
	// them. A database failure halfway leaves the chunks before it; the
	// same file imported again completes it, since rows merge.
	for rows := f.rows; len(rows) > 0; {
		n := min(len(rows), importChunk)
		if err := s.importChunk(ctx, campaignID, rows[:n], res); err != nil {
			return nil, err
		}
		rows = rows[n:]
	}
	return res, nil
}

// importChunk is how many contacts one import transaction writes.
const importChunk = 2000

// importChunk stores rows in one transaction, counting into res.
func (s *Store) importChunk(ctx context.Context, campaignID int64, rows []contactRow, res *ImportResult) error {
	tx, err := s.db.Write.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if _, err := findCampaign(ctx, tx, campaignID); err != nil {
		return err
	}
	find, err := tx.PrepareContext(ctx, `SELECT id FROM contacts WHERE campaign_id = $1 AND address = $2`)
	if err != nil {
		return err
	}
	defer find.Close()
	insert, err := tx.PrepareContext(ctx, `INSERT INTO contacts
		(campaign_id, name, email, phone, channel, address, language, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8)`)
	if err != nil {
		return err
	}
	defer insert.Close()
	// A later import fills in and corrects, it never blanks: the same rule
	// as duplicates inside one file.
	update, err := tx.PrepareContext(ctx, `UPDATE contacts SET
		name = CASE WHEN $1 = '' THEN name ELSE $1 END,
		email = CASE WHEN $2 = '' THEN email ELSE $2 END,
		phone = CASE WHEN $3 = '' THEN phone ELSE $3 END,
		channel = CASE WHEN $4 THEN $5 ELSE channel END,
		language = CASE WHEN $6 THEN $7 ELSE language END,
		updated_at = $8
		WHERE id = $9`)
	if err != nil {
		return err
	}
	defer update.Close()
	now := millis(s.now())
	imported, merged := 0, 0
	for _, row := range rows {
		var id int64
		err := find.QueryRowContext(ctx, campaignID, row.address()).Scan(&id)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			_, err = insert.ExecContext(ctx, campaignID, row.name, row.email, row.phone, row.channel, row.address(), row.language, now)
			imported++
		case err == nil:
			_, err = update.ExecContext(ctx, row.name, row.email, row.phone, row.channelSet, row.channel, row.languageSet, row.language, now, id)
			merged++
		}
		if err != nil {
			return fmt.Errorf("import contact of line %d: %w", row.line, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return err
	}
	res.Imported += imported
	res.Merged += merged
	return nil
}

const contactColumns = `id, campaign_id, name, email, phone, channel, address, language, created_at, updated_at`

func scanContact(sc interface{ Scan(...any) error }) (Contact, error) {
	var c Contact
	var created, updated int64
	err := sc.Scan(&c.ID, &c.CampaignID, &c.Name, &c.Email, &c.Phone, &c.Channel, &c.Address, &c.Language, &created, &updated)
	c.CreatedAt, c.UpdatedAt = fromMillis(created), fromMillis(updated)
	return c, err
}

// Contacts returns up to limit contacts of the campaign with an id above
// after, in id order (limit 0: 1000).
func (s *Store) Contacts(ctx context.Context, campaignID, after int64, limit int) ([]Contact, error) {
	if limit <= 0 || limit > 10000 {
		limit = 1000
	}
	return s.queryContacts(ctx, "list contacts", `WHERE campaign_id = $1 AND id > $2 ORDER BY id LIMIT $3`, campaignID, after, limit)
}

// FindContacts returns the campaign's contacts with this email address or
// phone number, written any way the import accepts (a phone without its
// +country prefix is read in the default region): the person who asks
// for their data or their erasure.
func (s *Store) FindContacts(ctx context.Context, campaignID int64, address string) ([]Contact, error) {
	address = strings.TrimSpace(address)
	var (
		norm   string
		why    *campaign.ValidationError
		column = "email"
	)
	if strings.Contains(address, "@") {
		norm, why = parseEmail(address)
	} else {
		column = "phone"
		norm, why = parsePhone(address, s.cfg.DefaultRegion)
	}
	if why != nil {
		return nil, about(why, "address")
	}
	return s.queryContacts(ctx, "find contacts", `WHERE campaign_id = $1 AND `+column+` = $2 ORDER BY id`, campaignID, norm)
}

// queryContacts reads the contacts that where selects.
func (s *Store) queryContacts(ctx context.Context, what, where string, args ...any) ([]Contact, error) {
	rows, err := s.db.Read.QueryContext(ctx, `SELECT `+contactColumns+` FROM contacts `+where, args...)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	defer rows.Close()
	list := []Contact{}
	for rows.Next() {
		c, err := scanContact(rows)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", what, err)
		}
		list = append(list, c)
	}
	return list, rows.Err()
}

// Erase removes a contact and blanks the recipient and bodies of every
// message that named it; the messages keep their status and times, so
// figures stay whole. Opt-outs are kept: honouring one needs the address.
// It returns ErrNotFound for an unknown contact.
func (s *Store) Erase(ctx context.Context, contactID int64) error {
	tx, err := s.db.Write.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	var campaignID int64
	var address string
	err = tx.QueryRowContext(ctx, `SELECT campaign_id, address FROM contacts WHERE id = $1`, contactID).Scan(&campaignID, &address)
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("contact %d: %w", contactID, ErrNotFound)
	}
	if err != nil {
		return fmt.Errorf("erase contact %d: %w", contactID, err)
	}
	// Messages sent for someone else ("send it for me") name the address
	// without a contact id.
	_, err = tx.ExecContext(ctx, `UPDATE messages SET `+eraseSet+`
		WHERE contact_id = $2 OR (campaign_id = $3 AND recipient = $4)`,
		millis(s.now()), contactID, campaignID, address)
	if err != nil {
		return fmt.Errorf("erase contact %d: %w", contactID, err)
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM contacts WHERE id = $1`, contactID); err != nil {
		return fmt.Errorf("erase contact %d: %w", contactID, err)
	}
	if err := tx.Commit(); err != nil {
		return err
	}
	s.checkpoint(ctx)
	return nil
}

// eraseSet blanks what a message says about its recipient, $1 being the
// time; status and times stay, so figures stay whole. A provider's error
// may quote the address: it goes too. A message still queued has nobody to
// go to any more: it fails.
const eraseSet = `recipient = '', subject = '', body_text = '', body_html = '',
		content_variables = '', contact_id = NULL, updated_at = $1,
		last_error = CASE WHEN status = 'queued' THEN 'recipient erased' ELSE REPLACE(last_error, recipient, '') END,
		status = CASE WHEN status = 'queued' THEN 'failed' ELSE status END`
