-- Reading trees fast: refusals are rare, so the few links that have them
-- are found without scanning every link of a campaign.

-- +goose Up
CREATE INDEX links_refused ON links (campaign_id) WHERE refused > 0;

-- +goose Down
DROP INDEX links_refused;
