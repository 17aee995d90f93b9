package hunt

import (
	"context"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/guesthunt/guesthunt/data"
	"github.com/guesthunt/guesthunt/data/demo"
)

// remoteOracleCases are local runs whose alerts are served back as Kusto
// would answer them: the mixed tenant (case variants, failures, other
// operations) at several baselines, windows and both case rules, and the
// demo tenant with its planted cases (hostile display names included).
func remoteOracleCases(t *testing.T) []struct {
	name string
	e    *Engine
	p    Params
} {
	mixed := newEngine(t, mixedTenant(11, 800)...)
	dm := newEngine(t, demo.Tenant(1)...)
	type c = struct {
		name string
		e    *Engine
		p    Params
	}
	// Dynamic text spelled oddly (spacing, escapes, numbers beyond float64)
	// must come back byte for byte, as the loaders stored it.
	odd := newEngine(t,
		invite("odd@x.com", ago(day/2), withInitiatedBy(`{ "user" : { "userPrincipalName" : "odd@x.com", "ipAddress":"\u0031.2.3.4" } }`),
			withDetails(`[{"key":"invitedUserEmailAddress","value":"\u00e9\/<&>@x.org","n":12345678901234567890,"f":1.0E2}]`)),
		invite("odd@x.com", ago(day/3), withTargets(`[]`), withDetails(""), func(r *data.Record) { d := int64(1<<62 + 1); r.DurationMs = &d }),
		invite("\u202eodd2@x.com", ago(day/4), withTargets(`[{"userPrincipalName":null}]`)),
	)
	var out []c
	out = append(out, c{"odd dynamic text", odd, fixedParams()})
	for _, fold := range []bool{false, true} {
		for _, b := range []time.Duration{day, 3 * day, 14 * day} {
			for _, w := range []time.Duration{6 * time.Hour, day, 2 * day} {
				p := fixedParams()
				p.Baseline, p.Window, p.FoldCase = b, w, fold
				out = append(out, c{"mixed/" + p.String(), mixed, p})
			}
		}
		p := DefaultParams()
		p.AsOf = AsOf{Mode: AsOfFixed, At: demo.End()}
		p.FoldCase = fold
		out = append(out, c{"demo/default/fold=" + map[bool]string{false: "no", true: "yes"}[fold], dm, p})
		p.Baseline = 17 * day
		out = append(out, c{"demo/17d/fold=" + map[bool]string{false: "no", true: "yes"}[fold], dm, p})
	}
	return out
}

// The key test: the local engine's alerts, serialised exactly as Kusto
// answers (41 columns, LA API JSON, a real encoding/json round trip, with
// float64 or json.Number decoding), map back to the same alerts field by
// field; and RemoteRule over that answer gives the local Result's rows and
// inviter summaries, the latest earlier invite included when asked for.
func TestRemoteMatchesLocalEngine(t *testing.T) {
	total := 0
	for _, tc := range remoteOracleCases(t) {
		local := mustRun(t, tc.e, tc.p)
		if tc.name == "odd dynamic text" && len(local.Rows) != 3 {
			t.Fatalf("odd: %d rows, want all 3", len(local.Rows))
		}
		total += len(local.Rows)
		for _, useNumber := range []bool{false, true} {
			got, err := AlertsFromTable(tableOf(t, local.Rows, useNumber))
			if !useNumber && hasHugeLong(local.Rows) {
				// float64 decoding has rounded it: refused, not stored wrong.
				if err == nil || !strings.Contains(err.Error(), "column DurationMs") {
					t.Fatalf("%s: a long above 2^53 as float64: %v", tc.name, err)
				}
				continue
			}
			if err != nil {
				t.Fatalf("%s: %v", tc.name, err)
			}
			requireSameAlerts(t, got, local.Rows)
		}
		for _, withHistory := range []bool{false, true} {
			k := &fakeKusto{answer: answerRule(tableOf(t, local.Rows, true), historyTableOf(t, local, tc.p.FoldCase))}
			run, err := RemoteRule(context.Background(), k, tc.p, RemoteOptions{WithHistory: withHistory})
			if err != nil {
				t.Fatalf("%s: %v", tc.name, err)
			}
			requireSameAlerts(t, run.Result.Rows, local.Rows)
			want := slicesClone(local.Inviters)
			if !withHistory {
				for i := range want {
					want[i].LatestEarlierInvite, want[i].HasEarlierInvite, want[i].EarlierNotQueried = time.Time{}, false, true
				}
			}
			if !reflect.DeepEqual(run.Result.Inviters, want) {
				t.Errorf("%s history=%v inviters:\n got %+v\nwant %+v", tc.name, withHistory, run.Result.Inviters, want)
			}
			if run.Query != KQLPinned(tc.p, local.AsOf) || k.queries[0] != run.Query {
				t.Errorf("%s: the query sent is not KQLPinned at the as-of", tc.name)
			}
			if tc.p.FoldCase != strings.Contains(run.Query, "!in~") {
				t.Errorf("%s: fold-case %v but query %q", tc.name, tc.p.FoldCase, run.Query)
			}
			if withHistory != (len(k.queries) == 2) && len(local.Rows) > 0 {
				t.Errorf("%s: %d queries sent with history %v", tc.name, len(k.queries), withHistory)
			}
			r := run.Result
			if !r.AsOf.Equal(local.AsOf) || !r.BaselineFrom.Equal(local.BaselineFrom) || !r.WindowFrom.Equal(local.WindowFrom) ||
				!r.BaselineTo.Equal(local.BaselineTo) || !r.WindowTo.Equal(local.WindowTo) || r.Matching != local.Matching {
				t.Errorf("%s: remote span or matching differs from local", tc.name)
			}
			if rep := Verify(local.Rows, run.Result.Rows); !rep.Equal() || len(rep.Duplicates) != 0 || rep.Matched != len(local.Rows) {
				t.Errorf("%s: Verify of identical rows: %v", tc.name, rep.Sentences())
			}
		}
	}
	if total < 30 {
		t.Errorf("only %d alert rows over all cases: too weak", total)
	}
}

// historyTableOf answers the history query from the local result: one row
// per flagged inviter key with an earlier invite (the summarize drops the
// others), LatestEarlier as a seven-digit datetime.
func historyTableOf(t testing.TB, res *Result, foldCase bool) RemoteTable {
	cols := []laColumn{{"InviterKey", "string"}, {"LatestEarlier", "datetime"}}
	var rows [][]any
	seen := map[string]bool{}
	for _, s := range res.Inviters {
		k := historyKey(s.UPN, foldCase)
		if s.HasEarlierInvite && !seen[k] {
			seen[k] = true
			rows = append(rows, []any{k, data.FormatTime(s.LatestEarlierInvite)})
		}
	}
	return decodeLA(t, laBody(t, cols, rows), false)
}

func slicesClone(s []InviterSummary) []InviterSummary {
	return append([]InviterSummary(nil), s...)
}

func hasHugeLong(rows []Alert) bool {
	for _, a := range rows {
		if a.DurationMs != nil && (*a.DurationMs > maxExactFloat || *a.DurationMs < -maxExactFloat) {
			return true
		}
	}
	return false
}
