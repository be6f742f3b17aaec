package notify

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
)

// Template returns the wording the campaign's messages on channel in lang
// use: its own if the marketer set one, else the default. It returns
// ErrNotFound for an unknown campaign and a *campaign.ValidationError for an unknown
// channel or language.
func (s *Store) Template(ctx context.Context, campaignID int64, ch Channel, lang string) (Template, error) {
	if _, err := findCampaign(ctx, s.db.Read, campaignID); err != nil {
		return Template{}, err
	}
	return templateTx(ctx, s.db.Read, campaignID, ch, lang)
}

func templateTx(ctx context.Context, q querier, campaignID int64, ch Channel, lang string) (Template, error) {
	t, err := DefaultTemplate(ch, lang)
	if err != nil {
		return t, err
	}
	var vars string
	err = q.QueryRowContext(ctx, `SELECT subject, body_text, body_html, content_sid, content_variables
		FROM campaign_templates WHERE campaign_id = $1 AND channel = $2 AND language = $3`,
		campaignID, ch, lang).Scan(&t.Subject, &t.Text, &t.HTML, &t.ContentSID, &vars)
	if errors.Is(err, sql.ErrNoRows) {
		return t, nil
	}
	if err != nil {
		return t, fmt.Errorf("find template: %w", err)
	}
	t.Default = false
	if vars != "" {
		if err := json.Unmarshal([]byte(vars), &t.ContentVariables); err != nil {
			return t, fmt.Errorf("template content variables: %w", err)
		}
	}
	return t, nil
}

// SetTemplate stores the campaign's own wording for t.Channel in
// t.Language. It returns ErrNotFound for an unknown campaign and a
// *campaign.ValidationError for a template that does not compile, does not run on
// sample data, or forgets the link.
func (s *Store) SetTemplate(ctx context.Context, campaignID int64, t Template) error {
	if _, err := compile(ctx, t); err != nil {
		return err
	}
	vars := ""
	if len(t.ContentVariables) > 0 {
		b, _ := json.Marshal(t.ContentVariables)
		vars = string(b)
	}
	tx, err := s.db.Write.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if _, err := findCampaign(ctx, tx, campaignID); err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO campaign_templates
		(campaign_id, channel, language, subject, body_text, body_html, content_sid, content_variables, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
		ON CONFLICT (campaign_id, channel, language) DO UPDATE SET
		subject = excluded.subject, body_text = excluded.body_text, body_html = excluded.body_html,
		content_sid = excluded.content_sid, content_variables = excluded.content_variables, updated_at = excluded.updated_at`,
		campaignID, t.Channel, t.Language, t.Subject, t.Text, t.HTML, t.ContentSID, vars, millis(s.now()))
	if err != nil {
		return fmt.Errorf("set template: %w", err)
	}
	return tx.Commit()
}

// ResetTemplate drops the campaign's own wording for ch in lang, so the
// default applies again. Resetting a default is not an error.
func (s *Store) ResetTemplate(ctx context.Context, campaignID int64, ch Channel, lang string) error {
	_, err := s.db.Write.ExecContext(ctx, `DELETE FROM campaign_templates
		WHERE campaign_id = $1 AND channel = $2 AND language = $3`, campaignID, ch, lang)
	if err != nil {
		return fmt.Errorf("reset template: %w", err)
	}
	return nil
}
