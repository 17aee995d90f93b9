package store

import (
	"context"
	"strings"
	"testing"
	"time"
)

func TestLoadProgressRateAndETA(t *testing.T) {
	p := LoadProgress{Bytes: 100 << 20, TotalBytes: 400 << 20, FileElapsed: 2 * time.Second}
	if got := p.Rate(); got != 50<<20 {
		t.Fatalf("rate %v, want 50 MiB/s", got)
	}
	if left, ok := p.ETA(); !ok || left != 6*time.Second {
		t.Fatalf("ETA %v %v, want 6s", left, ok)
	}
	if _, ok := (LoadProgress{TotalBytes: 10}).ETA(); ok {
		t.Fatal("an ETA before any byte was read")
	}
	if _, ok := (LoadProgress{Bytes: 10, FileElapsed: time.Second}).ETA(); ok {
		t.Fatal("an ETA without a size")
	}
	if f := (LoadProgress{Bytes: 20, TotalBytes: 10}).Fraction(); f != 1 {
		t.Fatalf("fraction %v past the end", f)
	}
}

// The tracker drops updates rather than calling faster than its interval,
// and never lets an estimate move bytes back within a file.
func TestProgressTrackerCoalescesAndStaysMonotone(t *testing.T) {
	var got []LoadProgress
	tr := newProgressTracker(func(p LoadProgress) { got = append(got, p) }, time.Hour)
	tr.files(1, 1000)
	tr.beginFile(1, "a", 1000)
	for range 1000 {
		tr.phase(PhaseReading) // a storm of phase changes
	}
	fraction := 0.9
	unwatch := tr.watch(func() (float64, bool) { return fraction, true })
	tr.poke()
	tr.finish()
	unwatch()
	// At most the first file starting (at once) and the last; the interval
	// is an hour.
	if len(got) == 0 || len(got) > 2 {
		t.Fatalf("%d updates, want 1 or 2: %+v", len(got), got)
	}
	if last := got[len(got)-1]; !last.Done || last.Bytes != 900 || !last.Estimated {
		t.Fatalf("last %+v, want an estimate of 900 bytes", last)
	}
	snap := tr.snapshot(LoadProgress{FileIndex: 1, File: "a", Bytes: 950})
	if snap.Bytes != 950 {
		t.Fatalf("bytes went back to %d", snap.Bytes)
	}
}

func TestNilTrackerDoesNothing(t *testing.T) {
	var tr *progressTracker
	tr.beginFile(1, "x", 1)
	tr.phase(PhaseSettling)
	tr.record()
	tr.setRecords(3)
	tr.watch(func() (float64, bool) { return 1, true })()
	r := strings.NewReader("x")
	if tr.reader(r) != r || tr.stdin([]string{"-"}, r) != r {
		t.Fatal("a nil tracker wrapped a reader")
	}
	if len(tr.sizes([]sourceFile{{}, {}})) != 2 {
		t.Fatal("sizes must have one entry per input")
	}
	tr.finish()
}

// The driver still keeps its C connection where queryProgress looks: if an
// upgrade moves it, loads lose their byte estimate, and this says so.
func TestQueryProgressReachesTheDriver(t *testing.T) {
	s, err := Open("")
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx := context.Background()
	conn, err := s.db.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	poll, reset := queryProgress(ctx, conn)
	defer reset()
	if poll == nil {
		t.Fatal("cannot read DuckDB's query progress through the driver")
	}
	if _, ok := poll(); ok {
		t.Fatal("progress reported with no statement running")
	}
	if h := connHandle(struct{ conn int }{}); h.Ptr != nil {
		t.Fatal("a stranger value gave a handle")
	}
}
