package campaign

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"io"
	"mime"
	"unicode/utf8"
)

// MaxCaptions is the largest captions file, in bytes: a two-hour film's
// captions take about 150 KB.
const MaxCaptions = 1 << 20

// CaptionsType is the media type of captions: WebVTT, the format of the
// HTML <track> element.
const CaptionsType = "text/vtt"

// PutCaptions stores body, a WebVTT file of media type text/vtt, as the
// captions of the campaign's video, replacing earlier ones. It returns
// ErrNotFound, a *TooLargeError past MaxCaptions, or a *ValidationError for
// another media type or a body that is not WebVTT in UTF-8; on any error
// nothing is changed.
func (s *Store) PutCaptions(ctx context.Context, id ID, mediaType string, body io.Reader) (*Campaign, error) {
	if t, _, err := mime.ParseMediaType(mediaType); err != nil || t != CaptionsType {
		return nil, Invalid("captions", "must be a WebVTT file (text/vtt)")
	}
	data, err := io.ReadAll(io.LimitReader(body, MaxCaptions+1))
	if err != nil {
		return nil, tooLarge(err, MaxCaptions)
	}
	if len(data) > MaxCaptions {
		return nil, TooLarge(MaxCaptions)
	}
	if err := checkWebVTT(data); err != nil {
		return nil, err
	}
	if _, err := s.Find(ctx, id); err != nil {
		return nil, err // refuse before writing a byte
	}
	p, _, err := s.files.Create(ctx, bytes.NewReader(data), MaxCaptions)
	if err != nil {
		return nil, err
	}
	c, err := s.setCaptions(ctx, id, p)
	if err != nil {
		s.removeFile(ctx, p, "captions not saved")
	}
	return c, err
}

// RemoveCaptions removes the campaign's captions. It returns ErrNotFound.
func (s *Store) RemoveCaptions(ctx context.Context, id ID) (*Campaign, error) {
	return s.setCaptions(ctx, id, "")
}

func (s *Store) setCaptions(ctx context.Context, id ID, p string) (*Campaign, error) {
	return s.replaceFile(ctx, id, "captions replaced", func(tx *sql.Tx, c *Campaign) (string, string, error) {
		old := c.Content.CaptionsPath
		c.Content.CaptionsPath = p
		if _, err := tx.ExecContext(ctx, `UPDATE campaigns SET captions_path = $1, updated_at = $2 WHERE id = $3`,
			p, c.UpdatedAt.UnixMilli(), id); err != nil {
			return "", "", fmt.Errorf("set captions of campaign %d: %w", id, err)
		}
		return old, p, nil
	})
}

// checkWebVTT returns a *ValidationError unless data is UTF-8 text that
// opens as a WebVTT file does: an optional byte order mark, "WEBVTT", then
// the end of the line, a space or a tab.
func checkWebVTT(data []byte) error {
	if !utf8.Valid(data) || bytes.IndexByte(data, 0) >= 0 {
		return Invalid("captions", "must be text in UTF-8")
	}
	data = bytes.TrimPrefix(data, []byte("\ufeff"))
	rest, ok := bytes.CutPrefix(data, []byte("WEBVTT"))
	if !ok || (len(rest) > 0 && rest[0] != '\n' && rest[0] != '\r' && rest[0] != ' ' && rest[0] != '\t') {
		return Invalid("captions", `must be a WebVTT file: its first line starts with "WEBVTT"`)
	}
	return nil
}
