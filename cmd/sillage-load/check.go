package main

import (
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/url"
	"slices"

	"github.com/sillage/sillage/campaign/cascade"
)

// expectation is what the simulation did, as the server must count it.
type expectation struct {
	Views int64 `json:"views"` // unlocks answered 303: every person is a new device
	// Reach is the devices that saw the content: every person's fresh
	// device, and no seat taken over (the simulation releases none).
	Reach int64 `json:"reach"`
	// Brought counts, per channel and "all", the unlocks of a link a
	// person forwarded: the K-factor's new viewers, of Views viewers.
	Brought  map[string]int64 `json:"brought"`
	MaxDepth int64            `json:"max_depth"`
	Forwards map[string]int64 `json:"forwards"` // forwards answered 201, per channel
	Previews int64            `json:"previews"` // preview GETs answered 200
	Links    int64            `json:"links"`    // seeds minted + forwards
	// Uncertain counts writes that failed in transit: the server may or
	// may not have counted them, so an exact check is impossible.
	Uncertain int `json:"uncertain"`
	// Allow is what requests in flight to a killed instance may have
	// added: each figure must lie within [simulated, simulated + the
	// requests of its kind in flight]. Zero: every figure exact.
	Allow allowance `json:"allow"`

	depths map[int]int64   // nodes per depth
	shapes map[shape]int64 // nodes per depth, channel and number of children
}

// shape is what a node of the tree looks like without its ids: the claims
// of the server's tree and of the simulation are matched by it.
type shape struct {
	Depth    int
	Channel  string
	Children int
}

// expect sums up the tally of a run on a campaign with seeds seed links.
func (t *tally) expect(seeds int, uncertain int) expectation {
	t.mu.Lock()
	defer t.mu.Unlock()
	e := expectation{
		Views:     int64(len(t.nodes)),
		Reach:     int64(len(t.nodes)),
		Brought:   make(map[string]int64, len(channels)+1),
		Forwards:  make(map[string]int64, len(channels)),
		Previews:  t.previews,
		Links:     int64(seeds),
		Uncertain: uncertain,
		depths:    make(map[int]int64),
		shapes:    make(map[shape]int64),
	}
	for _, ch := range channels {
		e.Forwards[ch] = t.forwards[ch]
		e.Links += t.forwards[ch]
	}
	children := make([]int, len(t.nodes))
	for _, n := range t.nodes {
		e.MaxDepth = max(e.MaxDepth, int64(n.depth))
		if n.parent >= 0 {
			children[n.parent]++
			e.Brought[n.channel]++
			e.Brought["all"]++
		}
	}
	for i, n := range t.nodes {
		e.depths[int(n.depth)]++
		e.shapes[shape{int(n.depth), n.channel, children[i]}]++
	}
	return e
}

// checkStats returns every difference between the server's stats and the
// simulation; none means the figures are exactly right.
func checkStats(want expectation, got *stats) []string {
	var bad []string
	// within accepts server in [sim, sim+extra]: exact when extra is 0.
	within := func(name string, server, sim int64, extra int, what string) {
		switch {
		case extra == 0 && server != sim:
			bad = append(bad, fmt.Sprintf("%s: server says %d, the simulation made %d (%s)", name, server, sim, what))
		case extra > 0 && (server < sim || server > sim+int64(extra)):
			bad = append(bad, fmt.Sprintf("%s: server says %d, the simulation made %d and %d more were in flight to the killed instance (%s)", name, server, sim, extra, what))
		}
	}
	eq := func(name string, server, sim int64, what string) { within(name, server, sim, 0, what) }
	a := want.Allow
	within("views", got.Views, want.Views, a.Unlocks, "unlocks answered 303, each by a new device")
	within("reach", got.Reach, want.Reach, a.Unlocks, "distinct devices that saw the content: one per unlock, no seat taken over")
	// The K-factor is new viewers brought per viewer: the server divides
	// the same two integers, so the float is the same to the last bit.
	// With unlocks in flight at a kill, some count of brought viewers
	// within the allowance must give the server's float over its views.
	for _, ch := range append([]string{"all"}, channels[:]...) {
		if !kFactorFits(got.KFactor[ch], want.Brought[ch], a.Unlocks, got.Views) {
			bad = append(bad, fmt.Sprintf("k_factor.%s: server says %v, the simulation made %v (%d unlocks of forwarded links, %d more in flight to the killed instance, ÷ %d viewers)",
				ch, got.KFactor[ch], ratio(want.Brought[ch], want.Views), want.Brought[ch], a.Unlocks, got.Views))
		}
	}
	within("max_depth", got.MaxDepth, want.MaxDepth, min(a.Unlocks, 1), "deepest unlocked generation")
	var all int64
	for _, ch := range channels {
		within("forwards."+ch, got.Forwards[ch], want.Forwards[ch], a.Forwards, "forwards answered 201")
		all += want.Forwards[ch]
	}
	within("forwards.all", got.Forwards["all"], all, a.Forwards, "forwards answered 201, every channel")
	for ch := range got.Forwards {
		if _, ok := want.Forwards[ch]; !ok && ch != "all" && got.Forwards[ch] != 0 {
			bad = append(bad, fmt.Sprintf("forwards.%s: server says %d, the simulation used no such channel", ch, got.Forwards[ch]))
		}
	}
	within("previews", got.Previews, want.Previews, a.Previews, "preview GETs answered 200")
	within("links", got.Links, want.Links, a.Forwards, "seed links minted plus forwards")
	eq("reviews", got.Reviews, 0, "no device re-opened its own link")
	eq("exposures", got.Exposures, 0, "no device unlocked a second link")
	eq("refusals", got.Refusals, 0, "no link was tried by a second device")
	return uncertain(want, bad)
}

