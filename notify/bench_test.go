package notify_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/sillage/sillage/notify"
)

// BenchmarkWorker measures delivery through the worker against the local
// fake providers, with the rate limits lifted: b.N messages queued, then
// drained. Run it with a fixed count, such as
//
//	go test -run '^$' -bench Worker -benchtime 2000x ./notify/
func BenchmarkWorker(b *testing.B) {
	for _, ch := range []notify.Channel{notify.Email, notify.SMS} {
		for _, conc := range []int{1, 8} {
			b.Run(fmt.Sprintf("%s/concurrency=%d", ch, conc), func(b *testing.B) {
				e := newEnv(b)
				p := newProviders(b, e, 0)
				e.queueChannel(b, ch, b.N)
				w := e.store.NewWorker(p.senders, notify.WorkerConfig{Concurrency: conc})
				b.ResetTimer()
				start := time.Now()
				if err := w.Drain(context.Background()); err != nil {
					b.Fatal(err)
				}
				b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "msgs/s")
				if got := p.delivered(); got != b.N {
					b.Fatalf("delivered %d of %d", got, b.N)
				}
			})
		}
	}
	b.Run("development", func(b *testing.B) {
		e := newEnv(b)
		senders, _ := notify.NewSenders(notify.SendersConfig{Logger: quiet})
		e.queueChannel(b, notify.SMS, b.N)
		w := e.store.NewWorker(senders, notify.WorkerConfig{Concurrency: 8})
		b.ResetTimer()
		start := time.Now()
		if err := w.Drain(context.Background()); err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "msgs/s")
	})
}

// BenchmarkSeed measures queueing: one link minted (a row in the test's
// own table) and one message rendered and inserted per contact.
func BenchmarkSeed(b *testing.B) {
	e := newEnv(b)
	id := e.campaign(b, "fr")
	e.importCSV(b, id, contactsCSV(b.N, "example.com"))
	b.ResetTimer()
	start := time.Now()
	res, err := e.store.Seed(context.Background(), id, (&minter{}).mint)
	if err != nil || res.Queued != b.N {
		b.Fatalf("Seed = %+v, %v", res, err)
	}
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "msgs/s")
}

// queueChannel queues n seed messages on one channel.
func (e *env) queueChannel(tb testing.TB, ch notify.Channel, n int) {
	tb.Helper()
	id := e.campaign(tb, "en")
	var b strings.Builder
	b.WriteString("email,phone,channel\n")
	for i := range n {
		fmt.Fprintf(&b, "p%d@example.com,06%08d,%s\n", i, i, ch)
	}
	e.importCSV(tb, id, b.String())
	if _, err := e.store.Seed(context.Background(), id, (&minter{}).mint); err != nil {
		tb.Fatal(err)
	}
}
