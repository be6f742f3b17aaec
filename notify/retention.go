package notify

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/sillage/sillage/migrations/storage"
)

// Retained is what one retention pass erased.
type Retained struct {
	Campaigns int `json:"campaigns"` // campaigns that had contact data to erase
	Contacts  int `json:"contacts"`  // contacts deleted
	Messages  int `json:"messages"`  // messages whose recipient and bodies were blanked
}

// Retain erases the contact data of every campaign that ended more than
// age ago: its contacts, and the recipient, subject and bodies of its
// messages, which keep their status and times so figures stay whole.
// Opt-outs stay: they are the proof the law asks for. A campaign ended
// when its status became ended, or at its ends_at when it is live past
// it. Without an end date of its own, the time of the status change is
// the campaign's last update: an edit after the end delays the erasure,
// never hastens it. age 0 or less keeps everything.
func (s *Store) Retain(ctx context.Context, age time.Duration) (Retained, error) {
	var res Retained
	if age <= 0 {
		return res, nil
	}
	now := s.now()
	ids, err := s.endedBefore(ctx, now.Add(-age))
	if err != nil {
		return res, err
	}
	for _, id := range ids {
		contacts, messages, err := s.eraseCampaign(ctx, id, now)
		if err != nil {
			return res, err
		}
		if contacts+messages > 0 {
			res.Campaigns++
			res.Contacts += contacts
			res.Messages += messages
		}
	}
	if res.Campaigns > 0 {
		s.checkpoint(ctx)
	}
	return res, nil
}

// endedBefore returns the campaigns that ended before cutoff and still
// hold contact data.
func (s *Store) endedBefore(ctx context.Context, cutoff time.Time) ([]int64, error) {
	rows, err := s.db.Read.QueryContext(ctx, `SELECT c.id, c.status, c.ends_at, c.updated_at FROM campaigns c
		WHERE (c.status = 'ended' OR (c.status = 'live' AND c.ends_at IS NOT NULL))
		AND (EXISTS (SELECT 1 FROM contacts k WHERE k.campaign_id = c.id)
			OR EXISTS (SELECT 1 FROM messages m WHERE m.campaign_id = c.id AND m.recipient <> ''))
		ORDER BY c.id`)
	if err != nil {
		return nil, fmt.Errorf("retention: %w", err)
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var (
			id      int64
			status  string
			endsAt  sql.NullInt64
			updated int64
		)
		if err := rows.Scan(&id, &status, &endsAt, &updated); err != nil {
			return nil, fmt.Errorf("retention: %w", err)
		}
		ended := fromMillis(updated)
		if status == "live" {
			ended = fromMillis(endsAt.Int64)
		}
		if ended.Before(cutoff) {
			ids = append(ids, id)
		}
	}
	return ids, rows.Err()
}

// eraseCampaign erases the contact data of one campaign in one
// transaction and returns how many contacts and messages it erased.
func (s *Store) eraseCampaign(ctx context.Context, id int64, now time.Time) (int, int, error) {
	tx, err := s.db.Write.BeginTx(ctx, nil)
	if err != nil {
		return 0, 0, err
	}
	defer tx.Rollback()
	res, err := tx.ExecContext(ctx, `UPDATE messages SET `+eraseSet+`
		WHERE campaign_id = $2 AND (recipient <> '' OR body_text <> '' OR body_html <> '' OR contact_id IS NOT NULL)`,
		millis(now), id)
	if err != nil {
		return 0, 0, fmt.Errorf("retention of campaign %d: %w", id, err)
	}
	messages, _ := res.RowsAffected()
	res, err = tx.ExecContext(ctx, `DELETE FROM contacts WHERE campaign_id = $1`, id)
	if err != nil {
		return 0, 0, fmt.Errorf("retention of campaign %d: %w", id, err)
	}
	contacts, _ := res.RowsAffected()
	return int(contacts), int(messages), tx.Commit()
}

// RunRetention runs Retain(age) at once, then every interval (an hour
// when 0), until ctx ends; it logs what each pass erased. It returns at
// once when age is 0 or less: everything is kept.
//
// With several instances on one database, each runs RunRetention, and
// the job lease "job:retention" (storage.TryJob) lets one pass run per
// interval across all of them: the erasure is idempotent, so a double run
// would do no harm, but it would repeat the work and contend for the
// writes. Each instance tries six times per interval, so that when the
// holder dies another one runs the next pass at most a sixth of an
// interval late.
func (s *Store) RunRetention(ctx context.Context, age, interval time.Duration) {
	if age <= 0 {
		return
	}
	if interval <= 0 {
		interval = time.Hour
	}
	owner := storage.InstanceName()
	tick := time.NewTicker(max(interval/6, time.Millisecond))
	defer tick.Stop()
	for {
		s.retentionPass(ctx, age, interval, owner)
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}

// retentionPass runs Retain(age) when owner takes this period's lease of
// the retention job, and logs what happened.
func (s *Store) retentionPass(ctx context.Context, age, every time.Duration, owner string) {
	ok, err := storage.TryJob(ctx, s.db.Write, "retention", owner, s.now(), every)
	switch {
	case ctx.Err() != nil:
		return
	case err != nil:
		s.log.ErrorContext(ctx, "retention", "err", err)
		return
	case !ok:
		s.log.DebugContext(ctx, "retention: this period's pass is another instance's, or done", "instance", owner)
		return
	}
	res, err := s.Retain(ctx, age)
	switch {
	case ctx.Err() != nil:
	case err != nil:
		s.log.ErrorContext(ctx, "retention", "err", err)
	case res.Campaigns > 0:
		s.log.InfoContext(ctx, "retention: contact data of ended campaigns erased", "age", age,
			"campaigns", res.Campaigns, "contacts", res.Contacts, "messages", res.Messages, "instance", owner)
	default:
		s.log.DebugContext(ctx, "retention: nothing to erase", "instance", owner)
	}
}

// checkpoint empties the write-ahead log after an erasure, so the erased
// data does not stay readable in it. It is best effort (a checkpoint held
// up by readers is done by a later one) but never silent: the log keeps
// erased data until then, and an operator must be able to tell.
func (s *Store) checkpoint(ctx context.Context) {
	if err := s.db.Checkpoint(ctx); err != nil {
		s.log.WarnContext(ctx, "erasure: write-ahead log not emptied yet, erased data stays in it until a later checkpoint", "err", err)
	}
}
