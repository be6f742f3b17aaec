package campaign

import (
	"encoding/json"
	"slices"
	"strconv"
	"strings"
)

// Milestones are the thresholds a campaign raises milestone.reached at
// (INTEGRATIONS.md §5): each once, when the campaign's views or its
// deepest chain first reach it.
type Milestones struct {
	Views []int64 `json:"views"`
	Depth []int64 `json:"depth"`
}

// DefaultMilestones are a new campaign's: orders of magnitude of views,
// and chains five and ten forwards deep.
func DefaultMilestones() Milestones {
	return Milestones{Views: []int64{100, 1_000, 10_000, 100_000, 1_000_000}, Depth: []int64{5, 10}}
}

const (
	maxMilestones    = 20
	maxMilestoneView = maxViewCap
)

// Validate returns a *ValidationError for thresholds out of range, more
// than 20 of a kind, or not in increasing order.
func (m Milestones) Validate() error {
	for _, k := range []struct {
		field string
		list  []int64
		limit int64
	}{{"milestones.views", m.Views, maxMilestoneView}, {"milestones.depth", m.Depth, maxDepthLimit}} {
		if len(k.list) > maxMilestones {
			return Invalid(k.field, "must list at most %d thresholds", maxMilestones)
		}
		for i, v := range k.list {
			if v < 1 || v > k.limit {
				return Invalid(k.field, "must be between 1 and %d", k.limit)
			}
			if i > 0 && v <= k.list[i-1] {
				return Invalid(k.field, "must be in increasing order")
			}
		}
	}
	return nil
}

// ParseThresholds reads thresholds as a marketer types them ("100, 1000
// 10000"), sorted and deduplicated. A word that is no whole number is a
// *ValidationError on field.
func ParseThresholds(field, s string) ([]int64, error) {
	var out []int64
	for _, f := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ';' || r == ' ' || r == '\t' }) {
		n, err := strconv.ParseInt(strings.ReplaceAll(f, "_", ""), 10, 64)
		if err != nil {
			return nil, Invalid(field, "must be whole numbers separated by commas (not %q)", f)
		}
		out = append(out, n)
	}
	slices.Sort(out)
	return slices.Compact(out), nil
}

// encode is the column's text: empty for the defaults, so that a change
// of the defaults reaches campaigns that never chose their own.
func (m Milestones) encode() string {
	if m.equal(DefaultMilestones()) {
		return ""
	}
	b, _ := json.Marshal(m) // two slices of integers always marshal
	return string(b)
}

func (m Milestones) equal(o Milestones) bool {
	return slices.Equal(m.Views, o.Views) && slices.Equal(m.Depth, o.Depth)
}

// decodeMilestones reads the column; what cannot be read (never written by
// this code) falls back to the defaults rather than failing every read of
// the campaign.
func decodeMilestones(s string) Milestones {
	if s == "" {
		return DefaultMilestones()
	}
	var m Milestones
	if json.Unmarshal([]byte(s), &m) != nil {
		return DefaultMilestones()
	}
	if m.Views == nil {
		m.Views = []int64{}
	}
	if m.Depth == nil {
		m.Depth = []int64{}
	}
	return m
}
