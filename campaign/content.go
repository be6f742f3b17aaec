package campaign

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"mime"
	"path/filepath"
	"strings"
	"unicode/utf8"
)

// MaxTextContent is the largest text content, in bytes.
const MaxTextContent = 1 << 20

// KindOf returns the content kind a media type makes, or a *ValidationError
// for a type Sillage does not serve. SVG is refused: it can carry scripts.
func KindOf(mediaType string) (ContentKind, error) {
	t, _, err := mime.ParseMediaType(mediaType)
	if err != nil {
		return NoContent, Invalid("content_type", "is not a media type")
	}
	switch {
	case t == "text/plain" || t == "text/markdown":
		return Text, nil
	case strings.HasPrefix(t, "video/"):
		return Video, nil
	case strings.HasPrefix(t, "audio/"):
		return Audio, nil
	case t == "image/png" || t == "image/jpeg" || t == "image/gif" || t == "image/webp":
		return Image, nil
	case t == "application/pdf":
		return PDF, nil
	}
	return NoContent, Invalid("content_type", "%s is not supported: use video, audio, PNG/JPEG/GIF/WebP image, PDF, text/plain or text/markdown", t)
}

// PutText sets a text content (plain or Markdown). It returns ErrNotFound,
// a *TooLargeError, a *MismatchError for bytes that are not text, or a
// *ValidationError (an empty text among them).
func (s *Store) PutText(ctx context.Context, id ID, mediaType, text string) (*Campaign, error) {
	t, _, _ := mime.ParseMediaType(mediaType)
	if t != "text/plain" && t != "text/markdown" {
		return nil, Invalid("content_type", "text content must be text/plain or text/markdown")
	}
	if len(text) > MaxTextContent {
		return nil, TooLarge(MaxTextContent)
	}
	if strings.TrimSpace(text) == "" {
		return nil, Invalid("content", "is empty")
	}
	if _, err := checkType(t, Text, []byte(text[:min(len(text), sniffLen)])); err != nil {
		return nil, err
	}
	if !utf8.ValidString(text) {
		return nil, Invalid("content", "must be valid UTF-8")
	}
	return s.setContent(ctx, id, Content{Kind: Text, Type: t, Text: text, Size: int64(len(text))})
}

// PutFile stores body (at most limit bytes) as the campaign's content file,
// replacing any earlier content. It returns ErrNotFound, a *TooLargeError,
// a *MismatchError when the first bytes are not of mediaType, or a
// *ValidationError; on any error nothing is changed, on disk or in the row.
func (s *Store) PutFile(ctx context.Context, id ID, mediaType, name string, body io.Reader, limit int64) (*Campaign, error) {
	kind, err := KindOf(mediaType)
	if err != nil {
		return nil, err
	}
	if kind == Text {
		return nil, Invalid("content_type", "send text content as text, not as a file")
	}
	if _, err := s.Find(ctx, id); err != nil {
		return nil, err // refuse before writing a byte
	}
	t, _, _ := mime.ParseMediaType(mediaType)
	path, size, t, err := s.saveFile(ctx, body, limit, t, kind)
	if err != nil {
		return nil, err
	}
	content := Content{Kind: kind, Type: t, Path: path, Name: cleanName(name), Size: size}
	if kind == Image {
		content.Width, content.Height = s.imageSize(ctx, path)
	}
	c, err := s.setContent(ctx, id, content)
	if err != nil {
		s.removeFile(ctx, path, "content not saved")
	}
	return c, err
}

