package httpx

import (
	"testing"
	"time"
)

// The counter refuses past its limit over a sliding window, and what is
// given back frees a place in the fixed window it was counted in.
func TestCounter(t *testing.T) {
	at := time.Date(2026, 11, 23, 20, 0, 0, 0, time.UTC)
	c := NewCounter(3, time.Minute, func() time.Time { return at })
	take := func() bool { _, ok := c.Take("a"); return ok }
	var tickets []Ticket
	for i := range 3 {
		tk, ok := c.Take("a")
		if !ok {
			t.Fatalf("take %d refused", i+1)
		}
		if got, want := tk.last, i == 2; got != want {
			t.Errorf("take %d: last = %v, want %v", i+1, got, want)
		}
		tickets = append(tickets, tk)
	}
	if take() {
		t.Fatal("fourth take allowed")
	}
	if _, ok := c.Take("b"); !ok {
		t.Fatal("another key refused")
	}
	c.Give(tickets[0])
	if !take() {
		t.Fatal("refused after a give")
	}
	// Half a window on, half of the previous window still counts: 3 of
	// the last minute weigh 1.5, so one more is allowed, not two.
	at = at.Add(90 * time.Second)
	if !take() || take() {
		t.Error("want exactly one more take halfway through the next window")
	}
	// A ticket of the previous window is given back there.
	c.Give(tickets[1])
	if !take() {
		t.Error("a give to the previous window freed nothing")
	}
	// Two windows on, everything is forgotten; an old ticket gives nothing.
	at = at.Add(2 * time.Minute)
	c.Give(tickets[2])
	for i := range 3 {
		if !take() {
			t.Fatalf("take %d refused in a fresh window", i+1)
		}
	}
	if take() {
		t.Error("an old ticket's give freed a place")
	}
}
