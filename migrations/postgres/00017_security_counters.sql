-- The security alert counters, as sqlite/00017 says; name is compared
-- bytewise, as in SQLite.

-- +goose Up
CREATE TABLE security_counters (
    name  TEXT   COLLATE "C" NOT NULL,
    day   BIGINT NOT NULL,
    value BIGINT NOT NULL,
    PRIMARY KEY (name, day)
);

-- +goose Down
DROP TABLE security_counters;