func (s *Store) setContent(ctx context.Context, id ID, content Content) (*Campaign, error) {
	return s.replaceFile(ctx, id, "content replaced", func(tx *sql.Tx, c *Campaign) (string, string, error) {
		old := c.Content
		// The descriptions, transcript and captions are the campaign's: a
		// new file keeps them.
		content.Alt, content.Transcript, content.CaptionsPath = old.Alt, old.Transcript, old.CaptionsPath
		c.Content = content
		_, err := tx.ExecContext(ctx, `UPDATE campaigns SET content_kind = $1, content_type = $2,
			content_text = $3, content_path = $4, content_name = $5, content_size = $6, updated_at = $7,
			content_width = $8, content_height = $9
			WHERE id = $10`,
			content.Kind, content.Type, content.Text, content.Path, content.Name, content.Size,
			c.UpdatedAt.UnixMilli(), content.Width, content.Height, id)
		if err != nil {
			return "", "", fmt.Errorf("set content of campaign %d: %w", id, err)
		}
		return old.Path, content.Path, nil
	})
}

// replaceFile runs set on campaign id in one transaction, with UpdatedAt
// already moved to now; set stores the campaign's new file and returns the
// paths of the file it replaces and of the new one. The old file is
// removed once the change is committed, never when it fails.
func (s *Store) replaceFile(ctx context.Context, id ID, why string, set func(*sql.Tx, *Campaign) (old, cur string, err error)) (*Campaign, error) {
	tx, err := s.db.Write.BeginTx(ctx, nil)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	c, err := FindTx(ctx, tx, id)
	if err != nil {
		return nil, err
	}
	c.UpdatedAt = s.now().UTC()
	old, cur, err := set(tx, c)
	if err != nil {
		return nil, err
	}
	if err := tx.Commit(); err != nil {
		return nil, err
	}
	s.changed(id)
	if old != cur {
		s.removeFile(ctx, old, why)
	}
	return c, nil
}

// PutTeaserImage stores body as the teaser image that locked visitors see.
// It returns ErrNotFound, a *TooLargeError, a *MismatchError when the
// first bytes are not an image, or a *ValidationError; on any error
// nothing is changed.
func (s *Store) PutTeaserImage(ctx context.Context, id ID, mediaType string, body io.Reader, limit int64) (*Campaign, error) {
	if kind, err := KindOf(mediaType); err != nil || kind != Image {
		return nil, Invalid("content_type", "teaser image must be PNG, JPEG, GIF or WebP")
	}
	if _, err := s.Find(ctx, id); err != nil {
		return nil, err
	}
	t, _, _ := mime.ParseMediaType(mediaType)
	path, _, t, err := s.saveFile(ctx, body, limit, t, Image)
	if err != nil {
		return nil, err
	}
	width, height := s.imageSize(ctx, path)
	c, err := s.setTeaserImage(ctx, id, path, t, width, height)
	if err != nil {
		s.removeFile(ctx, path, "teaser image not saved")
		return nil, err
	}
	return c, nil
}

func (s *Store) setTeaserImage(ctx context.Context, id ID, path, mediaType string, width, height int) (*Campaign, error) {
	return s.replaceFile(ctx, id, "teaser image replaced", func(tx *sql.Tx, c *Campaign) (string, string, error) {
		old := c.Teaser.ImagePath
		c.Teaser.ImagePath, c.Teaser.ImageType = path, mediaType
		c.Teaser.ImageWidth, c.Teaser.ImageHeight = width, height
		if _, err := tx.ExecContext(ctx, `UPDATE campaigns SET teaser_image_path = $1, teaser_image_type = $2, updated_at = $3,
			teaser_image_width = $4, teaser_image_height = $5 WHERE id = $6`,
			path, mediaType, c.UpdatedAt.UnixMilli(), width, height, id); err != nil {
			return "", "", fmt.Errorf("set teaser image of campaign %d: %w", id, err)
		}
		return old, path, nil
	})
}

// cleanName keeps only the last element of an uploaded file's name, so a
// name like "../../etc/passwd" is shown as "passwd" and never used as a path.
func cleanName(name string) string {
	name = filepath.Base(strings.ReplaceAll(name, `\`, "/"))
	if name == "." || name == "/" || !utf8.ValidString(name) {
		return ""
	}
	if len(name) > 200 {
		name = name[:200]
	}
	return name
}
