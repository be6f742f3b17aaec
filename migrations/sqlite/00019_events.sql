-- Integrations (INTEGRATIONS.md): the events of each campaign, in one
-- numbered log that webhooks and the live stream both read, and the
-- webhook endpoints with their queues and delivery log.
--
-- event_inbox holds the rare events (a leak, a status change, a delivery's
-- status, an erasure), written in the transaction that causes them; the
-- pump moves them into event_log with the views and forwards it reads from
-- the claims and links themselves, and deletes them in that transaction.

-- +goose Up
CREATE TABLE event_inbox (
    id          INTEGER PRIMARY KEY,
    campaign_id INTEGER NOT NULL REFERENCES campaigns (id),
    type        TEXT    NOT NULL,
    body        TEXT    NOT NULL, -- the event's data, as JSON
    created_at  BIGINT  NOT NULL  -- Unix milliseconds
);
CREATE INDEX event_inbox_campaign ON event_inbox (campaign_id, id);

-- Where the pump stands in each campaign: the last sequence number given,
-- the running figures milestones are measured on, and the state last seen
-- (a scheduled start or end changes no row). feed is PostgreSQL's
-- snapshot text; SQLite's feed is one cursor for every campaign, kept in
-- the settings row events:feed.
CREATE TABLE event_cursors (
    campaign_id INTEGER PRIMARY KEY REFERENCES campaigns (id),
    feed        TEXT    NOT NULL DEFAULT '',
    seq         BIGINT  NOT NULL DEFAULT 0,
    views       BIGINT  NOT NULL DEFAULT 0,
    max_depth   INTEGER NOT NULL DEFAULT 0,
    state       TEXT    NOT NULL DEFAULT '',
    updated_at  BIGINT  NOT NULL
);

CREATE TABLE event_log (
    campaign_id INTEGER NOT NULL REFERENCES campaigns (id),
    seq         BIGINT  NOT NULL,
    type        TEXT    NOT NULL,
    body        TEXT    NOT NULL, -- the event's data, as JSON
    created_at  BIGINT  NOT NULL,
    PRIMARY KEY (campaign_id, seq)
);
CREATE INDEX event_log_created ON event_log (created_at);

-- Milestones a campaign raises events for: {"views":[100,1000],"depth":[5]}.
-- Empty: the defaults.
ALTER TABLE campaigns ADD COLUMN milestones TEXT NOT NULL DEFAULT '';

-- An endpoint with no campaign receives every campaign's events. The
-- secret is sealed with the body key, like message bodies.
CREATE TABLE webhook_endpoints (
    id              INTEGER PRIMARY KEY,
    campaign_id     INTEGER REFERENCES campaigns (id),
    url             TEXT    NOT NULL,
    events          TEXT    NOT NULL, -- space-separated event types
    secret          TEXT    NOT NULL,
    old_secret      TEXT    NOT NULL DEFAULT '', -- signs too until old_until, after a rotation
    old_until       BIGINT,
    description     TEXT    NOT NULL DEFAULT '',
    enabled         BOOLEAN NOT NULL,
    disabled_reason TEXT    NOT NULL DEFAULT '',
    failing_since   BIGINT,
    created_at      BIGINT  NOT NULL,
    updated_at      BIGINT  NOT NULL
);

-- One queue per endpoint and campaign: the next event to send, and the
-- retry state of that head. The pump raises last_seq; the worker alone
-- moves next_seq.
CREATE TABLE webhook_queues (
    endpoint_id     INTEGER NOT NULL REFERENCES webhook_endpoints (id) ON DELETE CASCADE,
    campaign_id     INTEGER NOT NULL,
    next_seq        BIGINT  NOT NULL,
    last_seq        BIGINT  NOT NULL,
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at BIGINT  NOT NULL,
    lease_owner     TEXT,
    lease_until     BIGINT,
    last_code       INTEGER,
    last_error      TEXT    NOT NULL DEFAULT '',
    PRIMARY KEY (endpoint_id, campaign_id)
);
CREATE INDEX webhook_queues_due ON webhook_queues (next_attempt_at);

-- One row per event per endpoint once it ended (delivered or failed), and
-- per "send again" (queued until sent).
CREATE TABLE webhook_deliveries (
    id            INTEGER PRIMARY KEY,
    endpoint_id   INTEGER NOT NULL REFERENCES webhook_endpoints (id) ON DELETE CASCADE,
    campaign_id   INTEGER NOT NULL,
    seq           BIGINT  NOT NULL,
    type          TEXT    NOT NULL,
    status        TEXT    NOT NULL, -- delivered | failed | queued
    attempts      INTEGER NOT NULL,
    response_code INTEGER,
    latency_ms    INTEGER,
    error         TEXT    NOT NULL DEFAULT '',
    resend_of     INTEGER,
    lease_owner   TEXT,
    lease_until   BIGINT,
    created_at    BIGINT  NOT NULL,
    updated_at    BIGINT  NOT NULL
);
CREATE INDEX webhook_deliveries_endpoint ON webhook_deliveries (endpoint_id, id);
CREATE INDEX webhook_deliveries_queued ON webhook_deliveries (status) WHERE status = 'queued';

-- +goose Down
DROP TABLE webhook_deliveries;
DROP TABLE webhook_queues;
DROP TABLE webhook_endpoints;
ALTER TABLE campaigns DROP COLUMN milestones;
DROP TABLE event_log;
DROP TABLE event_cursors;
DROP TABLE event_inbox;
