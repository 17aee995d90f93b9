package hunt

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/guesthunt/guesthunt/data"
	"github.com/guesthunt/guesthunt/data/store"
)

// benchEngine loads a generated tenant: GUESTHUNT_BENCH_EVENTS events
// (default 200,000) over 30 days, 3% of them invites by 2,000 inviters; or,
// when GUESTHUNT_BENCH_FILE names an export (docs/bench.sh makes a
// 1,000,000-event one), that file, hunted as of its last event.
func benchEngine(b *testing.B) (*Engine, Params) {
	b.Helper()
	if path := os.Getenv("GUESTHUNT_BENCH_FILE"); path != "" {
		st, err := store.Open("")
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { st.Close() })
		start := time.Now()
		if _, err := st.Load(context.Background(), []string{path}, store.LoadOptions{Strict: true}); err != nil {
			b.Fatal(err)
		}
		b.Logf("loaded %s in %v", path, time.Since(start))
		e := NewEngine(st)
		start = time.Now()
		if _, err := e.cacheFor(context.Background()); err != nil {
			b.Fatal(err)
		}
		b.Logf("built invite cache in %v", time.Since(start))
		return e, DefaultParams()
	}
	n := 200_000
	if s := os.Getenv("GUESTHUNT_BENCH_EVENTS"); s != "" {
		var err error
		if n, err = strconv.Atoi(s); err != nil {
			b.Fatal(err)
		}
	}
	recs := benchEngineRecords(n)
	start := time.Now()
	e := newEngine(b, recs...)
	recs = nil
	b.Logf("loaded %d events in %v", n, time.Since(start))
	start = time.Now()
	if _, err := e.cacheFor(context.Background()); err != nil {
		b.Fatal(err)
	}
	b.Logf("built invite cache in %v", time.Since(start))
	return e, fixedParams()
}

// BenchmarkHunt loads one generated tenant and times the workbench's
// questions on it; the sub-benchmarks share the store so it loads once.
func BenchmarkHunt(b *testing.B) {
	e, params := benchEngine(b)
	ctx := context.Background()
	b.Run("Run", func(b *testing.B) {
		p := params
		windows := []time.Duration{day, 36 * time.Hour, 2 * day}
		i := 0
		for b.Loop() {
			p.Window = windows[i%len(windows)] // new parameters each run
			i++
			if _, err := e.Run(ctx, p); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("Sensitivity", func(b *testing.B) {
		for b.Loop() {
			if _, err := e.Sensitivity(ctx, params, 90); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("Explain", func(b *testing.B) {
		for b.Loop() {
			if _, err := e.Explain(ctx, params, "user0001@contoso.com"); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// benchEngineRecords generates n events over 30 days before asOfT, 3% of
// them invites, by 2,000 users.
func benchEngineRecords(n int) []data.Record {
	rng := rand.New(rand.NewPCG(1, 2))
	recs := make([]data.Record, n)
	span := int64(30 * day)
	for i := range recs {
		upn := fmt.Sprintf("user%04d@contoso.com", rng.IntN(2000))
		at := ago(time.Duration(rng.Int64N(span)).Truncate(tick))
		if rng.IntN(100) < 3 {
			recs[i] = invite(upn, at, withTarget(fmt.Sprintf("g%d_example.org#EXT#@contoso.onmicrosoft.com", i)))
		} else {
			recs[i] = other(upn, at, "Update user")
		}
		recs[i].Id = fmt.Sprintf("Directory_%d", i)
	}
	return recs
}
