package cascade

import "io"

// Format is one of the files a tree is exported as: the API's and the
// dashboard's downloads, and what db copy compares on both sides.
type Format struct {
	Name        string // as ?format= names it
	ContentType string
	Ext         string // the file name's extension, after "campaign-ID."
	// Write writes tree t of the campaign titled title (GraphML names
	// its graph with it; the others ignore it).
	Write func(w io.Writer, t *Tree, title string) error
}

// Formats are the export formats, in the order they are offered.
var Formats = []Format{
	{"csv", "text/csv; charset=utf-8", "csv", func(w io.Writer, t *Tree, _ string) error { return WriteCSV(w, t) }},
	{"edges", "text/csv; charset=utf-8", "edges.csv", func(w io.Writer, t *Tree, _ string) error { return WriteEdgesCSV(w, t) }},
	{"json", "application/json", "json", func(w io.Writer, t *Tree, _ string) error { return WriteJSON(w, t) }},
	{"graphml", "application/graphml+xml", "graphml", WriteGraphML},
}

// FormatNamed returns the export format called name; false for none.
func FormatNamed(name string) (Format, bool) {
	for _, f := range Formats {
		if f.Name == name {
			return f, true
		}
	}
	return Format{}, false
}

// FormatNames are the names of Formats, in their order.
func FormatNames() []string {
	names := make([]string, len(Formats))
	for i, f := range Formats {
		names[i] = f.Name
	}
	return names
}
