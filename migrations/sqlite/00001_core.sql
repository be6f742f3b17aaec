-- The core loop: campaigns, links, claims (the nodes of the forward tree).
-- Times are Unix milliseconds in UTC, computed in Go from an injected clock:
-- integers are portable, compact and fast to scan for million-node trees.

-- +goose Up
CREATE TABLE api_keys (
    id         INTEGER PRIMARY KEY,
    name       TEXT    NOT NULL,
    key_hash   BLOB    NOT NULL UNIQUE,
    created_at BIGINT  NOT NULL,
    revoked_at BIGINT
);

CREATE TABLE campaigns (
    id                 INTEGER PRIMARY KEY,
    title              TEXT    NOT NULL,
    language           TEXT    NOT NULL,
    status             TEXT    NOT NULL,
    teaser_title       TEXT    NOT NULL,
    teaser_description TEXT    NOT NULL,
    teaser_image_url   TEXT    NOT NULL,
    teaser_image_path  TEXT    NOT NULL DEFAULT '',
    teaser_image_type  TEXT    NOT NULL DEFAULT '',
    content_kind       TEXT    NOT NULL DEFAULT '',
    content_type       TEXT    NOT NULL DEFAULT '',
    content_text       TEXT    NOT NULL DEFAULT '',
    content_path       TEXT    NOT NULL DEFAULT '',
    content_name       TEXT    NOT NULL DEFAULT '',
    content_size       BIGINT  NOT NULL DEFAULT 0,
    seats_per_link     INTEGER NOT NULL,
    max_seats          INTEGER NOT NULL,
    forwards_per_claim INTEGER NOT NULL,
    max_depth          INTEGER NOT NULL,
    link_lifetime      BIGINT  NOT NULL,
    view_cap           BIGINT  NOT NULL,
    send_for_me        BOOLEAN NOT NULL,
    starts_at          BIGINT,
    ends_at            BIGINT,
    created_at         BIGINT  NOT NULL,
    updated_at         BIGINT  NOT NULL
);

-- Headline figures kept at write time so a dashboard reads them in O(1).
CREATE TABLE campaign_counters (
    campaign_id INTEGER NOT NULL REFERENCES campaigns (id) ON DELETE CASCADE,
    name        TEXT    NOT NULL,
    value       BIGINT  NOT NULL,
    PRIMARY KEY (campaign_id, name)
);

-- A link is an invitation to unlock; only the SHA-256 of its token is kept.
CREATE TABLE links (
    id               INTEGER PRIMARY KEY,
    campaign_id      INTEGER NOT NULL REFERENCES campaigns (id),
    token_hash       BLOB    NOT NULL UNIQUE,
    sender_claim_id  INTEGER REFERENCES claims (id),
    channel          TEXT    NOT NULL,
    seats            INTEGER NOT NULL,
    claimed          INTEGER NOT NULL DEFAULT 0,
    label            TEXT    NOT NULL DEFAULT '',
    created_at       BIGINT  NOT NULL,
    expires_at       BIGINT,
    revoked_at       BIGINT,
    first_claimed_at BIGINT,
    previews         INTEGER NOT NULL DEFAULT 0,
    refused          INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX links_campaign ON links (campaign_id, id);
CREATE INDEX links_sender ON links (sender_claim_id);

-- A claim is one device unlocking one link: a node of the forward tree.
-- The unique key makes a device one node per campaign.
CREATE TABLE claims (
    id          INTEGER PRIMARY KEY,
    campaign_id INTEGER NOT NULL REFERENCES campaigns (id),
    link_id     INTEGER NOT NULL REFERENCES links (id),
    parent_id   INTEGER REFERENCES claims (id),
    device_hash BLOB    NOT NULL,
    depth       INTEGER NOT NULL,
    channel     TEXT    NOT NULL,
    forwards    INTEGER NOT NULL DEFAULT 0,
    claimed_at  BIGINT  NOT NULL,
    UNIQUE (campaign_id, device_hash)
);

-- A device that already holds a claim unlocking another link of the campaign.
CREATE TABLE exposures (
    claim_id   INTEGER NOT NULL REFERENCES claims (id),
    link_id    INTEGER NOT NULL REFERENCES links (id),
    created_at BIGINT  NOT NULL,
    PRIMARY KEY (claim_id, link_id)
);

-- Devices turned away by a full link: more of them than seats means a leak.
CREATE TABLE refusals (
    link_id     INTEGER NOT NULL REFERENCES links (id),
    device_hash BLOB    NOT NULL,
    created_at  BIGINT  NOT NULL,
    PRIMARY KEY (link_id, device_hash)
);

-- A preview fetcher or mail scanner saw the teaser: never a view.
CREATE TABLE previews (
    id          INTEGER PRIMARY KEY,
    campaign_id INTEGER NOT NULL REFERENCES campaigns (id),
    link_id     INTEGER NOT NULL REFERENCES links (id),
    agent       TEXT    NOT NULL,
    created_at  BIGINT  NOT NULL
);
CREATE INDEX previews_campaign ON previews (campaign_id, id);

-- +goose Down
DROP TABLE previews;
DROP TABLE refusals;
DROP TABLE exposures;
DROP TABLE claims;
DROP TABLE links;
DROP TABLE campaign_counters;
DROP TABLE campaigns;
DROP TABLE api_keys;
