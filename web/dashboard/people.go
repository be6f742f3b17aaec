package dashboard

import (
	"context"
	"slices"
	"strconv"

	"github.com/sillage/sillage/campaign"
	"github.com/sillage/sillage/campaign/cascade"
	"github.com/sillage/sillage/campaign/i18n"
)

// The dashboard's pages number the people of a campaign 1, 2, 3… in the
// order they opened the content, campaign by campaign, and call each
// "Person 3" on every page. Claim ids, which every campaign shares, stay
// the API's and the addresses' (?root=, /claims/{id}): they are for
// machines.

// personNumber returns the number of claim id among the people of tree,
// 0 when it is not one of its claims. The tree's nodes are its claims in
// id order, which is the order they were made.
func personNumber(tree *cascade.Tree, id int64) int {
	i, ok := slices.BinarySearchFunc(tree.Nodes, id, func(n cascade.Node, id int64) int { return cmpInt(n.ID, id) })
	if !ok {
		return 0
	}
	return i + 1
}

// personClaim returns the claim id of person n of tree, false when there
// is no such person.
func personClaim(tree *cascade.Tree, n int64) (int64, bool) {
	if n < 1 || n > int64(len(tree.Nodes)) {
		return 0, false
	}
	return tree.Nodes[n-1].ID, true
}

// people returns the person numbers of the claims ids of campaign cid;
// an id not in the campaign is left out.
func (h *Handler) people(ctx context.Context, cid campaign.ID, ids []int64) (map[int64]int, error) {
	numbers := make(map[int64]int, len(ids))
	err := h.trees.WithTree(ctx, cid, func(tree *cascade.Tree) error {
		for _, id := range ids {
			if n := personNumber(tree, id); n > 0 {
				numbers[id] = n
			}
		}
		return nil
	})
	return numbers, err
}

// person names person n: "Person 3", "Personne 3".
func person(l *i18n.Lang, n int) string {
	return l.T("dashboard.live.person") + "\u00a0" + strconv.Itoa(n)
}
