-- "Send it for me": a recipient asks Sillage to send a forward link to a
-- friend. The message remembers the claim that asked, so that caps per
-- recipient hold, and recent forwards of a campaign are found fast for its
-- hourly cap.

-- +goose Up
ALTER TABLE messages ADD COLUMN sender_claim_id INTEGER;
CREATE INDEX messages_sender ON messages (sender_claim_id) WHERE sender_claim_id IS NOT NULL;
CREATE INDEX messages_forwards ON messages (campaign_id, created_at) WHERE kind = 'forward';

-- +goose Down
DROP INDEX messages_forwards;
DROP INDEX messages_sender;
ALTER TABLE messages DROP COLUMN sender_claim_id;
