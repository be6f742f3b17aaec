-- Where a saved tree stops, as a PostgreSQL snapshot (SCALE-OUT.md §3):
-- there ids are taken in one order and committed in another, so "every
-- claim up to id N" can miss one committed later. SQLite has one writer,
-- commits in id order, and keeps the feed empty: only the column is added
-- here, so that both stores hold the same tables.

-- +goose Up
ALTER TABLE tree_snapshots ADD COLUMN feed TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE tree_snapshots DROP COLUMN feed;
