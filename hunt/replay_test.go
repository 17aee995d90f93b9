package hunt

import (
	"context"
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/guesthunt/guesthunt/data"
	"github.com/guesthunt/guesthunt/data/demo"
)

func mustReplay(t *testing.T, e *Engine, rp ReplayParams) *Replay {
	t.Helper()
	r, err := e.Replay(context.Background(), rp)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// sameAsRun checks every run's rows and inviters against Engine.Run at
// that instant, field for field.
func sameAsRun(t *testing.T, e *Engine, rp ReplayParams, r *Replay) {
	t.Helper()
	for _, run := range r.Runs {
		p := rp.Params
		p.AsOf = AsOf{Mode: AsOfFixed, At: run.AsOf}
		res := mustRun(t, e, p)
		if !reflect.DeepEqual(run.Rows, res.Rows) {
			t.Fatalf("run %s: replay rows %v, Run rows %v", formatInstant(run.AsOf), ids(run.Rows), ids(res.Rows))
		}
		if !reflect.DeepEqual(run.Inviters, res.Inviters) {
			t.Fatalf("run %s: replay inviters %+v, Run %+v", formatInstant(run.AsOf), run.Inviters, res.Inviters)
		}
		if run.Covered != res.Coverage.BaselineCovered {
			t.Fatalf("run %s: covered %v, Run says %v", formatInstant(run.AsOf), run.Covered, res.Coverage.BaselineCovered)
		}
	}
}

// flagged maps each run (as days before asOfT) to its inviters.
func flagged(r *Replay) map[time.Duration][]string {
	out := map[time.Duration][]string{}
	for _, run := range r.Runs {
		var upns []string
		for _, inv := range run.Inviters {
			upns = append(upns, inv.UPN)
		}
		slices.Sort(upns)
		out[asOfT().Sub(run.AsOf)/day] = upns
	}
	return out
}

func shortParams(baseline time.Duration) ReplayParams {
	p := fixedParams()
	p.Baseline = baseline
	return ReplayParams{Params: p}
}

// TestReplayWindowBoundaries puts invites exactly at a run's window start
// and 100 ns either side, and baseline invites exactly at and just before
// a baseline start: (T-w, T] and [T-b, T-w] as Run has them.
func TestReplayWindowBoundaries(t *testing.T) {
	edge := ago(3 * day) // the window start of the run at ago(2d), the instant of the run at ago(3d)
	e := newEngine(t,
		other("admin@x.com", ago(10*day), "Update user"),
		invite("at@x.com", edge),
		invite("before@x.com", edge.Add(-tick)),
		invite("after@x.com", edge.Add(tick)),
		// run at ago(2d): baseline [ago(5d), ago(3d)]
		invite("base@x.com", ago(5*day)),
		invite("base@x.com", ago(2*day+time.Hour)),
		invite("base2@x.com", ago(5*day).Add(-tick)),
		invite("base2@x.com", ago(2*day+time.Hour)),
		other("admin@x.com", asOfT(), "Update user"),
	)
	rp := shortParams(3 * day)
	r := mustReplay(t, e, rp)
	sameAsRun(t, e, rp, r)
	if len(r.Runs) != 8 || !r.Runs[0].AsOf.Equal(ago(7*day)) || !r.Runs[7].AsOf.Equal(asOfT()) {
		t.Fatalf("runs: %d, from %v", len(r.Runs), r.Runs[0].AsOf)
	}
	f := flagged(r)
	want := map[time.Duration][]string{
		5: {"base2@x.com", "base@x.com"}, // their first invites ((ago 6d, ago 5d])
		3: {"at@x.com", "before@x.com"},  // an invite at T-w belongs to the run at T-w
		2: {"after@x.com", "base2@x.com"},
	}
	for k, w := range want {
		if !slices.Equal(f[k], w) {
			t.Errorf("run at ago(%dd): %v, want %v", k, f[k], w)
		}
	}
	for k, got := range f {
		if _, ok := want[k]; !ok && len(got) > 0 {
			t.Errorf("run at ago(%dd): %v, want none", k, got)
		}
	}
	if !r.FirstFired["base2@x.com"].Equal(ago(5*day)) || !r.FirstFired["after@x.com"].Equal(ago(2*day)) {
		t.Errorf("FirstFired: %v", r.FirstFired)
	}
}

// TestReplayDaysWithoutEvents: days with nothing still get a run and a day.
func TestReplayDaysWithoutEvents(t *testing.T) {
	e := newEngine(t,
		other("admin@x.com", ago(6*day), "Update user"),
		invite("a@x.com", ago(5*day+time.Hour)),
		invite("a@x.com", ago(5*day+2*time.Hour), withResult("failure")),
		// nothing from ago(5d) to ago(1d)
		invite("b@x.com", ago(time.Hour)),
		invite("c@x.com", ago(2*time.Hour)),
	)
	rp := shortParams(2 * day)
	r := mustReplay(t, e, rp)
	sameAsRun(t, e, rp, r)
	if len(r.Runs) != 5 { // ago(4d) .. asOfT
		t.Fatalf("%d runs", len(r.Runs))
	}
	for _, run := range r.Runs[:4] {
		if len(run.Rows) != 0 || run.Inviters != nil || len(run.New) != 0 || len(run.Gone) != 0 || !run.Covered {
			t.Errorf("empty run %s: %+v", formatInstant(run.AsOf), run)
		}
	}
	last := r.Runs[4]
	if len(last.Rows) != 2 || !slices.Equal(last.New, []string{"b@x.com", "c@x.com"}) {
		t.Errorf("last run: %d rows, new %v", len(last.Rows), last.New)
	}
	// Days: the data's, 2026-10-09 (ago 6d) .. 2026-10-15; invites on the
	// 10th (the failure is not counted) and the 15th. The first run, at
	// ago(4d), does not see a@x's invite at ago(5d+1h).
	if len(r.Days) != 7 {
		t.Fatalf("days: %+v", r.Days)
	}
	counts := map[string][2]int{}
	for i, d := range r.Days {
		if d.Day.Hour() != 0 || d.Day.Location() != time.UTC || (i > 0 && !d.Day.Equal(r.Days[i-1].Day.AddDate(0, 0, 1))) {
			t.Fatalf("day %d: %v", i, d.Day)
		}
		counts[d.Day.Format(time.DateOnly)] = [2]int{d.Invites, d.Alerts}
	}
	want := map[string][2]int{
		"2026-10-09": {0, 0}, "2026-10-10": {1, 0}, "2026-10-11": {0, 0}, "2026-10-12": {0, 0},
		"2026-10-13": {0, 0}, "2026-10-14": {0, 0}, "2026-10-15": {2, 2},
	}
	if !reflect.DeepEqual(counts, want) {
		t.Errorf("days %v, want %v", counts, want)
	}
}

// TestReplayBaselineLongerThanData: no run is covered, so none is listed
// unless uncovered runs are asked for, and those say so.
func TestReplayBaselineLongerThanData(t *testing.T) {
	e := newEngine(t,
		invite("a@x.com", ago(3*day)),
		invite("b@x.com", ago(time.Hour)),
	)
	rp := shortParams(30 * day)
	r := mustReplay(t, e, rp)
	if len(r.Runs) != 0 || len(r.FirstFired) != 0 {
		t.Fatalf("covered runs of a 3-day export with a 30-day baseline: %+v", r.Runs)
	}
	if len(r.Days) != 4 {
		t.Errorf("days: %+v", r.Days)
	}
	rp.Uncovered = true
	r = mustReplay(t, e, rp)
	sameAsRun(t, e, rp, r)
	if len(r.Runs) != 4 || !r.Runs[0].AsOf.Equal(ago(3*day)) { // from the first run at or after the data start
		t.Fatalf("uncovered runs: %d", len(r.Runs))
	}
	for _, run := range r.Runs {
		if run.Covered {
			t.Errorf("run %s covered", formatInstant(run.AsOf))
		}
	}
	if !slices.Equal(r.Runs[0].New, []string{"a@x.com"}) || !slices.Equal(r.Runs[1].Gone, []string{"a@x.com"}) {
		t.Errorf("new/gone: %+v", r.Runs[:2])
	}
}

// TestReplayFoldCase: a case variant is new to !in, not to !in~.
func TestReplayFoldCase(t *testing.T) {
	e := newEngine(t,
		other("admin@x.com", ago(10*day), "Update user"),
		invite("Alice@x.com", ago(4*day)),
		invite("alice@x.com", ago(time.Hour)),
	)
	for _, fold := range []bool{false, true} {
		rp := shortParams(5 * day)
		rp.Params.FoldCase = fold
		r := mustReplay(t, e, rp)
		sameAsRun(t, e, rp, r)
		last := r.Runs[len(r.Runs)-1]
		if got := len(last.Rows); got != map[bool]int{false: 1, true: 0}[fold] {
			t.Errorf("fold %v: %d rows at the last run", fold, got)
		}
	}
}

// TestReplayNewGone follows one inviter firing, going quiet and firing again.
func TestReplayNewGone(t *testing.T) {
	e := newEngine(t,
		other("admin@x.com", ago(20*day), "Update user"),
		invite("x@x.com", ago(4*day+time.Hour)),
		invite("y@x.com", ago(3*day+time.Hour)),
		invite("x@x.com", ago(3*day+2*time.Hour)), // x in the baseline: y only
		invite("x@x.com", ago(time.Hour)),         // 3 days later, baseline 2d: x again
		other("admin@x.com", asOfT(), "Update user"),
	)
	rp := shortParams(2 * day)
	rp.From = ago(5 * day)
	r := mustReplay(t, e, rp)
	sameAsRun(t, e, rp, r)
	type step struct{ new, gone []string }
	want := []step{{nil, nil}, {[]string{"x@x.com"}, nil}, {[]string{"y@x.com"}, []string{"x@x.com"}}, {nil, []string{"y@x.com"}}, {nil, nil}, {[]string{"x@x.com"}, nil}}
	if len(r.Runs) != len(want) {
		t.Fatalf("%d runs", len(r.Runs))
	}
	for i, w := range want {
		if !slices.Equal(r.Runs[i].New, w.new) || !slices.Equal(r.Runs[i].Gone, w.gone) {
			t.Errorf("run %d: new %v gone %v, want %v %v", i, r.Runs[i].New, r.Runs[i].Gone, w.new, w.gone)
		}
	}
	if !r.FirstFired["x@x.com"].Equal(ago(4*day)) || !r.FirstFired["y@x.com"].Equal(ago(3*day)) || len(r.FirstFired) != 2 {
		t.Errorf("FirstFired %v", r.FirstFired)
	}
	if !r.Params.From.Equal(ago(5*day)) || !r.Params.To.Equal(asOfT()) || r.Params.Every != day {
		t.Errorf("resolved params %+v", r.Params)
	}
}

func TestReplaySchedule(t *testing.T) {
	e := newEngine(t,
		other("admin@x.com", ago(20*day), "Update user"),
		invite("a@x.com", ago(time.Hour)),
		other("admin@x.com", asOfT().Add(-time.Minute), "Update user"),
	)
	ctx := context.Background()
	for _, bad := range []ReplayParams{
		{Params: fixedParams(), Every: 30 * time.Second},
		{Params: fixedParams(), Every: 367 * day},
		{Params: fixedParams(), Every: time.Hour + 50},
		{Params: fixedParams(), Every: time.Minute, Uncovered: true},      // 28,801 runs
		{Params: Params{Baseline: day, Window: day, AsOf: AsOf{Mode: 9}}}, // invalid params
	} {
		if _, err := e.Replay(ctx, bad); err == nil {
			t.Errorf("%+v: no error", bad)
		}
	}
	// Every 6h, bounded; the bounds need not fall on a run.
	rp := ReplayParams{Params: fixedParams(), Every: 6 * time.Hour, From: ago(2*day + time.Minute), To: ago(day - time.Minute)}
	rp.Params.Baseline = 3 * day
	r := mustReplay(t, e, rp)
	sameAsRun(t, e, rp, r)
	if len(r.Runs) != 5 || !r.Runs[0].AsOf.Equal(ago(2*day)) || !r.Runs[4].AsOf.Equal(ago(day)) {
		t.Fatalf("runs %d: %v", len(r.Runs), r.Runs)
	}
	// As of latest, with an as-of after the data: the last run is the first
	// at or after the last event.
	rp = ReplayParams{Params: DefaultParams()}
	rp.Params.AsOf = AsOf{Mode: AsOfFixed, At: asOfT().Add(3*day + time.Hour)}
	r = mustReplay(t, e, rp)
	if last := r.Runs[len(r.Runs)-1].AsOf; !last.Equal(asOfT().Add(time.Hour)) {
		t.Errorf("last run %v", last)
	}
	// No data, as of latest: the same error as Run.
	empty := newEngine(t)
	if _, err := empty.Replay(ctx, ReplayParams{Params: DefaultParams()}); err != ErrNoData {
		t.Errorf("no data: %v", err)
	}
	r, err := empty.Replay(ctx, ReplayParams{Params: fixedParams()})
	if err != nil || len(r.Runs) != 0 || len(r.Days) != 0 {
		t.Errorf("no data, fixed: %v %+v", err, r)
	}
}

// TestReplayDemoEqualsRun compares every run on the demo tenant with Run.
func TestReplayDemoEqualsRun(t *testing.T) {
	e := newEngine(t, demo.Tenant(1)...)
	for _, rp := range []ReplayParams{
		{Params: DefaultParams()},
		{Params: Params{AsOf: AsOf{Mode: AsOfLatest}, Baseline: 7 * day, Window: 36 * time.Hour, FoldCase: true}, Every: 12 * time.Hour},
	} {
		r := mustReplay(t, e, rp)
		if len(r.Runs) < 5 {
			t.Fatalf("%d runs on the demo tenant", len(r.Runs))
		}
		sameAsRun(t, e, rp, r)
		alerts := 0
		for _, run := range r.Runs {
			alerts += len(run.Rows)
		}
		if alerts == 0 {
			t.Fatal("no alert rows in any run of the demo tenant")
		}
	}
}

// TestReplayPropertyEqualsRun: on random small tenants (case variants,
// failures, empty inviters, times on and around the run boundaries), every
// run equals Run at its instant.
func TestReplayPropertyEqualsRun(t *testing.T) {
	alerts := 0
	for seed := range uint64(8) {
		rng := rand.New(rand.NewPCG(seed, 7))
		var recs []data.Record
		upns := []string{"a@x.com", "A@x.com", "b@x.com", "B@X.COM", "c@y.org", "d@y.org", ""}
		n := 40 + rng.IntN(80)
		for i := range n {
			// Times on whole hours (so on run instants and window starts)
			// and 100 ns either side, over 12 days.
			at := ago(time.Duration(rng.IntN(12*24)) * time.Hour).Add(time.Duration(rng.IntN(3)-1) * tick)
			upn := upns[rng.IntN(len(upns))]
			var r data.Record
			switch rng.IntN(6) {
			case 0:
				r = invite(upn, at, withResult("failure"))
			case 1:
				r = other(upn, at, "Update user")
			case 2:
				r = invite(upn, at, withResult("Success"), withOperation("invite EXTERNAL user"))
			default:
				r = invite(upn, at)
			}
			r.Id = fmt.Sprintf("p%d_%d", seed, i)
			recs = append(recs, r)
		}
		e := newEngine(t, recs...)
		p := fixedParams()
		p.Baseline = time.Duration(1+rng.IntN(5)) * day
		p.Window = time.Duration(6+rng.IntN(48)) * time.Hour
		p.FoldCase = rng.IntN(2) == 0
		rp := ReplayParams{Params: p, Every: time.Duration(3+rng.IntN(24)) * time.Hour, Uncovered: rng.IntN(2) == 0}
		r := mustReplay(t, e, rp)
		if len(r.Runs) == 0 {
			t.Fatalf("seed %d: no runs", seed)
		}
		sameAsRun(t, e, rp, r)
		for _, run := range r.Runs {
			alerts += len(run.Rows)
		}
	}
	if alerts < 10 {
		t.Errorf("only %d alert rows over every seed: the property is hardly tested", alerts)
	}
}
