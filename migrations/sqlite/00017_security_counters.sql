-- The security alert counters (token-guessing bursts, unlocks refused by
-- the limits), shared by every instance on the database: each adds what
-- it counted to the day's row every 30 s and at shutdown, and the alerts
-- sum the rows, so that no instance's figures stand for the whole, and a
-- restart loses at most what had not been added yet. day is days since
-- the Unix epoch (UTC).

-- +goose Up
CREATE TABLE security_counters (
    name  TEXT   NOT NULL,
    day   BIGINT NOT NULL,
    value BIGINT NOT NULL,
    PRIMARY KEY (name, day)
);

-- +goose Down
DROP TABLE security_counters;
