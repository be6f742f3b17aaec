package web

import (
	"context"
	"time"
)

// AlertFlushEvery is how often an instance adds its security counts to
// Config.Alerts (RunAlertFlush), as the dashboard tells.
const AlertFlushEvery = 30 * time.Second

// FlushAlerts adds the security counts of this process since the last
// flush to Config.Alerts, under today's date (UTC); on an error they stay
// here for the next flush. Without Config.Alerts it does nothing.
func (s *Server) FlushAlerts(ctx context.Context) error { return s.alerts.Flush(ctx) }

// RunAlertFlush calls FlushAlerts every period until ctx ends, and once
// more then: call it after the HTTP server has stopped counting, or after
// that server's Shutdown, so that the last counts are kept.
func (s *Server) RunAlertFlush(ctx context.Context, every time.Duration) {
	tick := time.NewTicker(every)
	defer tick.Stop()
	for {
		select {
		case <-tick.C:
			if err := s.FlushAlerts(ctx); err != nil && ctx.Err() == nil {
				s.log.WarnContext(ctx, "security counters: kept in memory until the next flush", "err", err)
			}
		case <-ctx.Done():
			last, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
			defer cancel()
			if err := s.FlushAlerts(last); err != nil {
				s.log.Warn("security counters: the last counts are lost", "err", err)
			}
			return
		}
	}
}
