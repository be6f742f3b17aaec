-- A tree refresh that cannot skip rows (SCALE-OUT.md §3). Sequence ids
-- are taken in one order and committed in another, so a refresh that reads
-- "id > the last one read" misses a row whose transaction took its id
-- first and committed last. Each claim and link records the transaction
-- that wrote it (the column's default stamps it: no insert names it), and
-- a refresh reads the rows of the transactions its previous snapshot did
-- not see. pg_current_xact_id() is the top-level transaction even inside
-- a savepoint; xid8 is 64 bits and never wraps. The indexes serve
-- "txid >= pg_snapshot_xmin(previous snapshot)" for one campaign.
-- Existing rows all get this migration's transaction: the first refresh of
-- a campaign reads every row anyway, and snapshots without a feed are
-- passed over.

-- +goose Up
ALTER TABLE claims ADD COLUMN txid xid8 NOT NULL DEFAULT pg_current_xact_id();
ALTER TABLE links  ADD COLUMN txid xid8 NOT NULL DEFAULT pg_current_xact_id();
CREATE INDEX claims_feed ON claims (campaign_id, txid);
CREATE INDEX links_feed  ON links  (campaign_id, txid);
-- The snapshot a saved tree was read under, as pg_current_snapshot() text.
ALTER TABLE tree_snapshots ADD COLUMN feed TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE tree_snapshots DROP COLUMN feed;
DROP INDEX links_feed;
DROP INDEX claims_feed;
ALTER TABLE links  DROP COLUMN txid;
ALTER TABLE claims DROP COLUMN txid;
