package app

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/sillage/sillage/campaign"
	"github.com/sillage/sillage/gating"
	"github.com/sillage/sillage/notify"
)

// ErrSendForMeOff is a "send it for me" on a campaign that does not allow
// it.
var ErrSendForMeOff = errors.New("send it for me is off for this campaign")

// Send queues one personal seed link per contact of campaign id not
// seeded yet, on the contact's channel, each minted in the transaction
// that queues its message; then it wakes the outbox worker: the send of
// the API, the dashboard and sillage send. It returns campaign.ErrNotFound,
// campaign.ErrEnded (its links could not be opened), or notify.Seed's
// error with what the batches before it queued.
func (a *App) Send(ctx context.Context, id campaign.ID) (notify.SeedResult, error) {
	c, err := a.campaigns.Find(ctx, id)
	if err != nil {
		return notify.SeedResult{}, err
	}
	return a.SendTo(ctx, c)
}

// SendTo is Send to campaign c, already found (sillage send finds it
// before it knows the links' public address, so that a missing or ended
// campaign is what it reports).
func (a *App) SendTo(ctx context.Context, c *campaign.Campaign) (notify.SeedResult, error) {
	if err := Sendable(c, a.cfg.Now()); err != nil {
		return notify.SeedResult{}, err
	}
	res, err := a.notify.Seed(ctx, int64(c.ID), a.mintSeed)
	if res.Queued > 0 {
		a.cfg.WakeOutbox() // even after an error: the batches before it are committed
	}
	return res, err
}

// Sendable returns campaign.ErrEnded when c has ended at now: its links
// could not be opened.
func Sendable(c *campaign.Campaign, now time.Time) error {
	if c.State(now) == campaign.Ended {
		return campaign.ErrEnded
	}
	return nil
}

// mintSeed is the notify.MintFunc of sends: a seed link minted in the
// transaction that queues its message, as its public address.
func (a *App) mintSeed(ctx context.Context, tx *sql.Tx, campaignID int64, channel string) (string, error) {
	ch, err := gating.ParseChannel(channel)
	if err != nil {
		return "", err
	}
	m, err := a.gate.MintSeedTx(ctx, tx, campaign.ID(campaignID), ch)
	if err != nil {
		return "", err
	}
	return a.LinkURL(m.Token), nil
}

// SendForMe is a recipient's "we send it for you": the device (its hash)
// that claimed sender through token asks that a forward link, minted from
// that claim, go to address (an email or a mobile number), from the
// client network (its hash). The link and the message carrying it are
// written in one transaction, then the outbox worker is woken. Errors:
// ErrSendForMeOff when the campaign's rule was turned off, gating's
// errors of a forward, notify.SendForMe's (caps, opt-outs, countries, a
// *notify.ValidationError for the address).
func (a *App) SendForMe(ctx context.Context, c *campaign.Campaign, sender int64, token string, device []byte, address string, network []byte) error {
	mint := func(ctx context.Context, tx *sql.Tx, ch notify.Channel) (string, error) {
		m, fc, err := a.gate.ForwardTx(ctx, tx, token, device, gating.Channel(ch))
		if err != nil {
			return "", err
		}
		if !fc.Rules.SendForMe { // turned off since the visit
			return "", ErrSendForMeOff
		}
		return a.LinkURL(m.Token), nil
	}
	if _, err := a.notify.SendForMeFrom(ctx, int64(c.ID), sender, address, network, a.cfg.SendForMe, mint); err != nil {
		return err
	}
	a.cfg.WakeOutbox()
	return nil
}
