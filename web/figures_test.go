package web_test

import (
	"encoding/json"
	"math"
	"math/rand/v2"
	"net/http"
	"testing"
)

// A whole cascade through the real handlers: distinct phones unlock and
// forward at random; the API's figures must match the tree the test
// built, computed here the slow, obvious way.
func TestFiguresMatchTheTreeBuilt(t *testing.T) {
	a := newApp(t, 1<<20)
	id := a.launch(map[string]any{"forwards_per_claim": 5, "max_seats": 5}, "text/plain", []byte("hi"))
	rng := rand.New(rand.NewPCG(7, 11))
	channels := []string{"whatsapp", "sms", "email", "link"}

	type node struct {
		parent int // index in nodes, -1 under a seed link (the root)
		depth  int
	}
	var nodes []node
	type pending struct {
		url     string
		parent  int
		channel string
	}
	queue := []pending{}
	for _, u := range a.seeds(id, 3, 1) {
		queue = append(queue, pending{url: u, parent: -1, channel: "link"})
	}
	forwards := map[string]int{}
	opened := map[string]int{}
	for len(queue) > 0 && len(nodes) < 40 {
		p := queue[0]
		queue = queue[1:]
		if rng.IntN(5) == 0 && p.parent >= 0 {
			continue // this friend never opens the link
		}
		phone := newPhone(t, androidChrome)
		if res, _ := phone.unlock(p.url); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("unlock: %d", res.StatusCode)
		}
		depth := 1
		if p.parent >= 0 {
			depth = nodes[p.parent].depth + 1
			opened[p.channel]++
		}
		nodes = append(nodes, node{parent: p.parent, depth: depth})
		me := len(nodes) - 1
		for range rng.IntN(4) {
			ch := channels[rng.IntN(len(channels))]
			status, link, _ := phone.forward(p.url, ch)
			if status != http.StatusCreated {
				t.Fatalf("forward: %d", status)
			}
			forwards[ch]++
			queue = append(queue, pending{url: link, parent: me, channel: ch})
		}
	}

	// The expected figures, the obvious way: each cascade is the nodes
	// under one seed claim; distances by walking up to the common
	// ancestor. Structural virality is per cascade, and the campaign's
	// is their mean weighted by size over cascades of 2 or more.
	up := func(i int) int { return nodes[i].parent }
	seedOf := func(i int) int {
		for nodes[i].parent >= 0 {
			i = nodes[i].parent
		}
		return i
	}
	type cascadeWant struct {
		size, depth, wiener int
	}
	cascades := map[int]*cascadeWant{}
	for i := range nodes {
		c := cascades[seedOf(i)]
		if c == nil {
			c = &cascadeWant{}
			cascades[seedOf(i)] = c
		}
		c.size++
		c.depth = max(c.depth, nodes[i].depth)
		for j := i + 1; j < len(nodes); j++ {
			if seedOf(j) != seedOf(i) {
				continue
			}
			x, y, d := i, j, 0
			for x != y {
				if nodes[x].depth >= nodes[y].depth {
					x = up(x)
				} else {
					y = up(y)
				}
				d++
			}
			c.wiener += d
		}
	}
	var weighted, spread float64
	for _, c := range cascades {
		if c.size > 1 {
			weighted += float64(c.size) * float64(c.wiener) / float64(c.size*(c.size-1)/2)
			spread += float64(c.size)
		}
	}
	generations := map[int]int{}
	maxDepth, sum := 0, 0
	for _, nd := range nodes {
		generations[nd.depth]++
		maxDepth = max(maxDepth, nd.depth)
		sum += nd.depth
	}
	allForwards := 0
	for _, f := range forwards {
		allForwards += f
	}

	var figures map[string]json.RawMessage
	if st := a.api("GET", path(id, "/stats"), nil, &figures); st != http.StatusOK {
		t.Fatalf("stats: %d", st)
	}
	num := func(key string) float64 {
		var f float64
		if err := json.Unmarshal(figures[key], &f); err != nil {
			t.Fatalf("%s: %s", key, figures[key])
		}
		return f
	}
	if v := num("views"); int(v) != len(nodes) {
		t.Errorf("views = %v, want %d", v, len(nodes))
	}
	if v := num("reach"); int(v) != len(nodes) {
		t.Errorf("reach = %v, want %d", v, len(nodes))
	}
	if _, ok := figures["wiener_index"]; ok {
		t.Error("wiener_index of the campaign joined under a virtual root is still answered")
	}
	if spread == 0 {
		t.Fatal("no cascade spread: the test measures nothing")
	}
	if v, want := num("structural_virality"), weighted/spread; math.Abs(v-want) > 1e-9 {
		t.Errorf("structural_virality = %v, want %v", v, want)
	}
	var got []struct {
		Seed               int64
		Size, Depth        int
		Wiener             int      `json:"wiener_index"`
		StructuralVirality *float64 `json:"structural_virality"`
	}
	json.Unmarshal(figures["cascades"], &got)
	if len(got) != len(cascades) {
		t.Errorf("%d cascades, want %d", len(got), len(cascades))
	}
	for _, c := range got {
		w := cascades[int(c.Seed)-1] // claim ids follow the nodes' order
		if w == nil || c.Size != w.size || c.Depth != w.depth || c.Wiener != w.wiener {
			t.Errorf("cascade of %d = %+v, want %+v", c.Seed, c, w)
			continue
		}
		if (c.StructuralVirality == nil) != (w.size == 1) {
			t.Errorf("cascade of %d of size %d: structural_virality %v", c.Seed, w.size, c.StructuralVirality)
		}
	}
	var gens []int
	json.Unmarshal(figures["generations"], &gens)
	breadth := 0
	for d := 1; d <= maxDepth; d++ {
		if d > len(gens) || gens[d-1] != generations[d] {
			t.Errorf("generations = %v, want %v at depth %d", gens, generations[d], d)
		}
		breadth = max(breadth, generations[d])
	}
	if v := num("max_breadth"); int(v) != breadth {
		t.Errorf("max_breadth = %v, want %d", v, breadth)
	}
	var depth struct {
		Max  int
		Mean float64
	}
	json.Unmarshal(figures["depth"], &depth)
	if depth.Max != maxDepth || math.Abs(depth.Mean-float64(sum)/float64(len(nodes))) > 1e-9 {
		t.Errorf("depth = %+v, want max %d mean %v", depth, maxDepth, float64(sum)/float64(len(nodes)))
	}
	var k, fw map[string]float64
	json.Unmarshal(figures["k_factor"], &k)
	json.Unmarshal(figures["forwards"], &fw)
	brought := 0
	for _, ch := range channels {
		if int(fw[ch]) != forwards[ch] {
			t.Errorf("forwards.%s = %v, want %d", ch, fw[ch], forwards[ch])
		}
		// K = new viewers brought per viewer, here through channel ch.
		if want := float64(opened[ch]) / float64(len(nodes)); math.Abs(k[ch]-want) > 1e-9 {
			t.Errorf("k_factor.%s = %v, want %v", ch, k[ch], want)
		}
		brought += opened[ch]
	}
	if wantK := float64(brought) / float64(len(nodes)); math.Abs(k["all"]-wantK) > 1e-9 {
		t.Errorf("k_factor.all = %v, want %v", k["all"], wantK)
	}
	if int(fw["all"]) != allForwards || len(nodes) < 10 {
		t.Errorf("forwards.all = %v, want %d (over %d nodes)", fw["all"], allForwards, len(nodes))
	}
}
