package cascade

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/sillage/sillage/migrations/testnote"
)

// oracleFigures is what testdata/oracle.py computes with NetworkX.
type oracleFigures struct {
	Name        string   `json:"name"`
	Virality    *float64 `json:"virality"` // size-weighted mean of the cascades' ASPL, cascades of 2 or more
	Generations []int    `json:"generations"`
	DepthMax    int      `json:"depth_max"`
	DepthMean   float64  `json:"depth_mean"`
	DepthMedian float64  `json:"depth_median"`
	Cascades    map[string]struct {
		Size    int      `json:"size"`
		Depth   int      `json:"depth"`
		Breadth int      `json:"breadth"`
		Wiener  uint64   `json:"wiener"`
		ASPL    *float64 `json:"aspl"` // null for a lone claim
	} `json:"cascades"`
	Descendants map[string]int `json:"descendants"` // small trees only
}

// oracleTrees returns the random trees the oracle checks: many small ones
// of every shape, some with sparse ids, and a few of one or two thousand
// claims (NetworkX takes all pairs: bigger trees would take minutes).
func oracleTrees() map[string]Tree {
	r := rand.New(rand.NewPCG(2016, 2018))
	trees := map[string]Tree{}
	add := func(shape string, n int) {
		gap := int64(1)
		if r.IntN(3) == 0 {
			gap = 1 << (1 + r.IntN(40))
		}
		trees[fmt.Sprintf("%s-%d-%d", shape, n, len(trees))] = randomTree(r, shape, n, gap)
	}
	for i := range 320 {
		add(shapes[i%len(shapes)], 1+r.IntN(160))
	}
	for i := range 12 {
		add(shapes[i%len(shapes)], 200+r.IntN(400))
	}
	// NetworkX walks every pair, and level by level: deep trees cost most.
	for i, n := range []int{1200, 1000, 2000, 1000} {
		add(shapes[i], n)
	}
	return trees
}

// TestOracle compares Compute with NetworkX on random trees: cascades'
// Wiener indices and generations exactly, cascades' structural virality
// and depths to the last bit (both sides divide the same exact integers
// once), and the campaign's structural virality to 1e-12 (a weighted sum
// of floats, added in another order on each side).
func TestOracle(t *testing.T) {
	testnote.SkipShort(t, "SILLAGE_REQUIRE_ORACLE", "the oracle takes seconds")
	if _, err := exec.LookPath("python3"); err != nil {
		OracleMissing(t, "python3")
	}
	trees := oracleTrees()
	input := filepath.Join(t.TempDir(), "trees.txt")
	var buf bytes.Buffer
	for name, tr := range trees {
		size := "large"
		if len(tr.Nodes) <= 400 {
			size = "small"
		}
		fmt.Fprintf(&buf, "tree %s %s\n", name, size)
		for _, n := range tr.Nodes {
			fmt.Fprintf(&buf, "%d %d\n", n.ID, n.Parent)
		}
	}
	if err := os.WriteFile(input, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	cmd := exec.Command("python3", filepath.Join("testdata", "oracle.py"), input)
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		if strings.Contains(stderr.String(), "No module named") {
			OracleMissing(t, "networkx")
		}
		t.Fatalf("oracle.py: %v\n%s", err, stderr.String())
	}
	seen := 0
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(nil, 1<<24)
	for sc.Scan() {
		var want oracleFigures
		if err := json.Unmarshal(sc.Bytes(), &want); err != nil {
			t.Fatal(err)
		}
		tr, ok := trees[want.Name]
		if !ok {
			t.Fatalf("oracle answered for unknown tree %q", want.Name)
		}
		seen++
		t.Run(want.Name, func(t *testing.T) { checkOracle(t, tr, want) })
	}
	if got, want := seen, len(trees); got != want {
		t.Errorf("oracle answered for %d trees, want %d", got, want)
	}
}

func checkOracle(t *testing.T, tr Tree, want oracleFigures) {
	t.Helper()
	f := Compute(tr, Window{})
	if got := f.StructuralVirality; (got == nil) != (want.Virality == nil) ||
		(got != nil && math.Abs(*got-*want.Virality) > 1e-12**want.Virality) {
		t.Errorf("StructuralVirality = %s, want %s", fp(got), fp(want.Virality))
	}
	if got := f.Generations; !equal(got, want.Generations) {
		t.Errorf("Generations = %v, want %v", got, want.Generations)
	}
	if got, want := f.MaxBreadth, slices.Max(append([]int{0}, want.Generations...)); got != want {
		t.Errorf("MaxBreadth = %d, want %d", got, want)
	}
	if got := f.Depth; got.Max != want.DepthMax || got.Mean != want.DepthMean || got.Median != want.DepthMedian {
		t.Errorf("Depth = %d %v %v, want %d %v %v", got.Max, got.Mean, got.Median, want.DepthMax, want.DepthMean, want.DepthMedian)
	}
	if got, want := len(f.Cascades), len(want.Cascades); got != want {
		t.Errorf("%d cascades, want %d", got, want)
	}
	for _, c := range f.Cascades {
		w, ok := want.Cascades[strconv.FormatInt(c.Seed, 10)]
		if !ok {
			t.Errorf("cascade of %d: not a seed for NetworkX", c.Seed)
			continue
		}
		if c.Size != w.Size || c.Depth != w.Depth || c.MaxBreadth != w.Breadth || c.WienerIndex != w.Wiener || !sameFloat(c.StructuralVirality, w.ASPL) {
			t.Errorf("cascade of %d = size %d depth %d breadth %d wiener %d virality %s, want %d %d %d %d %s",
				c.Seed, c.Size, c.Depth, c.MaxBreadth, c.WienerIndex, fp(c.StructuralVirality), w.Size, w.Depth, w.Breadth, w.Wiener, fp(w.ASPL))
		}
	}
	if want.Descendants == nil {
		return
	}
	// The ranking by subtree is NetworkX's descendant counts, largest
	// first, oldest claim first among equals.
	var ranked []Ambassador
	for _, n := range tr.Nodes {
		if d := want.Descendants[strconv.FormatInt(n.ID, 10)]; d > 0 {
			ranked = append(ranked, Ambassador{Claim: n.ID, Descendants: d})
		}
	}
	slices.SortStableFunc(ranked, func(a, b Ambassador) int { return b.Descendants - a.Descendants })
	ranked = ranked[:min(len(ranked), TopAmbassadors)]
	got := f.Ambassadors.BySubtree
	if len(got) != len(ranked) {
		t.Fatalf("%d ambassadors, want %d", len(got), len(ranked))
	}
	for i := range got {
		if got[i].Claim != ranked[i].Claim || got[i].Descendants != ranked[i].Descendants {
			t.Errorf("ambassador %d = claim %d with %d, want %d with %d", i, got[i].Claim, got[i].Descendants, ranked[i].Claim, ranked[i].Descendants)
		}
	}
}
