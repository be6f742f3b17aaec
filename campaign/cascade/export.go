package cascade

import (
	"bufio"
	"encoding/xml"
	"io"
	"strconv"
	"time"
)

// Exports write a tree as it is read, row by row through a buffered writer:
// a million-node tree is never built in memory a second time.

// WriteCSV writes one row per claim: id, parent (empty under a seed link:
// the campaign is the root), depth, channel, link and claim time. Each row
// is also the edge from the parent to the claim.
func WriteCSV(w io.Writer, t *Tree) error {
	bw := bufio.NewWriterSize(w, 64<<10)
	bw.WriteString("id,parent,depth,channel,link,claimed_at\n")
	var buf []byte
	for _, n := range t.Nodes {
		buf = strconv.AppendInt(buf[:0], n.ID, 10)
		buf = append(buf, ',')
		if n.Parent != 0 {
			buf = strconv.AppendInt(buf, n.Parent, 10)
		}
		buf = append(buf, ',')
		buf = strconv.AppendInt(buf, int64(n.Depth), 10)
		buf = append(buf, ',')
		buf = append(buf, n.Channel...) // one of four plain words: nothing to quote
		buf = append(buf, ',')
		buf = strconv.AppendInt(buf, n.Link, 10)
		buf = append(buf, ',')
		buf = n.ClaimedAt.UTC().AppendFormat(buf, time.RFC3339Nano)
		buf = append(buf, '\n')
		if _, err := bw.Write(buf); err != nil {
			return err
		}
	}
	return bw.Flush()
}

// WriteEdgesCSV writes one row per edge of the tree rooted at the
// campaign: source ("campaign" or a claim id), target claim id, channel.
func WriteEdgesCSV(w io.Writer, t *Tree) error {
	bw := bufio.NewWriterSize(w, 64<<10)
	bw.WriteString("source,target,channel\n")
	var buf []byte
	for _, n := range t.Nodes {
		buf = buf[:0]
		if n.Parent == 0 {
			buf = append(buf, "campaign"...)
		} else {
			buf = strconv.AppendInt(buf, n.Parent, 10)
		}
		buf = append(buf, ',')
		buf = strconv.AppendInt(buf, n.ID, 10)
		buf = append(buf, ',')
		buf = append(buf, n.Channel...)
		buf = append(buf, '\n')
		if _, err := bw.Write(buf); err != nil {
			return err
		}
	}
	return bw.Flush()
}

// WriteJSON writes {"nodes": [{"id", "parent", "depth", "channel", "link",
// "claimed_at"}]}, parent null under a seed link.
func WriteJSON(w io.Writer, t *Tree) error {
	bw := bufio.NewWriterSize(w, 64<<10)
	bw.WriteString(`{"nodes":[`)
	var buf []byte
	for i, n := range t.Nodes {
		buf = buf[:0]
		if i > 0 {
			buf = append(buf, ',')
		}
		buf = append(buf, `{"id":`...)
		buf = strconv.AppendInt(buf, n.ID, 10)
		buf = append(buf, `,"parent":`...)
		if n.Parent == 0 {
			buf = append(buf, "null"...)
		} else {
			buf = strconv.AppendInt(buf, n.Parent, 10)
		}
		buf = append(buf, `,"depth":`...)
		buf = strconv.AppendInt(buf, int64(n.Depth), 10)
		buf = append(buf, `,"channel":`...)
		buf = strconv.AppendQuote(buf, n.Channel)
		buf = append(buf, `,"link":`...)
		buf = strconv.AppendInt(buf, n.Link, 10)
		buf = append(buf, `,"claimed_at":"`...)
		buf = n.ClaimedAt.UTC().AppendFormat(buf, time.RFC3339Nano)
		buf = append(buf, `"}`...)
		if _, err := bw.Write(buf); err != nil {
			return err
		}
	}
	bw.WriteString("]}\n")
	return bw.Flush()
}

// WriteGraphML writes the tree rooted at the campaign as GraphML, which
// Gephi, yEd and NetworkX open: node "campaign" at depth 0, one node per
// claim ("c" and its id) with depth, channel and time, and a directed edge
// from each parent to its child.
func WriteGraphML(w io.Writer, t *Tree, title string) error {
	bw := bufio.NewWriterSize(w, 64<<10)
	bw.WriteString(xml.Header)
	bw.WriteString(`<graphml xmlns="http://graphml.graphdrawing.org/xmlns">` + "\n")
	bw.WriteString(`<key id="depth" for="node" attr.name="depth" attr.type="int"/>` + "\n")
	bw.WriteString(`<key id="channel" for="node" attr.name="channel" attr.type="string"/>` + "\n")
	bw.WriteString(`<key id="claimed_at" for="node" attr.name="claimed_at" attr.type="string"/>` + "\n")
	bw.WriteString(`<key id="label" for="node" attr.name="label" attr.type="string"/>` + "\n")
	bw.WriteString(`<graph id="campaign" edgedefault="directed">` + "\n")
	bw.WriteString(`<node id="campaign"><data key="depth">0</data><data key="label">`)
	xml.EscapeText(bw, []byte(title))
	bw.WriteString("</data></node>\n")
	var buf []byte
	for _, n := range t.Nodes {
		buf = append(buf[:0], `<node id="c`...)
		buf = strconv.AppendInt(buf, n.ID, 10)
		buf = append(buf, `"><data key="depth">`...)
		buf = strconv.AppendInt(buf, int64(n.Depth), 10)
		buf = append(buf, `</data><data key="channel">`...)
		buf = append(buf, n.Channel...)
		buf = append(buf, `</data><data key="claimed_at">`...)
		buf = n.ClaimedAt.UTC().AppendFormat(buf, time.RFC3339Nano)
		buf = append(buf, `</data></node>`+"\n"+`<edge source="`...)
		if n.Parent == 0 {
			buf = append(buf, "campaign"...)
		} else {
			buf = append(buf, 'c')
			buf = strconv.AppendInt(buf, n.Parent, 10)
		}
		buf = append(buf, `" target="c`...)
		buf = strconv.AppendInt(buf, n.ID, 10)
		buf = append(buf, `"/>`+"\n"...)
		if _, err := bw.Write(buf); err != nil {
			return err
		}
	}
	bw.WriteString("</graph>\n</graphml>\n")
	return bw.Flush()
}
