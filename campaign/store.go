package campaign

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/sillage/sillage/migrations/storage"
)

// Store keeps campaigns in the database and their content files in Files:
// the data directory's content folder unless SetFiles says otherwise.
type Store struct {
	db       *storage.DB
	dataDir  string
	files    Files
	now      func() time.Time
	log      *slog.Logger
	watchers []func(ID)
}

// SetLogger sets where the store logs what it cannot return: content
// files it failed to remove, and what Sweep did. The default is
// slog.Default().
func (s *Store) SetLogger(log *slog.Logger) { s.log = log }

// Watch registers fn to be called after every change to a campaign, so
// that caches of campaign rows elsewhere drop theirs at once.
func (s *Store) Watch(fn func(ID)) { s.watchers = append(s.watchers, fn) }

func (s *Store) changed(id ID) {
	for _, fn := range s.watchers {
		fn(id)
	}
}

// NewStore returns a Store on db that keeps uploaded files under dataDir
// (LocalFiles) and reads the time from now.
func NewStore(db *storage.DB, dataDir string, now func() time.Time) *Store {
	return &Store{db: db, dataDir: dataDir, files: LocalFiles(dataDir), now: now, log: slog.Default()}
}

// Querier is what both *sql.DB and *sql.Tx offer: other packages pass their
// own transaction to this package's Tx helpers.
type Querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

const campaignColumns = `id, title, language, status,
	teaser_title, teaser_description, teaser_image_url, teaser_image_path, teaser_image_type,
	content_kind, content_type, content_text, content_path, content_name, content_size,
	seats_per_link, max_seats, forwards_per_claim, max_depth, link_lifetime, view_cap, send_for_me, revoke_leaks,
	max_claims_per_network, send_for_me_countries,
	starts_at, ends_at, created_at, updated_at,
	teaser_image_alt, teaser_image_width, teaser_image_height,
	content_alt, content_width, content_height, content_transcript, captions_path, milestones`

// Create stores c as a new draft and sets its ID and times. It returns a
// *ValidationError for bad input.
func (s *Store) Create(ctx context.Context, c *Campaign) error {
	c.Status = Draft
	if c.Milestones.Views == nil && c.Milestones.Depth == nil {
		c.Milestones = DefaultMilestones()
	}
	if err := c.Validate(); err != nil {
		return err
	}
	now := s.now().UTC()
	c.CreatedAt, c.UpdatedAt = now, now
	r := c.Rules
	// In a transaction whose commit is checked: an autocommit
	// INSERT ... RETURNING read by Scan hands back an id even when a full
	// disk fails the commit that Scan never sees.
	tx, err := s.db.Write.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("create campaign: %w", err)
	}
	defer tx.Rollback()
	var id ID
	err = tx.QueryRowContext(ctx, `INSERT INTO campaigns (title, language, status,
		teaser_title, teaser_description, teaser_image_url,
		seats_per_link, max_seats, forwards_per_claim, max_depth, link_lifetime, view_cap, send_for_me, revoke_leaks,
		max_claims_per_network, send_for_me_countries,
		starts_at, ends_at, created_at, updated_at,
		teaser_image_alt, content_alt, content_transcript, milestones)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24)
		RETURNING id`,
		c.Title, c.Language, c.Status,
		c.Teaser.Title, c.Teaser.Description, c.Teaser.ImageURL,
		r.SeatsPerLink, r.MaxSeats, r.ForwardsPerClaim, r.MaxDepth, int64(r.LinkLifetime/time.Second), r.ViewCap, r.SendForMe, r.RevokeLeaks,
		r.MaxClaimsPerNetwork, strings.Join(r.SendForMeCountries, ","),
		millisOrNil(c.StartsAt), millisOrNil(c.EndsAt), now.UnixMilli(), now.UnixMilli(),
		c.Teaser.ImageAlt, c.Content.Alt, c.Content.Transcript, c.Milestones.encode(),
	).Scan(&id)
	if err != nil {
		return fmt.Errorf("create campaign: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("create campaign: %w", err)
	}
	c.ID = id
	return nil
}

// Find returns the campaign with id, or ErrNotFound.
func (s *Store) Find(ctx context.Context, id ID) (*Campaign, error) {
	return FindTx(ctx, s.db.Read, id)
}

