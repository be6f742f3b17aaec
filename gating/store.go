package gating

import (
	"time"

	"github.com/sillage/sillage/migrations"
)

// Store keeps links, claims and previews.
type Store struct {
	db        *migrations.DB
	now       func() time.Time
	trees     trees
	campaigns campaigns
	writer    writer
	batches   func(Batch) // ObserveBatches
}

// NewStore returns a Store on db that reads the time from now.
func NewStore(db *migrations.DB, now func() time.Time) *Store {
	return &Store{db: db, now: func() time.Time { return now().UTC() }}
}
