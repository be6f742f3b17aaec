-- Settings the server keeps for the other processes on the same data:
-- the public base URL that the CLI's links must carry, and the hashes of
-- the one-time setup codes of the first dashboard account (in the
-- database rather than in memory, so that any instance can check a code
-- that another printed). A NULL expires_at never expires.

-- +goose Up
CREATE TABLE settings (
    key        TEXT   PRIMARY KEY,
    value      TEXT   NOT NULL,
    updated_at BIGINT NOT NULL, -- Unix milliseconds
    expires_at BIGINT           -- Unix milliseconds; NULL: never
);

-- +goose Down
DROP TABLE settings;
