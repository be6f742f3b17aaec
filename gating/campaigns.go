package gating

import (
	"context"
	"sync"
	"time"

	"github.com/sillage/sillage/campaign"
)

// campaignTTL bounds how stale a cached campaign may be when it was
// changed by another process sharing the database; changes made through
// this process's campaign.Store drop the entry at once (Forget).
const campaignTTL = time.Second

// campaigns caches campaign rows: every request of the recipient's way
// needs its campaign, which changes only when a marketer edits it.
type campaigns struct {
	mu   sync.RWMutex
	byID map[campaign.ID]cachedCampaign
}

type cachedCampaign struct {
	c      *campaign.Campaign
	loaded time.Time // wall clock, not the domain clock: a cache matter
}

// Forget drops campaign id from the cache; pass it to campaign.Store.Watch.
func (s *Store) Forget(id campaign.ID) {
	s.campaigns.mu.Lock()
	delete(s.campaigns.byID, id)
	s.campaigns.mu.Unlock()
}

// campaignTx returns campaign id, from the cache when fresh. The result is
// shared: callers must not change it.
func (s *Store) campaignTx(ctx context.Context, q campaign.Querier, id campaign.ID) (*campaign.Campaign, error) {
	s.campaigns.mu.RLock()
	e, ok := s.campaigns.byID[id]
	s.campaigns.mu.RUnlock()
	if ok && time.Since(e.loaded) < campaignTTL {
		return e.c, nil
	}
	c, err := campaign.FindTx(ctx, q, id)
	if err != nil {
		return nil, err
	}
	s.campaigns.mu.Lock()
	if s.campaigns.byID == nil {
		s.campaigns.byID = make(map[campaign.ID]cachedCampaign)
	}
	s.campaigns.byID[id] = cachedCampaign{c: c, loaded: time.Now()}
	s.campaigns.mu.Unlock()
	return c, nil
}
