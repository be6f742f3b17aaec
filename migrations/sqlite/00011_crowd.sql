-- One person must not be a crowd. A claim remembers the network it came
-- from as a hash whose salt lives only in memory and changes every day
-- (never an address): enough to cap claims per network per campaign and
-- to show how concentrated a campaign's views are. Claims made before
-- this migration have no network: they count as unknown, not as one.
-- "Send it for me" messages remember theirs too, for a cap per network,
-- and a campaign lists the countries it sends texts to.

-- +goose Up
ALTER TABLE claims ADD COLUMN network BLOB;
CREATE INDEX claims_network ON claims (campaign_id, network) WHERE network IS NOT NULL;

-- Existing campaigns get the cap of new ones: 10 claims per network a day.
ALTER TABLE campaigns ADD COLUMN max_claims_per_network INTEGER NOT NULL DEFAULT 10;
-- Comma-separated ISO 3166 codes; empty: the server's default region.
ALTER TABLE campaigns ADD COLUMN send_for_me_countries TEXT NOT NULL DEFAULT '';

ALTER TABLE messages ADD COLUMN network BLOB;
CREATE INDEX messages_network ON messages (network, created_at) WHERE network IS NOT NULL;

-- +goose Down
DROP INDEX messages_network;
ALTER TABLE messages DROP COLUMN network;
ALTER TABLE campaigns DROP COLUMN send_for_me_countries;
ALTER TABLE campaigns DROP COLUMN max_claims_per_network;
DROP INDEX claims_network;
ALTER TABLE claims DROP COLUMN network;