// FindTx is Find inside the caller's transaction.
func FindTx(ctx context.Context, q Querier, id ID) (*Campaign, error) {
	c, err := scanCampaign(q.QueryRowContext(ctx, `SELECT `+campaignColumns+` FROM campaigns WHERE id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("find campaign %d: %w", id, err)
	}
	return c, nil
}

// List returns every campaign, newest first.
func (s *Store) List(ctx context.Context) ([]*Campaign, error) {
	rows, err := s.db.Read.QueryContext(ctx, `SELECT `+campaignColumns+` FROM campaigns ORDER BY id DESC`)
	if err != nil {
		return nil, fmt.Errorf("list campaigns: %w", err)
	}
	defer rows.Close()
	var list []*Campaign
	for rows.Next() {
		c, err := scanCampaign(rows)
		if err != nil {
			return nil, fmt.Errorf("list campaigns: %w", err)
		}
		list = append(list, c)
	}
	return list, rows.Err()
}

// Update loads the campaign, lets edit change it, validates and saves it, all
// in one transaction. It returns ErrNotFound, edit's error, or a
// *ValidationError. Status and content have their own methods.
func (s *Store) Update(ctx context.Context, id ID, edit func(*Campaign) error) (*Campaign, error) {
	tx, err := s.db.Write.BeginTx(ctx, nil)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	c, err := FindTx(ctx, tx, id)
	if err != nil {
		return nil, err
	}
	if err := edit(c); err != nil {
		return nil, err
	}
	if err := c.Validate(); err != nil {
		return nil, err
	}
	c.UpdatedAt = s.now().UTC()
	r := c.Rules
	_, err = tx.ExecContext(ctx, `UPDATE campaigns SET title = $1, language = $2,
		teaser_title = $3, teaser_description = $4, teaser_image_url = $5,
		seats_per_link = $6, max_seats = $7, forwards_per_claim = $8, max_depth = $9,
		link_lifetime = $10, view_cap = $11, send_for_me = $12, revoke_leaks = $13,
		max_claims_per_network = $14, send_for_me_countries = $15,
		starts_at = $16, ends_at = $17, updated_at = $18,
		teaser_image_alt = $19, content_alt = $20, content_transcript = $21, milestones = $22
		WHERE id = $23`,
		c.Title, c.Language, c.Teaser.Title, c.Teaser.Description, c.Teaser.ImageURL,
		r.SeatsPerLink, r.MaxSeats, r.ForwardsPerClaim, r.MaxDepth,
		int64(r.LinkLifetime/time.Second), r.ViewCap, r.SendForMe, r.RevokeLeaks,
		r.MaxClaimsPerNetwork, strings.Join(r.SendForMeCountries, ","),
		millisOrNil(c.StartsAt), millisOrNil(c.EndsAt), c.UpdatedAt.UnixMilli(),
		c.Teaser.ImageAlt, c.Content.Alt, c.Content.Transcript, c.Milestones.encode(), c.ID)
	if err != nil {
		return nil, fmt.Errorf("update campaign %d: %w", id, err)
	}
	if err := tx.Commit(); err != nil {
		return nil, err
	}
	s.changed(id)
	return c, nil
}

// SetStatus moves the campaign to status to. It returns ErrNotFound, or
// ErrTransition for a change the lifecycle does not allow, or ErrNoContent
// when going live without content.
func (s *Store) SetStatus(ctx context.Context, id ID, to Status) (*Campaign, error) {
	tx, err := s.db.Write.BeginTx(ctx, nil)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	c, err := FindTx(ctx, tx, id)
	if err != nil {
		return nil, err
	}
	if !CanMove(c.Status, to) {
		return nil, fmt.Errorf("%w: %s to %s", ErrTransition, c.Status, to)
	}
	if to == Live && c.Content.Kind == NoContent {
		return nil, ErrNoContent
	}
	c.Status, c.UpdatedAt = to, s.now().UTC()
	if _, err := tx.ExecContext(ctx, `UPDATE campaigns SET status = $1, updated_at = $2 WHERE id = $3`,
		c.Status, c.UpdatedAt.UnixMilli(), c.ID); err != nil {
		return nil, fmt.Errorf("set status of campaign %d: %w", id, err)
	}
	if err := tx.Commit(); err != nil {
		return nil, err
	}
	s.changed(id)
	return c, nil
}

type scanner interface{ Scan(dest ...any) error }

func scanCampaign(row scanner) (*Campaign, error) {
	var (
		c                Campaign
		lifetime         int64
		starts, ends     sql.NullInt64
		created, updated int64
		countries        string
		milestones       string
	)
	err := row.Scan(&c.ID, &c.Title, &c.Language, &c.Status,
		&c.Teaser.Title, &c.Teaser.Description, &c.Teaser.ImageURL, &c.Teaser.ImagePath, &c.Teaser.ImageType,
		&c.Content.Kind, &c.Content.Type, &c.Content.Text, &c.Content.Path, &c.Content.Name, &c.Content.Size,
		&c.Rules.SeatsPerLink, &c.Rules.MaxSeats, &c.Rules.ForwardsPerClaim, &c.Rules.MaxDepth,
		&lifetime, &c.Rules.ViewCap, &c.Rules.SendForMe, &c.Rules.RevokeLeaks,
		&c.Rules.MaxClaimsPerNetwork, &countries,
		&starts, &ends, &created, &updated,
		&c.Teaser.ImageAlt, &c.Teaser.ImageWidth, &c.Teaser.ImageHeight,
		&c.Content.Alt, &c.Content.Width, &c.Content.Height, &c.Content.Transcript, &c.Content.CaptionsPath, &milestones)
	if err != nil {
		return nil, err
	}
	c.Rules.LinkLifetime = time.Duration(lifetime) * time.Second
	if countries != "" {
		c.Rules.SendForMeCountries = strings.Split(countries, ",")
	}
	c.StartsAt, c.EndsAt = timeOrNil(starts), timeOrNil(ends)
	c.Milestones = decodeMilestones(milestones)
	c.CreatedAt, c.UpdatedAt = time.UnixMilli(created).UTC(), time.UnixMilli(updated).UTC()
	return &c, nil
}

func millisOrNil(t *time.Time) any {
	if t == nil {
		return nil
	}
	return t.UnixMilli()
}

func timeOrNil(n sql.NullInt64) *time.Time {
	if !n.Valid {
		return nil
	}
	t := time.UnixMilli(n.Int64).UTC()
	return &t
}
