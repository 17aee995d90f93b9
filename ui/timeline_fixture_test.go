package ui

import (
	"context"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/guesthunt/guesthunt/data/demo"
	"github.com/guesthunt/guesthunt/hunt"
)

// Test replays: hunt.Engine.Replay is not in this branch, so the flows use
// a Replay func that computes the same thing from Engine.Run, one run per
// day back from the anchor while the baseline is covered (the oracle the
// engine's own replay is checked against).

// fakeReplay replays the demo tenant with eng; calls counts requests.
func fakeReplay(t *testing.T, eng *hunt.Engine, calls *atomic.Int32) ReplayFunc {
	t.Helper()
	invites := map[time.Time]int{}
	for _, r := range demo.Tenant(1) {
		if strings.HasPrefix(r.OperationName, "Invite external user") && r.Result == "success" {
			invites[r.TimeGenerated.UTC().Truncate(day)]++
		}
	}
	return func(ctx context.Context, rp hunt.ReplayParams) (*hunt.Replay, error) {
		calls.Add(1)
		anchor := demo.End()
		if rp.Params.AsOf.Mode == hunt.AsOfFixed {
			anchor = rp.Params.AsOf.At
		}
		var runs []hunt.ReplayRun
		for at := anchor; !at.Add(-rp.Params.Baseline).Before(demo.Start()); at = at.Add(-day) {
			p := rp.Params
			p.AsOf = hunt.AsOf{Mode: hunt.AsOfFixed, At: at}
			res, err := eng.Run(ctx, p)
			if err != nil {
				return nil, err
			}
			runs = append(runs, hunt.ReplayRun{AsOf: at, Covered: res.Coverage.BaselineCovered, Rows: res.Rows, Inviters: res.Inviters})
		}
		slices.Reverse(runs)
		return assembleReplay(rp, runs, invites), nil
	}
}

// assembleReplay fills in New, Gone, the days and FirstFired from runs.
func assembleReplay(rp hunt.ReplayParams, runs []hunt.ReplayRun, invites map[time.Time]int) *hunt.Replay {
	r := &hunt.Replay{Params: rp, Runs: runs, FirstFired: map[string]time.Time{}, Elapsed: 1234 * time.Millisecond}
	alerts := map[time.Time]int{}
	var prev []string
	for i := range runs {
		var cur []string
		for _, s := range runs[i].Inviters {
			cur = append(cur, s.UPN)
			if _, ok := r.FirstFired[s.UPN]; !ok {
				r.FirstFired[s.UPN] = runs[i].AsOf
			}
		}
		slices.Sort(cur)
		for _, u := range cur {
			if !slices.Contains(prev, u) {
				runs[i].New = append(runs[i].New, u)
			}
		}
		for _, u := range prev {
			if !slices.Contains(cur, u) {
				runs[i].Gone = append(runs[i].Gone, u)
			}
		}
		prev = cur
		alerts[runs[i].AsOf.UTC().Truncate(day)] += len(runs[i].Rows)
	}
	var days []time.Time
	for d := range invites {
		days = append(days, d)
	}
	slices.SortFunc(days, time.Time.Compare)
	if len(days) > 0 {
		for d := days[0]; !d.After(days[len(days)-1]); d = d.Add(day) {
			r.Days = append(r.Days, hunt.ReplayDay{Day: d, Invites: invites[d], Alerts: alerts[d]})
		}
	}
	return r
}
