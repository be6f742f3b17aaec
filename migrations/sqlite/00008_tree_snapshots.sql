-- A campaign's forward tree as the server last held it in memory, saved
-- when it stops: reading a million claims back through cgo takes seconds,
-- one blob and the rows added since take a fraction of that. The rows stay
-- the truth; a snapshot only says up to which claim and link it holds them.

-- +goose Up
CREATE TABLE tree_snapshots (
    campaign_id INTEGER PRIMARY KEY REFERENCES campaigns (id),
    last_claim  BIGINT NOT NULL,
    last_link   BIGINT NOT NULL,
    data        BLOB NOT NULL,
    saved_at    BIGINT NOT NULL
);

-- +goose Down
DROP TABLE tree_snapshots;
