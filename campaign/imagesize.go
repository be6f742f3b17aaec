package campaign

import (
	"context"
	"fmt"
	"image"
	_ "image/gif" // decoders for imageSize
	_ "image/jpeg"
	_ "image/png"
)

// imageSize returns the size in pixels of the image file at stored path
// p, or zeros when it cannot tell (WebP has no decoder in the standard
// library): the size only helps the page's layout.
func (s *Store) imageSize(ctx context.Context, p string) (width, height int) {
	f, err := s.OpenFile(ctx, p)
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
			sz.teaserW, sz.teaserH = s.imageSize(ctx, teaser)
		}
		if ContentKind(kind) == Image && cpath != "" && cw == 0 {
			sz.contW, sz.contH = s.imageSize(ctx, cpath)
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
