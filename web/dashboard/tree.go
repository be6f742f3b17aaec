package dashboard

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/go-chi/chi/v5"

	"github.com/sillage/sillage/campaign"
	"github.com/sillage/sillage/campaign/cascade"
	"github.com/sillage/sillage/campaign/i18n"
	"github.com/sillage/sillage/web/internal/httpx"
)

// The forward tree of a campaign: a page that draws it (static/dash_tree.js)
// and the view it draws, cut by cascade.NewView so that a tree of any
// size is drawn as a few hundred nodes and groups to expand.

const (
	treeBudget      = 800 // claims drawn at first, and per expansion: about 1,600 SVG shapes at most
	treeTableBudget = 40  // rows of the page's table
	treeSeedOptions = 50  // largest cascades offered in the page's list
)

// treePage is the forward tree of a campaign: the drawing's controls and
// legend, and, for readers without the drawing, the top of the tree as a
// table.
type treePage struct {
	frame
	ID        campaign.ID
	Root      int64 // 0: the whole campaign
	Up        int64 // the root's parent claim, 0 for a seed or the campaign
	Options   []treeOption
	View      cascade.View // a small one, for the table
	Rows      []treeRow
	Budget    int
	Expand    string // as asked, for the script
	Channels  []treeChannel
	DrawnLine string // "12 of 40 views drawn."
}

// treeOption is one cascade in the page's list.
type treeOption struct {
	Root     int64
	Label    string
	Selected bool
}

// treeChannel is one channel in the legend.
type treeChannel struct{ Name, Label string }

// treeRow is one row of the table: a claim, or a group not drawn.
type treeRow struct {
	Level      int // levels below the root, up to 6 for the indentation
	Claim      string
	Parent     string
	Depth      int
	Channel    string
	ChannelKey string
	ClaimedAt  string
	Downstream string
	Children   string
	More       bool
}

// treeOptions reads root, budget and expand, the query parameters of both
// the page and its view. A budget under the default is allowed, for
// phones and tests; above cascade.MaxViewBudget a browser would struggle.
func treeOptions(q url.Values, t *i18n.Lang) (cascade.ViewOptions, error) {
	o := cascade.ViewOptions{Budget: treeBudget}
	if v := q.Get("root"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < 0 {
			return o, errors.New(t.T("dashboard.tree.bad_root"))
		}
		o.Root = n
	}
	if v := q.Get("budget"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > cascade.MaxViewBudget {
			return o, errors.New(t.T("dashboard.tree.bad_budget", cascade.MaxViewBudget))
		}
		o.Budget = n
	}
	if v := q.Get("expand"); v != "" {
		parts := strings.Split(v, ",")
		if len(parts) > cascade.MaxViewExpands {
			return o, errors.New(t.T("dashboard.tree.bad_expand", cascade.MaxViewExpands))
		}
		for _, p := range parts {
			n, err := strconv.ParseInt(strings.TrimSpace(p), 10, 64)
			if err != nil || n < 0 {
				return o, errors.New(t.T("dashboard.tree.bad_expand", cascade.MaxViewExpands))
			}
			o.Expand = append(o.Expand, n)
		}
	}
	return o, nil
}

// handleTreeJSON answers GET /campaigns/{id}/tree.json?root=&budget=&expand=
// with the view the page draws, cut from the tree the API's /tree serves.
// An unknown campaign, root or expanded claim is a 404; a malformed
// parameter a 400.
func (h *Handler) handleTreeJSON(w http.ResponseWriter, r *http.Request) {
	t := langOf(r)
	id := pathID(chi.URLParam(r, "id"))
	if id == 0 {
		httpx.Error(w, http.StatusNotFound, t.T("dashboard.not_found"))
		return
	}
	o, err := treeOptions(r.URL.Query(), t)
	if err != nil {
		httpx.Error(w, http.StatusBadRequest, err.Error())
		return
	}
	var v treeJSON
	err = h.trees.WithTree(r.Context(), campaign.ID(id), func(tr *cascade.Tree) error {
		view, err := cascade.NewView(*tr, o)
		if err != nil {
			return err
		}
		v = treeJSONOf(tr, view)
		return nil
	})
	if errors.Is(err, cascade.ErrNoClaim) {
		httpx.Error(w, http.StatusNotFound, t.T("dashboard.tree.no_claim"))
		return
	}
	if err != nil {
		status, msg := errorStatus(err, t)
		if status == http.StatusInternalServerError {
			h.log.Error("tree view", "campaign", id, "err", err)
		}
		httpx.Error(w, status, msg)
		return
	}
	httpx.WriteJSON(w, http.StatusOK, v)
}

