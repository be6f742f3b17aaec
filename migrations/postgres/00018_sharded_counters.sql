-- Counters gain a shard in their key, as sqlite/00018 says: writers spread
-- a hot campaign's counter over 16 rows, readers sum them (MAX for
-- max_depth). Existing rows become shard 0.

-- +goose Up
ALTER TABLE campaign_counters
    ADD COLUMN shard SMALLINT NOT NULL DEFAULT 0,
    DROP CONSTRAINT campaign_counters_pkey,
    ADD PRIMARY KEY (campaign_id, name, shard);

-- +goose Down
CREATE TEMPORARY TABLE campaign_counters_down AS
SELECT campaign_id, name,
       CAST(CASE WHEN name = 'max_depth' THEN MAX(value) ELSE SUM(value) END AS BIGINT) AS value
  FROM campaign_counters GROUP BY campaign_id, name;
DELETE FROM campaign_counters;
ALTER TABLE campaign_counters DROP CONSTRAINT campaign_counters_pkey, DROP COLUMN shard,
    ADD PRIMARY KEY (campaign_id, name);
INSERT INTO campaign_counters (campaign_id, name, value)
SELECT campaign_id, name, value FROM campaign_counters_down;
DROP TABLE campaign_counters_down;
