package dbtest

import (
	"errors"
	"sync"
	"testing"
)

// Race runs n goroutines released at once, the i-th on stores[i%len(stores)]
// (several Instances spread the race over pools, as processes would), and
// returns their errors in order.
func Race[S any](n int, stores []S, fn func(i int, s S) error) []error {
	errs := make([]error, n)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			<-start
			errs[i] = fn(i, stores[i%len(stores)])
		})
	}
	close(start)
	wg.Wait()
	return errs
}

// Tally counts the errors of a Race that are nil and those that are want,
// and fails the test on any other.
func Tally(tb testing.TB, errs []error, want error) (ok, refused int) {
	tb.Helper()
	for _, err := range errs {
		switch {
		case err == nil:
			ok++
		case errors.Is(err, want):
			refused++
		default:
			tb.Errorf("unexpected error: %v", err)
		}
	}
	return ok, refused
}