// checkTree returns every difference between the server's forward tree
// and the simulation: the node count, the nodes per depth and the nodes per
// depth, channel and number of children.
func checkTree(want expectation, nodes []treeNode) []string {
	var bad []string
	u := int64(want.Allow.Unlocks)
	if n := int64(len(nodes)); n < want.Views || n > want.Views+u {
		bad = append(bad, fmt.Sprintf("tree: %d nodes, the simulation unlocked %d (%d more in flight to a killed instance)", len(nodes), want.Views, u))
	}
	children := make(map[int64]int, len(nodes))
	for _, n := range nodes {
		if n.Parent != nil {
			children[*n.Parent]++
		}
	}
	depths := make(map[int]int64)
	shapes := make(map[shape]int64)
	for _, n := range nodes {
		depths[n.Depth]++
		shapes[shape{n.Depth, n.Channel, children[n.ID]}]++
	}
	if u > 0 {
		// An unlock in flight at the kill may have added a node the
		// simulation never saw; its person stopped there, so it is a
		// leaf. No depth may hold fewer nodes than the simulation's
		// (the node count bounds the surplus); the shapes (children per
		// node) are not compared.
		for d, n := range depths {
			if n < want.depths[d] {
				bad = append(bad, fmt.Sprintf("tree depth %d: server has %d, the simulation %d", d, n, want.depths[d]))
			}
		}
		for d, n := range want.depths {
			if _, ok := depths[d]; !ok {
				bad = append(bad, fmt.Sprintf("tree depth %d: server has 0, the simulation %d", d, n))
			}
		}
		return bad
	}
	bad = append(bad, diffCounts("tree depth", depths, want.depths, cmp.Compare[int], func(d int) string { return fmt.Sprint(d) })...)
	if len(bad) == 0 { // the finer comparison only says more when the coarse one agrees
		bad = append(bad, diffCounts("tree node", shapes, want.shapes, compareShapes, func(s shape) string {
			return fmt.Sprintf("at depth %d on %s with %d children", s.Depth, s.Channel, s.Children)
		})...)
	}
	return uncertain(want, bad)
}

// kFactorFits says whether k is b/views for some b in [brought,
// brought+extra], to the last bit (0 when views is 0).
func kFactorFits(k float64, brought int64, extra int, views int64) bool {
	for b := brought; b <= brought+int64(extra); b++ {
		if k == ratio(b, views) {
			return true
		}
	}
	return false
}

// ratio is n/d as the server computes it, 0 for no viewers.
func ratio(n, d int64) float64 {
	if d == 0 {
		return 0
	}
	return float64(n) / float64(d)
}

func compareShapes(a, b shape) int {
	return cmp.Or(cmp.Compare(a.Depth, b.Depth), cmp.Compare(a.Channel, b.Channel), cmp.Compare(a.Children, b.Children))
}

// diffCounts lists the keys whose counts differ, in order, at most ten.
func diffCounts[K comparable](what string, server, sim map[K]int64, order func(a, b K) int, name func(K) string) []string {
	keys := slices.Collect(maps.Keys(server))
	for k := range sim {
		if _, ok := server[k]; !ok {
			keys = append(keys, k)
		}
	}
	slices.SortFunc(keys, order)
	var bad []string
	for _, k := range keys {
		if server[k] == sim[k] {
			continue
		}
		if len(bad) == 10 {
			bad = append(bad, fmt.Sprintf("%s: more differences not shown", what))
			break
		}
		bad = append(bad, fmt.Sprintf("%s %s: server has %d, the simulation %d", what, name(k), server[k], sim[k]))
	}
	return bad
}