// handleTree answers GET /campaigns/{id}/tree?root=: the drawing's
// page, the list of the largest cascades, and the top of the tree as a
// table, which the page shows whether the drawing works or not.
func (h *Handler) handleTree(w http.ResponseWriter, r *http.Request) {
	c, ok := h.campaignOf(w, r)
	if !ok {
		return
	}
	t := langOf(r)
	p := treePage{frame: h.campaignPage(r, t, c.Title+" · "+t.T("dashboard.tree.title"), c.ID, "tree"), ID: c.ID}
	o, err := treeOptions(r.URL.Query(), t)
	if err != nil {
		h.pages.Render(w, http.StatusBadRequest, "dash_message.html", messagePage{frame: p.frame, Message: err.Error()})
		return
	}
	p.Root, p.Budget = o.Root, o.Budget
	p.Expand = r.URL.Query().Get("expand")
	var seeds []cascade.Cascade
	people := map[int64]int{} // the person numbers of the claims the page names
	err = h.trees.WithTree(r.Context(), c.ID, func(tr *cascade.Tree) error {
		p.View, err = cascade.NewView(*tr, cascade.ViewOptions{Root: o.Root, Budget: treeTableBudget})
		if err != nil {
			return err
		}
		seeds = cascade.Cascades(*tr, cascade.Window{})
		for i, sd := range seeds {
			if i == treeSeedOptions {
				break
			}
			people[sd.Seed] = personNumber(tr, sd.Seed)
		}
		people[o.Root] = personNumber(tr, o.Root)
		for _, n := range p.View.Nodes {
			people[n.ID], people[n.Parent] = personNumber(tr, n.ID), personNumber(tr, n.Parent)
		}
		for _, m := range p.View.More {
			people[m.Parent] = personNumber(tr, m.Parent)
		}
		return nil
	})
	if errors.Is(err, cascade.ErrNoClaim) {
		h.pages.Render(w, http.StatusNotFound, "dash_message.html", messagePage{frame: p.frame, Message: t.T("dashboard.tree.no_claim")})
		return
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	p.Up = p.View.Nodes[0].Parent
	num := numbers(t)
	listed := false
	for i, sd := range seeds {
		if i == treeSeedOptions {
			break
		}
		label := t.T("dashboard.tree.seed_option", person(t, people[sd.Seed]), count(t, nViews, sd.Size), word(t, "dashboard.tree.channels."+sd.Channel))
		p.Options = append(p.Options, treeOption{Root: sd.Seed, Label: label, Selected: sd.Seed == o.Root})
		listed = listed || sd.Seed == o.Root
	}
	if o.Root != 0 && !listed {
		p.Options = append(p.Options, treeOption{Root: o.Root, Label: person(t, people[o.Root]), Selected: true})
	}
	for _, ch := range []string{"whatsapp", "sms", "email", "link"} {
		p.Channels = append(p.Channels, treeChannel{Name: ch, Label: word(t, "dashboard.tree.channels."+ch)})
	}
	p.Rows = treeRows(t, p.View, people)
	p.DrawnLine = t.T("dashboard.tree.drawn", num(p.View.Drawn), num(p.View.Views))
	h.pages.Render(w, http.StatusOK, "dash_tree.html", p)
}

// treeRows lists the view as the table shows it: in the drawing's order,
// each group after the drawn children of its node; people holds the
// person numbers of its claims.
func treeRows(t *i18n.Lang, v cascade.View, people map[int64]int) []treeRow {
	num := numbers(t)
	claim := func(id int64) string {
		if id == 0 {
			return t.T("dashboard.tree.campaign")
		}
		return person(t, people[id])
	}
	groups := make(map[int64]cascade.More, len(v.More))
	for _, m := range v.More {
		groups[m.Parent] = m
	}
	var rows []treeRow
	// A group closes its node's subtree: it comes before the next node
	// no deeper than that node.
	var open []cascade.ViewNode
	flush := func(y int) {
		for len(open) > 0 && open[len(open)-1].Y >= y {
			n := open[len(open)-1]
			open = open[:len(open)-1]
			if m, ok := groups[n.ID]; ok {
				rows = append(rows, treeRow{
					Level: min(m.Y, 6), Parent: claim(m.Parent), Depth: m.Depth, More: true,
					Claim: t.T("dashboard.tree.more", num(m.Views), num(m.Branches)),
				})
			}
		}
	}
	for i, n := range v.Nodes {
		flush(n.Y)
		open = append(open, n)
		if i == 0 && n.ID == 0 {
			continue // the campaign is the table's caption
		}
		row := treeRow{
			Level: min(n.Y, 6), Claim: claim(n.ID), Depth: n.Depth,
			Channel: word(t, "dashboard.tree.channels."+n.Channel), ChannelKey: n.Channel, ClaimedAt: formatTime(t, n.ClaimedAt),
			Downstream: num(n.Downstream), Children: num(n.Children),
		}
		if i > 0 {
			row.Parent = claim(n.Parent)
		}
		rows = append(rows, row)
	}
	flush(0)
	return rows
}

// treeJSON is the view the drawing draws: cascade.View with each node's
// person number, which the script shows where the API shows the claim id.
type treeJSON struct {
	cascade.View
	Nodes []treeNodeJSON `json:"nodes"`
}

type treeNodeJSON struct {
	cascade.ViewNode
	Person int `json:"person"` // 0 for the campaign
}

func treeJSONOf(tr *cascade.Tree, v cascade.View) treeJSON {
	out := treeJSON{View: v, Nodes: make([]treeNodeJSON, len(v.Nodes))}
	for i, n := range v.Nodes {
		out.Nodes[i] = treeNodeJSON{ViewNode: n, Person: personNumber(tr, n.ID)}
	}
	return out
}

// numbers returns a function writing whole numbers with the digits grouped
// as the live view does (8,357 or 8 357), like the script's
// Intl.NumberFormat.
func numbers(t *i18n.Lang) func(int) string {
	return func(n int) string { return t.Int(int64(n)) }
}
