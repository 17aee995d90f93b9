package live

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"runtime/metrics"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/guesthunt/guesthunt/data/store"
)

// BenchmarkPullInvites pulls GUESTHUNT_PULL_BENCH_EVENTS (default 100,000)
// invite events from the fake workspace into a case file with the default
// chunk budget (16 MiB estimated, 50,000 rows), three queries in flight and
// the real pacer (2 queries/s, which bounds throughput as the service
// would). It reports rows/s, the peak Go heap and the peak live heap (what
// the last GC kept), sampled every 20 ms: the claim is that memory follows
// the chunk size, not the pull size. The fake server runs in the same
// process, and its events (about 150 B each) are part of the heap; the
// live figure is given without them. (The plain heap peak also holds the
// garbage GOGC lets accumulate, which grows with everything live, the fake's
// events included.)
//
//	GUESTHUNT_PULL_BENCH_EVENTS=1000000 go test ./live -run XXX -bench PullInvites -benchtime 1x
func BenchmarkPullInvites(b *testing.B) {
	n := 100_000
	if s := os.Getenv("GUESTHUNT_PULL_BENCH_EVENTS"); s != "" {
		n, _ = strconv.Atoi(s)
	}
	from, to := day(1), day(15)
	events := make([]fakeEvent, n)
	step := to.Sub(from) / time.Duration(n+1)
	for i := range events {
		events[i] = fakeEvent{id: fmt.Sprintf("ev-%08d", i), at: from.Add(time.Duration(i+1) * step), op: "Invite external user"}
	}
	runtime.GC()
	base := liveHeap()

	for b.Loop() {
		f := newFakeLAWith(b, events)
		f.maxRows, f.maxBytes = 500_000, 100<<20 // the service's own limits
		db := filepath.Join(b.TempDir(), "case.duckdb")
		st, err := store.Open(db)
		if err != nil {
			b.Fatal(err)
		}
		var peak, peakLive uint64
		done := make(chan struct{})
		var wg sync.WaitGroup
		wg.Go(func() {
			t := time.NewTicker(20 * time.Millisecond)
			defer t.Stop()
			var m runtime.MemStats
			for {
				select {
				case <-done:
					return
				case <-t.C:
					runtime.ReadMemStats(&m)
					peak = max(peak, m.HeapAlloc)
					peakLive = max(peakLive, liveHeap())
				}
			}
		})
		start := time.Now()
		sum, err := PullLA(context.Background(), st, f.client(), store.Pull{Source: "la", Target: fakeWorkspace, Cloud: "public",
			Scope: string(ScopeInvites), From: from, To: to}, PullOptions{SpoolDir: db + ".pulls"})
		elapsed := time.Since(start)
		close(done)
		wg.Wait()
		if err != nil || sum.Incomplete || sum.Events != int64(n) {
			b.Fatalf("pull: %v, %d events of %d, %+v", err, sum.Events, n, sum.IncompleteAt)
		}
		b.ReportMetric(float64(n)/elapsed.Seconds(), "rows/s")
		b.ReportMetric(float64(sum.Chunks), "chunks")
		b.ReportMetric(float64(sum.Bytes)/float64(n), "spool-B/row")
		b.ReportMetric(float64(peak)/(1<<20), "heap-peak-MiB")
		b.ReportMetric(float64(peakLive-base)/(1<<20), "live-heap-peak-minus-events-MiB")
		st.Close()
	}
}

// liveHeap is the heap the last garbage collection kept.
func liveHeap() uint64 {
	s := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	metrics.Read(s)
	if s[0].Value.Kind() != metrics.KindUint64 {
		return 0
	}
	return s[0].Value.Uint64()
}
