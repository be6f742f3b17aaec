-- Counters gain a shard in their key (SCALE-OUT.md 2.5, S13). On
-- PostgreSQL every new view of a campaign updated the one 'views' row and
-- held it until commit, so a hot campaign's views ran one at a time: there
-- writers spread over 16 shards and readers sum them (MAX for max_depth).
-- SQLite has one writer and nothing to spread: it writes shard 0 only,
-- and keeps the column so that both stores run the same SQL.
--
-- SQLite changes a primary key only by rebuilding the table
-- (https://sqlite.org/lang_altertable.html, the twelve steps), with
-- foreign keys off, as 00009 does; every row becomes shard 0.

-- +goose NO TRANSACTION
-- +goose Up
PRAGMA foreign_keys = OFF;

-- +goose StatementBegin
BEGIN IMMEDIATE;
-- +goose StatementEnd

CREATE TABLE new_campaign_counters (
    campaign_id INTEGER  NOT NULL REFERENCES campaigns (id) ON DELETE CASCADE,
    name        TEXT     NOT NULL,
    value       BIGINT   NOT NULL,
    shard       SMALLINT NOT NULL DEFAULT 0,
    PRIMARY KEY (campaign_id, name, shard)
);
INSERT INTO new_campaign_counters (campaign_id, name, value, shard)
SELECT campaign_id, name, value, 0 FROM campaign_counters;
DROP TABLE campaign_counters;
ALTER TABLE new_campaign_counters RENAME TO campaign_counters;

PRAGMA foreign_key_check;

-- +goose StatementBegin
COMMIT;
-- +goose StatementEnd

PRAGMA foreign_keys = ON;

-- +goose Down
PRAGMA foreign_keys = OFF;

-- +goose StatementBegin
BEGIN IMMEDIATE;
-- +goose StatementEnd

CREATE TABLE old_campaign_counters (
    campaign_id INTEGER NOT NULL REFERENCES campaigns (id) ON DELETE CASCADE,
    name        TEXT    NOT NULL,
    value       BIGINT  NOT NULL,
    PRIMARY KEY (campaign_id, name)
);
INSERT INTO old_campaign_counters (campaign_id, name, value)
SELECT campaign_id, name, CASE WHEN name = 'max_depth' THEN MAX(value) ELSE SUM(value) END
  FROM campaign_counters GROUP BY campaign_id, name;
DROP TABLE campaign_counters;
ALTER TABLE old_campaign_counters RENAME TO campaign_counters;

-- +goose StatementBegin
COMMIT;
-- +goose StatementEnd

PRAGMA foreign_keys = ON;
