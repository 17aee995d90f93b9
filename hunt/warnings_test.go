package hunt

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/guesthunt/guesthunt/data"
)

func kinds(ws []Warning) []WarningKind {
	out := make([]WarningKind, len(ws))
	for i, w := range ws {
		out[i] = w.Kind
	}
	return out
}

func TestWarnings(t *testing.T) {
	old := other("admin@x.com", ago(20*day), "Update user") // covers the 14d baseline
	last := other("admin@x.com", asOfT(), "Update user")    // the data reaches the as-of
	cases := []struct {
		name  string
		recs  []data.Record
		p     func(*Params)
		want  []WarningKind
		texts []string // substrings of the warnings' texts, in order
		clear string   // substring of AllClear
	}{
		{name: "data reaches the as-of", recs: []data.Record{old, invite("a@x.com", ago(time.Hour)), last}},
		{name: "data ended a month before the as-of",
			recs: []data.Record{other("admin@x.com", ago(60*day), "Update user"), other("admin@x.com", ago(31*day+2*time.Hour), "Update user")},
			want: []WarningKind{WarnAsOfAfterData, WarnWindowEmpty},
			texts: []string{"as-of is 31d 2h after the last event (2026-09-14T10:00:00Z)",
				"the detection window (2026-10-14T12:00:00Z .. 2026-10-15T12:00:00Z] holds no audit events at all"},
			clear: "no all-clear"},
		{name: "as-of exactly at the last event", recs: []data.Record{old, other("admin@x.com", asOfT(), "Update user")},
			clear: "holds audit events and 0 successful invites"},
		{name: "as-of 100ns after the last event", recs: []data.Record{old, other("admin@x.com", asOfT().Add(-tick), "Update user")},
			want: []WarningKind{WarnAsOfAfterData}, texts: []string{"as-of is 100ns after the last event (2026-10-15T11:59:59.9999999Z)"}},
		// The window is (T-1d, T]: an event exactly at T-1d is outside it.
		{name: "last event exactly at the window start", recs: []data.Record{old, invite("a@x.com", ago(day))},
			want: []WarningKind{WarnAsOfAfterData, WarnWindowEmpty}, texts: []string{"as-of is 1d after"}},
		{name: "last event 100ns inside the window", recs: []data.Record{old, invite("a@x.com", ago(day-tick))},
			want: []WarningKind{WarnAsOfAfterData}},
		{name: "a gap in the data around the window",
			recs:  []data.Record{old, other("admin@x.com", ago(2*day), "Update user"), other("admin@x.com", asOfT().Add(time.Hour), "Update user")},
			want:  []WarningKind{WarnWindowEmpty},
			clear: "no all-clear"},
		{name: "window holds events but no invite",
			recs:  []data.Record{old, other("admin@x.com", ago(2*time.Hour), "Update user"), other("admin@x.com", asOfT().Add(time.Hour), "Update user")},
			clear: "no inviter is flagged: the window holds audit events and 0 successful invites, none by a new inviter"},
		{name: "window holds a known inviter's invite",
			recs: []data.Record{old, invite("k@x.com", ago(3*day)), invite("k@x.com", ago(2*time.Hour)),
				other("admin@x.com", asOfT().Add(time.Hour), "Update user")},
			clear: "the window holds audit events and 1 successful invite, none by a new inviter"},
		{name: "as-of before the data",
			recs: []data.Record{other("admin@x.com", asOfT().Add(2*day), "Update user")},
			want: []WarningKind{WarnAsOfBeforeData, WarnWindowEmpty, WarnBaselineNotCovered},
			texts: []string{"as-of is 2d before the first event (2026-10-17T12:00:00Z)", "holds no audit events",
				"data starts 2026-10-17T12:00:00Z, 16d after the baseline start"}},
		{name: "as-of exactly at the first event", recs: []data.Record{other("admin@x.com", asOfT(), "Update user")},
			want: []WarningKind{WarnBaselineNotCovered}},
		{name: "window equals the baseline",
			recs: []data.Record{old, invite("a@x.com", ago(time.Hour)), last}, p: func(p *Params) { p.Baseline = day },
			want:  []WarningKind{WarnWindowCoversBaseline},
			texts: []string{"window 1d equals baseline 1d: the baseline is the single instant 2026-10-14T12:00:00Z"}},
		{name: "window longer than the baseline",
			recs: []data.Record{old, invite("a@x.com", ago(time.Hour)), last}, p: func(p *Params) { p.Baseline = 12 * time.Hour },
			want:  []WarningKind{WarnWindowCoversBaseline},
			texts: []string{"window 1d is longer than baseline 12h: the baseline interval is empty"}},
		{name: "window 100ns shorter than the baseline",
			recs: []data.Record{old, invite("a@x.com", ago(time.Hour)), last}, p: func(p *Params) { p.Window = 14*day - tick }},
		{name: "nothing loaded", want: []WarningKind{WarnNoData}, clear: "no all-clear"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := fixedParams()
			if c.p != nil {
				c.p(&p)
			}
			res := mustRun(t, newEngine(t, c.recs...), p)
			if got := kinds(res.Warnings); !slices.Equal(got, c.want) {
				t.Fatalf("warnings %v, want %v: %+v", got, c.want, res.Warnings)
			}
			for i, want := range c.texts {
				if !strings.Contains(res.Warnings[i].Text, want) {
					t.Errorf("warning %d %q lacks %q", i, res.Warnings[i].Text, want)
				}
			}
			if c.clear != "" && !strings.Contains(res.AllClear, c.clear) {
				t.Errorf("all-clear %q lacks %q", res.AllClear, c.clear)
			}
			if (len(res.Rows) > 0) != (res.AllClear == "") {
				t.Errorf("%d rows with all-clear %q", len(res.Rows), res.AllClear)
			}
			for _, w := range res.Warnings {
				if w.Kind == WarnBaselineNotCovered && w.Text != res.Coverage.Note {
					t.Errorf("coverage warning %q is not the coverage note %q", w.Text, res.Coverage.Note)
				}
			}
		})
	}
}

