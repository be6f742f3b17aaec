package gating

import (
	"slices"
	"testing"
)

// Rows committed out of id order land among those held, and the ids read
// in a refresh are told from those held before, in id order or not.
func TestMergeByID(t *testing.T) {
	for _, tc := range []struct {
		name       string
		held, read []int64
	}{
		{"InOrder", []int64{1, 2, 5}, []int64{7, 9}},
		{"Below", []int64{4, 6}, []int64{1, 2}},
		{"Among", []int64{1, 5, 8, 12}, []int64{3, 6, 7, 13}},
		{"NothingHeld", nil, []int64{2, 3}},
		{"NothingRead", []int64{2, 3}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := append(slices.Clone(tc.held), tc.read...)
			mergeByID(s, len(tc.held), func(id *int64) int64 { return *id })
			if want := slices.Sorted(slices.Values(append(slices.Clone(tc.held), tc.read...))); !slices.Equal(s, want) {
				t.Errorf("merged %v, want %v", s, want)
			}
		})
	}
}