// uncertain notes, after mismatches, that failed writes make them
// expected.
func uncertain(want expectation, bad []string) []string {
	if len(bad) > 0 && want.Uncertain > 0 {
		bad = append(bad, fmt.Sprintf("(%d writes failed in transit: the server may have counted them)", want.Uncertain))
	}
	return bad
}

// defaultExports are the export formats asked for when the server's
// OpenAPI document does not list them: those this build knows.
var defaultExports = cascade.FormatNames()

// figureAnswers are the API's answers that hold a campaign's figures,
// each of which every instance on one database must give byte for byte:
// the figures, the tree, and each export format the API lists (see
// exportFormats).
func figureAnswers(formats []string) []string {
	paths := []string{"/stats", "/cascades", "/ambassadors", "/leaks", "/tree"}
	for _, f := range formats {
		paths = append(paths, "/export?format="+url.QueryEscape(f))
	}
	return paths
}

// exportFormats reads the export formats from the server's OpenAPI
// document, so that a format added later is compared too; defaultExports
// when the document does not say.
func exportFormats(ctx context.Context, a *api) []string {
	var doc struct {
		Paths map[string]map[string]struct {
			Parameters []struct {
				Name   string `json:"name"`
				Schema struct {
					Enum []string `json:"enum"`
				} `json:"schema"`
			} `json:"parameters"`
		} `json:"paths"`
	}
	if err := a.call(ctx, http.MethodGet, "/openapi.json", "", nil, http.StatusOK, &doc); err != nil {
		return defaultExports
	}
	for _, p := range doc.Paths["/campaigns/{id}/export"]["get"].Parameters {
		if p.Name == "format" && len(p.Schema.Enum) > 0 {
			return p.Schema.Enum
		}
	}
	return defaultExports
}

// compareInstances fetches every answer of figureAnswers for campaign id
// from each instance and returns a mismatch for each one that is not
// byte for byte the first instance's. /stats is compared without its
// forecast: that is computed at the clock of the request (which claims
// are mature yet), so two requests a moment apart may differ in it
// without any instance being wrong. The exports are compared by their
// SHA-256 as they stream: a million claims make 180 MB of GraphML.
func compareInstances(ctx context.Context, bases []*url.URL, key string, id int64) (compared []string, bad []string) {
	if len(bases) < 2 {
		return nil, nil
	}
	paths := figureAnswers(exportFormats(ctx, newAPI(bases[0], key)))
	for _, path := range paths {
		var (
			want answer
			have bool // the first instance answered
		)
		for i, base := range bases {
			got, err := fetchAnswer(ctx, newAPI(base, key), campaignPath(id)+path, path == "/stats")
			switch {
			case err != nil:
				bad = append(bad, fmt.Sprintf("%s: %s: %v", base.Host, path, err))
			case i == 0:
				want, have = got, true
			case have && got != want:
				bad = append(bad, fmt.Sprintf("%s: %s differs from %s's (%d bytes against %d)", base.Host, path, bases[0].Host, got.size, want.size))
			}
		}
	}
	return paths, bad
}

// answer identifies a body: its size and SHA-256.
type answer struct {
	size int64
	sum  [sha256.Size]byte
}

// fetchAnswer GETs path and returns its answer, that of the /stats body
// without its forecast when stats.
func fetchAnswer(ctx context.Context, a *api, path string, stats bool) (answer, error) {
	if stats {
		body, err := a.raw(ctx, path)
		if err == nil {
			body, err = withoutForecast(body)
		}
		return answer{int64(len(body)), sha256.Sum256(body)}, err
	}
	h := sha256.New()
	c := &countWriter{w: h}
	err := a.call(ctx, http.MethodGet, path, "", nil, http.StatusOK, c)
	var ans answer
	ans.size = c.n
	h.Sum(ans.sum[:0])
	return ans, err
}

type countWriter struct {
	w io.Writer
	n int64
}

func (c *countWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

// withoutForecast returns the /stats answer b with its forecast removed,
// the rest as the server wrote it.
func withoutForecast(b []byte) ([]byte, error) {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("decoding the answer: %w", err)
	}
	delete(m, "forecast")
	return json.Marshal(m) // keys sorted: the same order from each instance
}
