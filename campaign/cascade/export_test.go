package cascade_test

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"encoding/xml"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sillage/sillage/campaign/cascade"
)

func exportTree() *cascade.Tree {
	at := time.Date(2026, 11, 23, 20, 0, 0, 0, time.UTC)
	return &cascade.Tree{Nodes: []cascade.Node{
		{ID: 1, Depth: 1, Channel: "link", Link: 1, ClaimedAt: at},
		{ID: 2, Parent: 1, Depth: 2, Channel: "whatsapp", Link: 2, ClaimedAt: at.Add(time.Minute)},
		{ID: 5, Parent: 2, Depth: 3, Channel: "sms", Link: 7, ClaimedAt: at.Add(2 * time.Minute)},
		{ID: 6, Depth: 1, Channel: "email", Link: 3, ClaimedAt: at.Add(3 * time.Minute)},
	}}
}

func TestWriteCSV(t *testing.T) {
	var buf bytes.Buffer
	if err := cascade.WriteCSV(&buf, exportTree()); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(&buf).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{
		{"id", "parent", "depth", "channel", "link", "claimed_at"},
		{"1", "", "1", "link", "1", "2026-11-23T20:00:00Z"},
		{"2", "1", "2", "whatsapp", "2", "2026-11-23T20:01:00Z"},
		{"5", "2", "3", "sms", "7", "2026-11-23T20:02:00Z"},
		{"6", "", "1", "email", "3", "2026-11-23T20:03:00Z"},
	}
	if got := rows; len(got) != len(want) || strings.Join(got[3], ",") != strings.Join(want[3], ",") || strings.Join(got[1], ",") != strings.Join(want[1], ",") {
		t.Errorf("CSV = %q, want %q", got, want)
	}
	buf.Reset()
	cascade.WriteEdgesCSV(&buf, exportTree())
	if got, want := buf.String(), "source,target,channel\ncampaign,1,link\n1,2,whatsapp\n2,5,sms\ncampaign,6,email\n"; got != want {
		t.Errorf("edges CSV = %q, want %q", got, want)
	}
}

func TestWriteJSON(t *testing.T) {
	var buf bytes.Buffer
	if err := cascade.WriteJSON(&buf, exportTree()); err != nil {
		t.Fatal(err)
	}
	var got struct {
		Nodes []struct {
			ID, Link  int64
			Parent    *int64
			Depth     int
			Channel   string
			ClaimedAt time.Time `json:"claimed_at"`
		}
	}
	if err := json.Unmarshal(buf.Bytes(), &got); err != nil {
		t.Fatalf("invalid JSON: %v\n%s", err, buf.String())
	}
	if len(got.Nodes) != 4 || got.Nodes[0].Parent != nil || *got.Nodes[2].Parent != 2 || got.Nodes[2].Channel != "sms" || got.Nodes[3].ClaimedAt.Minute() != 3 {
		t.Errorf("JSON = %+v", got)
	}
}

func TestWriteGraphML(t *testing.T) {
	var buf bytes.Buffer
	if err := cascade.WriteGraphML(&buf, exportTree(), `Clip <"&'>`); err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Graph struct {
			Nodes []struct {
				ID string `xml:"id,attr"`
			} `xml:"node"`
			Edges []struct {
				Source string `xml:"source,attr"`
				Target string `xml:"target,attr"`
			} `xml:"edge"`
		} `xml:"graph"`
	}
	if err := xml.Unmarshal(buf.Bytes(), &doc); err != nil {
		t.Fatalf("invalid XML: %v", err)
	}
	if len(doc.Graph.Nodes) != 5 || len(doc.Graph.Edges) != 4 || doc.Graph.Edges[2].Source != "c2" || doc.Graph.Edges[3].Source != "campaign" {
		t.Errorf("GraphML nodes %v edges %v", doc.Graph.Nodes, doc.Graph.Edges)
	}
	// NetworkX, the reference reader, must see the same tree.
	if _, err := exec.LookPath("python3"); err != nil {
		cascade.OracleMissing(t, "python3")
		return
	}
	path := filepath.Join(t.TempDir(), "tree.graphml")
	os.WriteFile(path, buf.Bytes(), 0o600)
	out, err := exec.Command("python3", "-c", `
import sys, networkx as nx
g = nx.read_graphml(sys.argv[1])
print(g.number_of_nodes(), g.number_of_edges(), nx.is_arborescence(g), g.nodes["c5"]["depth"], g.nodes["c5"]["channel"], sorted(g.successors("campaign")))
`, path).CombinedOutput()
	if err != nil {
		if strings.Contains(string(out), "No module named") {
			cascade.OracleMissing(t, "networkx")
			return
		}
		t.Fatalf("networkx: %v\n%s", err, out)
	}
	if got, want := strings.TrimSpace(string(out)), "5 4 True 3 sms ['c1', 'c6']"; got != want {
		t.Errorf("networkx read %q, want %q", got, want)
	}
}
