-- Counts you can trust: leaked links, released seats.

-- +goose Up
ALTER TABLE campaigns ADD COLUMN revoke_leaks BOOLEAN NOT NULL DEFAULT FALSE;

-- A released claim lost its device (a recipient changed phone); the next
-- device to unlock its link takes the node over instead of adding a view.
ALTER TABLE claims ADD COLUMN released_at BIGINT;
ALTER TABLE links ADD COLUMN released INTEGER NOT NULL DEFAULT 0;

CREATE TABLE seat_releases (
    id            INTEGER PRIMARY KEY,
    claim_id      INTEGER NOT NULL REFERENCES claims (id),
    released_at   BIGINT  NOT NULL,
    taken_over_at BIGINT
);
CREATE INDEX seat_releases_claim ON seat_releases (claim_id);

-- +goose Down
DROP TABLE seat_releases;
ALTER TABLE links DROP COLUMN released;
ALTER TABLE claims DROP COLUMN released_at;
ALTER TABLE campaigns DROP COLUMN revoke_leaks;
