-- What recipients need to perceive the content: a description of each
-- image (its text alternative), the teaser image's size so the page does
-- not jump while it loads, captions for a video (a WebVTT file kept in the
-- content folder like the media) and a transcript for audio.

-- +goose Up
ALTER TABLE campaigns ADD COLUMN teaser_image_alt TEXT NOT NULL DEFAULT '';
ALTER TABLE campaigns ADD COLUMN teaser_image_width INTEGER NOT NULL DEFAULT 0;
ALTER TABLE campaigns ADD COLUMN teaser_image_height INTEGER NOT NULL DEFAULT 0;
ALTER TABLE campaigns ADD COLUMN content_alt TEXT NOT NULL DEFAULT '';
ALTER TABLE campaigns ADD COLUMN content_width INTEGER NOT NULL DEFAULT 0;
ALTER TABLE campaigns ADD COLUMN content_height INTEGER NOT NULL DEFAULT 0;
ALTER TABLE campaigns ADD COLUMN content_transcript TEXT NOT NULL DEFAULT '';
-- A path relative to the data directory ("content/3f9a…"), or empty.
ALTER TABLE campaigns ADD COLUMN captions_path TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE campaigns DROP COLUMN captions_path;
ALTER TABLE campaigns DROP COLUMN content_transcript;
ALTER TABLE campaigns DROP COLUMN content_height;
ALTER TABLE campaigns DROP COLUMN content_width;
ALTER TABLE campaigns DROP COLUMN content_alt;
ALTER TABLE campaigns DROP COLUMN teaser_image_height;
ALTER TABLE campaigns DROP COLUMN teaser_image_width;
ALTER TABLE campaigns DROP COLUMN teaser_image_alt;