// TestWindowEqualsBaselineIsInclusive checks what the equal-lengths warning
// claims: between() keeps the single instant T-w, so an invite exactly
// there still makes its inviter known.
func TestWindowEqualsBaselineIsInclusive(t *testing.T) {
	e := newEngine(t, invite("k@x.com", ago(day)), invite("k@x.com", ago(time.Hour), withID("k-w")),
		invite("n@x.com", ago(day+tick)), invite("n@x.com", ago(time.Hour), withID("n-w")))
	p := fixedParams()
	p.Baseline = day
	if got := ids(mustRun(t, e, p).Rows); !slices.Equal(got, []string{"n-w"}) {
		t.Errorf("alerts %v, want [n-w]", got)
	}
}

func TestWarningsOnAsOfNow(t *testing.T) {
	e := newEngine(t, invite("a@x.com", ago(20*day)), invite("a@x.com", ago(time.Hour)))
	e.now = func() time.Time { return asOfT().Add(31 * day) }
	p := DefaultParams()
	p.AsOf = AsOf{Mode: AsOfNow}
	res := mustRun(t, e, p)
	if got := kinds(res.Warnings); !slices.Equal(got, []WarningKind{WarnAsOfAfterData, WarnWindowEmpty}) {
		t.Errorf("warnings %v: %+v", got, res.Warnings)
	}
	if !strings.HasPrefix(res.Warnings[0].Text, "as-of is 31d 1h after the last event") {
		t.Errorf("%q", res.Warnings[0].Text)
	}
}

// Spans beyond time.Duration's 292 years (DuckDB holds 1678-2262) are
// written, not panicked on.
func TestWarningsExtremeInstants(t *testing.T) {
	first := time.Date(1678, 1, 1, 0, 0, 0, 0, time.UTC)
	last := time.Date(2262, 1, 1, 0, 0, 0, 0, time.UTC)
	for _, s := range []span{{asOf: last, baselineFrom: last.Add(-14 * day), windowFrom: last.Add(-day)},
		{asOf: first, baselineFrom: first.Add(-14 * day), windowFrom: first.Add(-day)}} {
		c := &inviteCache{dataFrom: first.Add(day), dataTo: first.Add(day)}
		if s.asOf.Equal(first) {
			c = &inviteCache{dataFrom: last, dataTo: last}
		}
		ws := warningsOf(c, s, fixedParams(), coverageOf(c, s), windowFacts{})
		if len(ws) < 2 || !strings.HasPrefix(ws[0].Text, "as-of is ") {
			t.Errorf("%+v", ws)
		}
	}
}
