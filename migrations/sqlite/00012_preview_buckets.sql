-- A preview counts once per link, app and hour: a script fetching a link
-- in a loop with a chat app's User-Agent wrote one row per request.
-- Existing rows are folded the same way, and the links' and campaigns'
-- preview counters recounted from the rows they now mirror.

-- +goose Up
CREATE TABLE previews_hourly (
    id          INTEGER PRIMARY KEY,
    campaign_id INTEGER NOT NULL REFERENCES campaigns (id),
    link_id     INTEGER NOT NULL REFERENCES links (id),
    agent       TEXT    NOT NULL,
    bucket      BIGINT  NOT NULL, -- hours since 1970: created_at / 3600000
    created_at  BIGINT  NOT NULL, -- the first fetch of the hour
    UNIQUE (link_id, agent, bucket)
);
INSERT INTO previews_hourly (campaign_id, link_id, agent, bucket, created_at)
    SELECT campaign_id, link_id, agent, created_at / 3600000, MIN(created_at)
    FROM previews
    GROUP BY campaign_id, link_id, agent, created_at / 3600000;
DROP TABLE previews;
ALTER TABLE previews_hourly RENAME TO previews;
CREATE INDEX previews_campaign ON previews (campaign_id, id);
UPDATE links SET previews = (SELECT COUNT(*) FROM previews WHERE previews.link_id = links.id)
    WHERE previews > 0;
UPDATE campaign_counters SET value = (SELECT COUNT(*) FROM previews WHERE previews.campaign_id = campaign_counters.campaign_id)
    WHERE name = 'previews';

-- +goose Down
CREATE TABLE previews_all (
    id          INTEGER PRIMARY KEY,
    campaign_id INTEGER NOT NULL REFERENCES campaigns (id),
    link_id     INTEGER NOT NULL REFERENCES links (id),
    agent       TEXT    NOT NULL,
    created_at  BIGINT  NOT NULL
);
INSERT INTO previews_all (id, campaign_id, link_id, agent, created_at)
    SELECT id, campaign_id, link_id, agent, created_at FROM previews;
DROP TABLE previews;
ALTER TABLE previews_all RENAME TO previews;
CREATE INDEX previews_campaign ON previews (campaign_id, id);
