package hunt

import (
	"context"
	"testing"
	"time"
)

// BenchmarkReplay90Days times 90 daily runs over the bench tenant (see
// benchEngine; GUESTHUNT_BENCH_FILE for the 1,000,000-event export) next
// to one Run with the same parameters. The first Replay, which also
// fetches every alert row's columns, is logged on its own.
func BenchmarkReplay90Days(b *testing.B) {
	e, params := benchEngine(b)
	ctx := context.Background()
	res, err := e.Run(ctx, params)
	if err != nil {
		b.Fatal(err)
	}
	// 90 runs whatever the data's span: From 89 days back, uncovered runs in.
	rp := ReplayParams{Params: params, From: res.AsOf.Add(-89 * day), Uncovered: true}
	start := time.Now()
	r, err := e.Replay(ctx, rp)
	if err != nil {
		b.Fatal(err)
	}
	rows := 0
	for _, run := range r.Runs {
		rows += len(run.Rows)
	}
	b.Logf("first replay: %d runs, %d alert rows, %d days in %v", len(r.Runs), rows, len(r.Days), time.Since(start))
	if len(r.Runs) != 90 {
		b.Fatalf("%d runs, want 90", len(r.Runs))
	}
	b.Run("Replay", func(b *testing.B) {
		for b.Loop() {
			if _, err := e.Replay(ctx, rp); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("Run", func(b *testing.B) {
		for b.Loop() {
			if _, err := e.Run(ctx, params); err != nil {
				b.Fatal(err)
			}
		}
	})
}
