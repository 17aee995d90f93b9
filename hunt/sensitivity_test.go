package hunt

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/guesthunt/guesthunt/data"
)

// mixedTenant is a deterministic tenant with invites on a 6-hour grid (so
// that many fall exactly on interval ends), case variants of UPNs, failures,
// app-initiated invites and other operations.
func mixedTenant(seed uint64, n int) []data.Record {
	rng := rand.New(rand.NewPCG(seed, 1))
	var recs []data.Record
	for i := 0; i < n; i++ {
		upn := fmt.Sprintf("user%02d@contoso.com", rng.IntN(25))
		if rng.IntN(8) == 0 {
			upn = strings.ToUpper(upn[:1]) + upn[1:]
		}
		at := ago(time.Duration(rng.IntN(40*4)) * 6 * time.Hour)
		var opts []recordOpt
		switch rng.IntN(10) {
		case 0:
			opts = append(opts, withResult("failure"))
		case 1:
			opts = append(opts, withInitiatedBy(`{"app":{"displayName":"Portal"}}`))
		case 2:
			recs = append(recs, other(upn, at, "Add user"))
			continue
		}
		recs = append(recs, invite(upn, at, opts...))
	}
	return recs
}

func TestSensitivityMatchesReruns(t *testing.T) {
	e := newEngine(t, mixedTenant(7, 600)...)
	const maxDays = 30
	for _, fold := range []bool{false, true} {
		for _, window := range []time.Duration{day, 36 * time.Hour, 2 * day} {
			p := fixedParams()
			p.FoldCase, p.Window = fold, window
			points, err := e.Sensitivity(context.Background(), p, maxDays)
			if err != nil {
				t.Fatal(err)
			}
			if len(points) != maxDays {
				t.Fatalf("%d points", len(points))
			}
			for _, pt := range points {
				q := p
				q.Baseline = time.Duration(pt.BaselineDays) * day
				res := mustRun(t, e, q)
				distinct := map[string]bool{}
				for _, r := range res.Rows {
					distinct[r.InitiatingUserPrincipalName] = true
				}
				if pt.Baseline != q.Baseline || pt.Inviters != len(distinct) || pt.Alerts != len(res.Rows) ||
					pt.Inviters != len(res.Inviters) || pt.Covered != res.Coverage.BaselineCovered {
					t.Errorf("fold %v window %v baseline %dd: point %+v, rerun %d inviters %d rows covered %v",
						fold, window, pt.BaselineDays, pt, len(distinct), len(res.Rows), res.Coverage.BaselineCovered)
				}
			}
		}
	}
	if _, err := e.Sensitivity(context.Background(), fixedParams(), 0); err == nil {
		t.Error("0 days accepted")
	}
}

