package gating

import (
	"time"

	"github.com/sillage/sillage/migrations/storage"
)

// Store keeps links, claims and previews.
type Store struct {
	db        *storage.DB
	now       func() time.Time
	trees     trees
	campaigns campaigns
	writer    writer
	batches   func(Batch) // ObserveBatches
}

// NewStore returns a Store on db that reads the time from now.
func NewStore(db *storage.DB, now func() time.Time) *Store {
	return &Store{db: db, now: func() time.Time { return now().UTC() }}
}
