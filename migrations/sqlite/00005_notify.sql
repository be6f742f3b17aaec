-- Deliveries the engine sends itself: contacts, opt-outs, templates and the
-- outbox. Contact data lives here, apart from the forward tree, so it can be
-- erased without touching the tree's shape or figures.

-- +goose Up
-- A person a campaign is seeded to. address is the channel's address (an
-- email, or an E.164 number for sms and whatsapp): one contact per address
-- and campaign, so a list with duplicates sends once.
CREATE TABLE contacts (
    id          INTEGER PRIMARY KEY,
    campaign_id INTEGER NOT NULL REFERENCES campaigns (id),
    name        TEXT    NOT NULL,
    email       TEXT    NOT NULL,
    phone       TEXT    NOT NULL,
    channel     TEXT    NOT NULL,
    address     TEXT    NOT NULL,
    language    TEXT    NOT NULL,
    created_at  BIGINT  NOT NULL,
    updated_at  BIGINT  NOT NULL,
    UNIQUE (campaign_id, address)
);

-- Opt-outs: an address here is never sent to again, whatever the channel.
CREATE TABLE suppressions (
    address    TEXT   PRIMARY KEY,
    channel    TEXT   NOT NULL,
    reason     TEXT   NOT NULL,
    created_at BIGINT NOT NULL
);

-- A marketer's own wording for one channel and language of a campaign; the
-- embedded defaults apply where there is no row.
CREATE TABLE campaign_templates (
    campaign_id       INTEGER NOT NULL REFERENCES campaigns (id),
    channel           TEXT    NOT NULL,
    language          TEXT    NOT NULL,
    subject           TEXT    NOT NULL,
    body_text         TEXT    NOT NULL,
    body_html         TEXT    NOT NULL,
    content_sid       TEXT    NOT NULL,
    content_variables TEXT    NOT NULL,
    updated_at        BIGINT  NOT NULL,
    PRIMARY KEY (campaign_id, channel, language)
);

-- The outbox: the only way out. A row is committed with the link it
-- carries; a worker leases it, sends it and records the result. Erasure
-- blanks recipient and bodies but keeps status and times for the figures.
CREATE TABLE messages (
    id                INTEGER PRIMARY KEY,
    campaign_id       INTEGER NOT NULL REFERENCES campaigns (id),
    contact_id        INTEGER REFERENCES contacts (id) ON DELETE SET NULL,
    kind              TEXT    NOT NULL,
    channel           TEXT    NOT NULL,
    recipient         TEXT    NOT NULL,
    language          TEXT    NOT NULL,
    subject           TEXT    NOT NULL,
    body_text         TEXT    NOT NULL,
    body_html         TEXT    NOT NULL,
    content_sid       TEXT    NOT NULL,
    content_variables TEXT    NOT NULL,
    idempotency_key   TEXT    NOT NULL UNIQUE,
    status            TEXT    NOT NULL,
    attempts          INTEGER NOT NULL DEFAULT 0,
    next_attempt_at   BIGINT  NOT NULL,
    lease_owner       TEXT,
    lease_until       BIGINT,
    last_error        TEXT    NOT NULL DEFAULT '',
    provider_id       TEXT,
    created_at        BIGINT  NOT NULL,
    updated_at        BIGINT  NOT NULL,
    sent_at           BIGINT
);
-- One seed message per contact, however often a send is started.
CREATE UNIQUE INDEX messages_seed ON messages (contact_id) WHERE kind = 'seed';
CREATE INDEX messages_due ON messages (status, next_attempt_at);
CREATE INDEX messages_campaign ON messages (campaign_id, id);
CREATE UNIQUE INDEX messages_provider ON messages (provider_id);

-- Secrets generated on first use, such as the key of unsubscribe tokens.
CREATE TABLE notify_keys (
    name       TEXT   PRIMARY KEY,
    value      BLOB   NOT NULL,
    created_at BIGINT NOT NULL
);

-- +goose Down
DROP TABLE notify_keys;
DROP TABLE messages;
DROP TABLE campaign_templates;
DROP TABLE suppressions;
DROP TABLE contacts;