func TestExplain(t *testing.T) {
	const upn = "alice@contoso.com"
	recs := []data.Record{
		invite(upn, ago(20*day+time.Hour)),              // before the baseline
		invite(upn, ago(10*day), withResult("failure")), // failed, in baseline
		other(upn, ago(9*day), "Add user"),              // other operation, in baseline
		other(upn, ago(8*day), "Update user"),           // other operation, in baseline
		invite("x", ago(8*day), withOperation("Add user"), // escaped UPN text: found despite the prefilter
			withInitiatedBy(`{"user":{"userPrincipalName":"alice\u0040contoso.com"}}`)),
		other(upn, ago(30*day), "Update user"),                 // other operation, before baseline
		invite("Alice@Contoso.com", ago(7*day)),                // case variant, in baseline
		invite("ALICE@contoso.com", ago(6*day)),                // another case variant
		invite(upn, ago(2*time.Hour)),                          // in the window
		invite(upn, ago(time.Hour)),                            // in the window
		invite("known@contoso.com", ago(3*day)),                // known inviter
		invite("known@contoso.com", ago(30*time.Minute)),       // in the window, not flagged
		invite(upn, ago(-time.Hour), withResult("failure")),    // after T
		other("admin@contoso.com", ago(25*day), "Update user"), // data start
	}
	e := newEngine(t, recs...)
	cases := []struct {
		name string
		upn  string
		fold bool
		want Explanation
	}{
		{"flagged, with history before the baseline", upn, false, Explanation{
			WindowInvites: 2, Flagged: true, BaselineFailedInvites: 1, BaselineOtherOperations: 3,
			BaselineCaseVariantInvites: 2, CaseVariants: []string{"ALICE@contoso.com", "Alice@Contoso.com"},
			HasEarlierInvite: true, LatestEarlierInvite: ago(20*day + time.Hour),
			ClearingBaseline: 20*day + time.Hour, ClearingBaselineDays: 21}},
		{"fold-case finds the variants", upn, true, Explanation{
			WindowInvites: 2, Flagged: false, BaselineFailedInvites: 1, BaselineOtherOperations: 3,
			BaselineCaseVariantInvites: 2, CaseVariants: []string{"ALICE@contoso.com", "Alice@Contoso.com"},
			HasEarlierInvite: true, LatestEarlierInvite: ago(6 * day),
			ClearingBaseline: 6 * day, ClearingBaselineDays: 6}},
		{"known inviter", "known@contoso.com", false, Explanation{
			WindowInvites: 1, BaselineInvites: 1, HasEarlierInvite: true, LatestEarlierInvite: ago(3 * day),
			ClearingBaseline: 3 * day, ClearingBaselineDays: 3}},
		{"never invited before", "nobody@contoso.com", false, Explanation{}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := fixedParams()
			p.FoldCase = c.fold
			x, err := e.Explain(context.Background(), p, c.upn)
			if err != nil {
				t.Fatal(err)
			}
			w := c.want
			check := []struct {
				what      string
				got, want any
			}{
				{"BaselineFrom", x.BaselineFrom, ago(14 * day)},
				{"BaselineTo", x.BaselineTo, ago(day)},
				{"Covered", x.Coverage.BaselineCovered, true},
				{"WindowInvites", x.WindowInvites, w.WindowInvites},
				{"Flagged", x.Flagged, w.Flagged},
				{"BaselineInvites", x.BaselineInvites, w.BaselineInvites},
				{"BaselineFailedInvites", x.BaselineFailedInvites, w.BaselineFailedInvites},
				{"BaselineOtherOperations", x.BaselineOtherOperations, w.BaselineOtherOperations},
				{"BaselineCaseVariantInvites", x.BaselineCaseVariantInvites, w.BaselineCaseVariantInvites},
				{"CaseVariants", x.CaseVariants, w.CaseVariants},
				{"HasEarlierInvite", x.HasEarlierInvite, w.HasEarlierInvite},
				{"LatestEarlierInvite", x.LatestEarlierInvite, w.LatestEarlierInvite},
				{"ClearingBaseline", x.ClearingBaseline, w.ClearingBaseline},
				{"ClearingBaselineDays", x.ClearingBaselineDays, w.ClearingBaselineDays},
			}
			for _, k := range check {
				if !equalValue(k.got, k.want) {
					t.Errorf("%s = %v, want %v", k.what, k.got, k.want)
				}
			}
			if x.HasEarlierInvite {
				// The clearing baseline really clears the inviter, and one tick less does not.
				p.Baseline = x.ClearingBaseline
				if rows := alertsBy(mustRun(t, e, p), c.upn, c.fold); rows != 0 {
					t.Errorf("still %d alerts at the clearing baseline", rows)
				}
				p.Baseline = x.ClearingBaseline - tick
				if rows := alertsBy(mustRun(t, e, p), c.upn, c.fold); rows != x.WindowInvites {
					t.Errorf("%d alerts one tick below the clearing baseline, want %d", rows, x.WindowInvites)
				}
			}
		})
	}
	if _, err := e.Explain(context.Background(), fixedParams(), ""); err == nil {
		t.Error("empty UPN accepted")
	}
}

func alertsBy(res *Result, upn string, fold bool) int {
	n := 0
	for _, r := range res.Rows {
		if r.InitiatingUserPrincipalName == upn || fold && strings.EqualFold(r.InitiatingUserPrincipalName, upn) {
			n++
		}
	}
	return n
}
