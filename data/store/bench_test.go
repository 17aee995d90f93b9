package store

import (
	"context"
	"os"
	"testing"
)

// BenchmarkRawRecord reads the last record of a large export back from disk,
// as the detail view does. It needs GUESTHUNT_BENCH_FILE (docs/bench.sh makes
// a 1,000,000-event one) and is skipped without it.
func BenchmarkRawRecord(b *testing.B) {
	path := os.Getenv("GUESTHUNT_BENCH_FILE")
	if path == "" {
		b.Skip("GUESTHUNT_BENCH_FILE not set")
	}
	st, err := Open("")
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	ctx := context.Background()
	rep, err := st.Load(ctx, []string{path}, LoadOptions{Strict: true})
	if err != nil {
		b.Fatal(err)
	}
	f := rep.Files[0]
	for _, c := range []struct {
		name   string
		record int64
	}{{"first", 1}, {"middle", f.Records / 2}, {"last", f.Records}} {
		b.Run(c.name, func(b *testing.B) {
			for b.Loop() {
				if _, err := st.RawRecord(ctx, f.SourceID, c.record); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
