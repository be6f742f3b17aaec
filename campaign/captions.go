package campaign

import (
	"bytes"
	"context"
	"fmt"
	"image"
	_ "image/gif" // decoders for imageSize
	_ "image/jpeg"
	_ "image/png"
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
	p, _, err := s.writeFile(bytes.NewReader(data), MaxCaptions)
	if err != nil {
		return nil, err
	}
	c, err := s.setCaptions(ctx, id, p)
	if err != nil {
		s.removeFile(p, "captions not saved")
	}
	return c, err
}

// RemoveCaptions removes the campaign's captions. It returns ErrNotFound.
func (s *Store) RemoveCaptions(ctx context.Context, id ID) (*Campaign, error) {
	return s.setCaptions(ctx, id, "")
}

func (s *Store) setCaptions(ctx context.Context, id ID, p string) (*Campaign, error) {
	tx, err := s.db.Write.BeginTx(ctx, nil)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	c, err := FindTx(ctx, tx, id)
	if err != nil {
		return nil, err
	}
	old := c.Content.CaptionsPath
	c.Content.CaptionsPath, c.UpdatedAt = p, s.now().UTC()
	if _, err := tx.ExecContext(ctx, `UPDATE campaigns SET captions_path = $1, updated_at = $2 WHERE id = $3`,
		p, c.UpdatedAt.UnixMilli(), id); err != nil {
		return nil, fmt.Errorf("set captions of campaign %d: %w", id, err)
	}
	if err := tx.Commit(); err != nil {
		return nil, err
	}
	s.changed(id)
	if old != p {
		s.removeFile(old, "captions replaced")
	}
	return c, nil
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

// imageSize returns the size in pixels of the image file at stored path
// p, or zeros when it cannot tell (WebP has no decoder in the standard
// library): the size only helps the page's layout.
func (s *Store) imageSize(p string) (width, height int) {
	f, err := s.OpenFile(p)
	if err != nil {
		return 0, 0
	}
	defer f.Close()
	cfg, _, err := image.DecodeConfig(f)
	if err != nil {
		return 0, 0
	}
	return cfg.Width, cfg.Height
}

// measureImages keeps the size of the teaser and content images uploaded
// before sizes were kept, in one transaction. Images it cannot measure
// (WebP) stay at 0 and are tried again at the next start.
func (s *Store) measureImages(ctx context.Context) error {
	tx, err := s.db.Write.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	rows, err := tx.QueryContext(ctx, `SELECT id, teaser_image_path, teaser_image_width, content_kind, content_path, content_width
		FROM campaigns WHERE (teaser_image_path != '' AND teaser_image_width = 0)
		OR (content_kind = $1 AND content_path != '' AND content_width = 0)`, Image)
	if err != nil {
		return fmt.Errorf("measure images: %w", err)
	}
	type size struct {
		id                             ID
		teaserW, teaserH, contW, contH int
	}
	var found []size
	for rows.Next() {
		var (
			sz                  size
			teaser, kind, cpath string
			tw, cw              int
		)
		if err := rows.Scan(&sz.id, &teaser, &tw, &kind, &cpath, &cw); err != nil {
			rows.Close()
			return fmt.Errorf("measure images: %w", err)
		}
		if teaser != "" && tw == 0 {
			sz.teaserW, sz.teaserH = s.imageSize(teaser)
		}
		if ContentKind(kind) == Image && cpath != "" && cw == 0 {
			sz.contW, sz.contH = s.imageSize(cpath)
		}
		if sz.teaserW > 0 || sz.contW > 0 {
			found = append(found, sz)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("measure images: %w", err)
	}
	for _, sz := range found {
		if sz.teaserW > 0 {
			if _, err := tx.ExecContext(ctx, `UPDATE campaigns SET teaser_image_width = $1, teaser_image_height = $2 WHERE id = $3`,
				sz.teaserW, sz.teaserH, sz.id); err != nil {
				return fmt.Errorf("measure images of campaign %d: %w", sz.id, err)
			}
		}
		if sz.contW > 0 {
			if _, err := tx.ExecContext(ctx, `UPDATE campaigns SET content_width = $1, content_height = $2 WHERE id = $3`,
				sz.contW, sz.contH, sz.id); err != nil {
				return fmt.Errorf("measure images of campaign %d: %w", sz.id, err)
			}
		}
	}
	if err := tx.Commit(); err != nil {
		return err
	}
	for _, sz := range found {
		s.changed(sz.id)
	}
	return nil
}
