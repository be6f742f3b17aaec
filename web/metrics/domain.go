package metrics

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/sillage/sillage/campaign"
	"github.com/sillage/sillage/notify"
)

// CountersFunc returns every campaign's headline counters by name, as
// campaign.Store.AllCounters does.
type CountersFunc func(context.Context) (map[campaign.ID]map[string]int64, error)

// BacklogFunc returns the outbox's depth, as notify.Store.Backlog does.
type BacklogFunc func(context.Context) ([]notify.Backlog, error)

// scrapeTimeout bounds the database reads of one scrape.
const scrapeTimeout = 10 * time.Second

// domain reads the figures kept in the database and the tree cache's size
// at each scrape: the recipient's hot path counts nothing more for them.
type domain struct {
	src                                Sources
	views, forwards, previews, refused *prometheus.Desc
	backlog                            *prometheus.Desc
	trees, claims, links               *prometheus.Desc
}

func newDomain(src Sources) *domain {
	campaignCounter := func(name, help string, labels ...string) *prometheus.Desc {
		return prometheus.NewDesc(name, help, append([]string{"campaign"}, labels...), nil)
	}
	return &domain{
		src:      src,
		views:    campaignCounter("sillage_campaign_views_total", "Devices that unlocked the campaign's content (claims)."),
		forwards: campaignCounter("sillage_campaign_forwards_total", "Forward links minted by recipients, by channel.", "channel"),
		previews: campaignCounter("sillage_campaign_previews_total", "Link-preview fetches of the campaign's links."),
		refused:  campaignCounter("sillage_campaign_refusals_total", "Devices turned away by a full link."),
		backlog: prometheus.NewDesc("sillage_outbox_messages",
			"Messages waiting in the outbox, by channel and status (queued, sending).", []string{"channel", "status"}, nil),
		trees:  prometheus.NewDesc("sillage_tree_cache_trees", "Campaign forward trees held in memory.", nil, nil),
		claims: prometheus.NewDesc("sillage_tree_cache_claims", "Claims held in the in-memory trees.", nil, nil),
		links:  prometheus.NewDesc("sillage_tree_cache_links", "Links held in the in-memory trees.", nil, nil),
	}
}

// Describe sends every description domain may collect.
func (d *domain) Describe(ch chan<- *prometheus.Desc) {
	for _, desc := range []*prometheus.Desc{d.views, d.forwards, d.previews, d.refused, d.backlog, d.trees, d.claims, d.links} {
		ch <- desc
	}
}

// Collect reads the figures now. A failing read is reported as an invalid
// metric, which the handler logs and leaves out.
func (d *domain) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), scrapeTimeout)
	defer cancel()
	if d.src.Counters != nil {
		d.collectCounters(ctx, ch)
	}
	if d.src.Backlog != nil {
		backlog, err := d.src.Backlog(ctx)
		if err != nil {
			ch <- prometheus.NewInvalidMetric(d.backlog, err)
		}
		for _, b := range backlog {
			ch <- prometheus.MustNewConstMetric(d.backlog, prometheus.GaugeValue, float64(b.Messages), string(b.Channel), string(b.Status))
		}
	}
	if d.src.Trees != nil {
		st := d.src.Trees()
		ch <- prometheus.MustNewConstMetric(d.trees, prometheus.GaugeValue, float64(st.Trees))
		ch <- prometheus.MustNewConstMetric(d.claims, prometheus.GaugeValue, float64(st.Nodes))
		ch <- prometheus.MustNewConstMetric(d.links, prometheus.GaugeValue, float64(st.Links))
	}
}

func (d *domain) collectCounters(ctx context.Context, ch chan<- prometheus.Metric) {
	all, err := d.src.Counters(ctx)
	if err != nil {
		ch <- prometheus.NewInvalidMetric(d.views, err)
		return
	}
	for id, counts := range all {
		c := strconv.FormatInt(int64(id), 10)
		// Views, previews and refusals show at 0 until the first one, so
		// that rate() sees the first.
		ch <- prometheus.MustNewConstMetric(d.views, prometheus.CounterValue, float64(counts[campaign.CountViews]), c)
		ch <- prometheus.MustNewConstMetric(d.previews, prometheus.CounterValue, float64(counts[campaign.CountPreviews]), c)
		ch <- prometheus.MustNewConstMetric(d.refused, prometheus.CounterValue, float64(counts[campaign.CountRefusals]), c)
		for name, v := range counts {
			if channel, ok := strings.CutPrefix(name, campaign.CountForwards); ok {
				ch <- prometheus.MustNewConstMetric(d.forwards, prometheus.CounterValue, float64(v), c, channel)
			}
		}
	}
}
