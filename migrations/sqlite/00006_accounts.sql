-- The marketers' accounts and their dashboard sessions.

-- +goose Up
-- A marketer who signs in to the dashboard. email is stored trimmed and in
-- lower case, so one address is one account; only a bcrypt hash of the
-- password is kept.
CREATE TABLE users (
    id            INTEGER PRIMARY KEY,
    email         TEXT    NOT NULL UNIQUE,
    password_hash BLOB    NOT NULL,
    created_at    BIGINT  NOT NULL
);

-- A signed-in browser. Only the SHA-256 of the session cookie is kept, like
-- share tokens and API keys: a copy of the database opens no session.
CREATE TABLE sessions (
    token_hash BLOB   PRIMARY KEY,
    data       BLOB   NOT NULL,
    expiry     BIGINT NOT NULL
);
CREATE INDEX sessions_expiry ON sessions (expiry);

-- +goose Down
DROP TABLE sessions;
DROP TABLE users;
