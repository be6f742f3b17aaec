package gating

import (
	"context"
	"time"

	"github.com/sillage/sillage/campaign"
	"github.com/sillage/sillage/migrations"
)

// Store keeps links, claims and previews.
type Store struct {
	db    *migrations.DB
	now   func() time.Time
	trees trees
}

// NewStore returns a Store on db that reads the time from now.
func NewStore(db *migrations.DB, now func() time.Time) *Store {
	return &Store{db: db, now: func() time.Time { return now().UTC() }}
}

func (s *Store) campaignTx(ctx context.Context, q campaign.Querier, id campaign.ID) (*campaign.Campaign, error) {
	return campaign.FindTx(ctx, q, id)
}
