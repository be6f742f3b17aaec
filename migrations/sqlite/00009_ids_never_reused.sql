-- Ids handed to clients are never handed out twice. SQLite gives a new row
-- max(id)+1, so the id of a deleted row (an erased contact), or of the
-- last row of a table, could come back for someone else's record: with
-- AUTOINCREMENT it never does. SQLite adds AUTOINCREMENT only by
-- rebuilding a table (https://sqlite.org/lang_altertable.html, the twelve
-- steps), with foreign keys off so that the tables referring to it keep
-- their rows; the ids are copied as they are.
--
-- Rebuilt: campaigns, api_keys and users (their ids go to clients) and
-- contacts (erased rows are deleted). Not rebuilt: links and claims,
-- whose rows are never deleted and whose ids only grow (a failed insert
-- rolls back and hands its id to nobody), and which are the two large
-- tables; messages, likewise never deleted (erasure blanks them).
--
-- Also: write_probe, the one row the readiness check writes to prove the
-- store can still commit.

-- +goose NO TRANSACTION
-- +goose Up
PRAGMA foreign_keys = OFF;

-- +goose StatementBegin
BEGIN IMMEDIATE;
-- +goose StatementEnd

CREATE TABLE new_campaigns (
    id                 INTEGER PRIMARY KEY AUTOINCREMENT,
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
    updated_at         BIGINT  NOT NULL,
    revoke_leaks       BOOLEAN NOT NULL DEFAULT FALSE
);
INSERT INTO new_campaigns (id, title, language, status, teaser_title, teaser_description, teaser_image_url,
    teaser_image_path, teaser_image_type, content_kind, content_type, content_text, content_path, content_name,
    content_size, seats_per_link, max_seats, forwards_per_claim, max_depth, link_lifetime, view_cap, send_for_me,
    starts_at, ends_at, created_at, updated_at, revoke_leaks)
SELECT id, title, language, status, teaser_title, teaser_description, teaser_image_url,
    teaser_image_path, teaser_image_type, content_kind, content_type, content_text, content_path, content_name,
    content_size, seats_per_link, max_seats, forwards_per_claim, max_depth, link_lifetime, view_cap, send_for_me,
    starts_at, ends_at, created_at, updated_at, revoke_leaks
FROM campaigns;
DROP TABLE campaigns;
ALTER TABLE new_campaigns RENAME TO campaigns;

CREATE TABLE new_api_keys (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    name       TEXT    NOT NULL,
    key_hash   BLOB    NOT NULL UNIQUE,
    created_at BIGINT  NOT NULL,
    revoked_at BIGINT
);
INSERT INTO new_api_keys (id, name, key_hash, created_at, revoked_at)
SELECT id, name, key_hash, created_at, revoked_at FROM api_keys;
DROP TABLE api_keys;
ALTER TABLE new_api_keys RENAME TO api_keys;

CREATE TABLE new_users (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    email         TEXT    NOT NULL UNIQUE,
    password_hash BLOB    NOT NULL,
    created_at    BIGINT  NOT NULL
);
INSERT INTO new_users (id, email, password_hash, created_at)
SELECT id, email, password_hash, created_at FROM users;
DROP TABLE users;
ALTER TABLE new_users RENAME TO users;

CREATE TABLE new_contacts (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
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
INSERT INTO new_contacts (id, campaign_id, name, email, phone, channel, address, language, created_at, updated_at)
SELECT id, campaign_id, name, email, phone, channel, address, language, created_at, updated_at FROM contacts;
DROP TABLE contacts;
ALTER TABLE new_contacts RENAME TO contacts;

CREATE TABLE write_probe (
    id        INTEGER PRIMARY KEY CHECK (id = 1),
    probed_at BIGINT  NOT NULL
);

PRAGMA foreign_key_check;

-- +goose StatementBegin
COMMIT;
-- +goose StatementEnd

PRAGMA foreign_keys = ON;

-- +goose Down
DROP TABLE write_probe;
