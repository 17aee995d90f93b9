package hunt

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/guesthunt/guesthunt/data"
)

// BenchmarkTrails times Engine.Trails (the rule run included) after load:
// over GUESTHUNT_BENCH_FILE when set (as the other hunt benchmarks), else
// over trailBenchRecords (GUESTHUNT_BENCH_EVENTS, default 1,000,000), which
// unlike the bench file holds redemptions and grants to follow.
func BenchmarkTrails(b *testing.B) {
	var e *Engine
	p := fixedParams()
	if os.Getenv("GUESTHUNT_BENCH_FILE") != "" {
		e, p = benchEngine(b)
	} else {
		n := 1_000_000
		if s := os.Getenv("GUESTHUNT_BENCH_EVENTS"); s != "" {
			var err error
			if n, err = strconv.Atoi(s); err != nil {
				b.Fatal(err)
			}
		}
		start := time.Now()
		e = newEngine(b, trailBenchRecords(n)...)
		b.Logf("loaded %d events in %v", n, time.Since(start))
	}
	ctx := context.Background()
	tp := TrailParams{Params: p, Stale: 12 * time.Hour}
	first, err := e.Trails(ctx, tp) // builds the invite cache: part of loading
	if err != nil {
		b.Fatal(err)
	}
	steps := 0
	for _, t := range first {
		steps += len(t.Steps)
	}
	b.Logf("%d trails, %d steps", len(first), steps)
	for b.Loop() {
		if _, err := e.Trails(ctx, tp); err != nil {
			b.Fatal(err)
		}
	}
}

// trailBenchRecords is n events over 30 days before asOfT: 2,000 regular
// inviters (3% of events are their invites), 300 new inviters with 1-4
// guests each in the last day, redemptions for two guests in three, a
// role grant for one in ten, the rest Update user noise; in time order.
func trailBenchRecords(n int) []data.Record {
	rng := rand.New(rand.NewPCG(3, 4))
	recs := make([]data.Record, 0, n)
	span := int64(30 * day)
	follow := func(i int, guest string, at time.Time) {
		target := fmt.Sprintf(`[{"id":"gid-%d","type":"User","userPrincipalName":%q}]`, i, guest)
		if rng.IntN(3) < 2 {
			recs = append(recs, invite("", at.Add(10*time.Minute+time.Duration(rng.Int64N(int64(2*day)))),
				withOperation("Redeem external user invite"), withDetails(""), withTargets(target),
				withInitiatedBy(fmt.Sprintf(`{"user":{"userPrincipalName":"g%d@partner.example","ipAddress":"192.0.2.9"}}`, i))))
		}
		if rng.IntN(10) == 0 {
			recs = append(recs, invite("admin@contoso.com", at.Add(time.Hour), withOperation("Add member to role"), withDetails(""),
				withTargets(fmt.Sprintf(`[{"id":"gid-%d","type":"User"},{"id":"r","displayName":"Global Administrator","type":"Role"}]`, i))))
		}
	}
	for i := 0; len(recs) < n; i++ {
		at := ago(time.Duration(rng.Int64N(span)).Truncate(tick))
		switch r := rng.IntN(1000); {
		case r < 30:
			guest := fmt.Sprintf("g%d_partner.example#EXT#@contoso.onmicrosoft.com", i)
			recs = append(recs, invite(fmt.Sprintf("user%04d@contoso.com", rng.IntN(2000)), at, withTarget(guest)))
			follow(i, guest, at)
		case r < 31:
			at = ago(time.Duration(rng.Int64N(int64(day))).Truncate(tick))
			by := fmt.Sprintf("new%03d@contoso.com", rng.IntN(300))
			for k := range 1 + rng.IntN(4) {
				guest := fmt.Sprintf("g%d-%d_free%d.example#EXT#@contoso.onmicrosoft.com", i, k, k)
				recs = append(recs, invite(by, at, withTarget(guest)))
				follow(i*10+k, guest, at)
			}
		default:
			recs = append(recs, other(fmt.Sprintf("user%04d@contoso.com", rng.IntN(2000)), at, "Update user"))
		}
	}
	recs = recs[:n]
	// Exports come in time order (Log Analytics, Graph pages), and so does
	// this tenant: the trail's time filter then skips older row groups.
	slices.SortStableFunc(recs, func(x, y data.Record) int { return x.TimeGenerated.Compare(y.TimeGenerated) })
	for i := range recs {
		recs[i].Id = fmt.Sprintf("Directory_%d", i)
	}
	return recs
}
