package ui

import (
	"fmt"
	"strings"
	"time"

	"github.com/guesthunt/guesthunt/hunt"
)

const day = 24 * time.Hour

// shiftBaseline lengthens (d > 0) or shortens the baseline. A baseline must
// stay positive: the change is refused, with the reason, rather than clamped
// to a value the analyst did not ask for.
func shiftBaseline(p hunt.Params, d time.Duration) (hunt.Params, error) {
	if p.Baseline+d <= 0 {
		return p, fmt.Errorf("baseline %s cannot be shortened by %s", hunt.FormatTimespan(p.Baseline), hunt.FormatTimespan(-d))
	}
	p.Baseline += d
	return p, nil
}

// shiftAsOf moves the as-of instant by d from the instant the last run
// resolved (whatever its mode), fixing it there.
func shiftAsOf(p hunt.Params, resolved time.Time, d time.Duration) (hunt.Params, error) {
	if resolved.IsZero() {
		return p, fmt.Errorf("as-of not known yet: wait for the first run")
	}
	p.AsOf = hunt.AsOf{Mode: hunt.AsOfFixed, At: resolved.Add(d)}
	return p, nil
}

// describeParams says what changed between two parameter sets, in the words
// of the header ("baseline 14d → 15d").
func describeParams(old, cur hunt.Params) string {
	var parts []string
	if old.Baseline != cur.Baseline {
		parts = append(parts, "baseline "+hunt.FormatTimespan(old.Baseline)+" → "+hunt.FormatTimespan(cur.Baseline))
	}
	if old.Window != cur.Window {
		parts = append(parts, "window "+hunt.FormatTimespan(old.Window)+" → "+hunt.FormatTimespan(cur.Window))
	}
	if old.AsOf != cur.AsOf {
		parts = append(parts, "as of "+cur.AsOf.String())
	}
	if old.FoldCase != cur.FoldCase {
		if cur.FoldCase {
			parts = append(parts, "fold-case on")
		} else {
			parts = append(parts, "fold-case off")
		}
	}
	return strings.Join(parts, ", ")
}

// sensitivityChanged reports whether the curve depends on what changed: it
// spans every baseline length already, so only the window, the as-of instant
// and the case rule move it.
func sensitivityChanged(old, cur hunt.Params) bool {
	return old.Window != cur.Window || old.AsOf != cur.AsOf || old.FoldCase != cur.FoldCase
}

// inviterDelta counts inviters newly flagged and no longer flagged.
func inviterDelta(before, after []hunt.InviterSummary) (added, removed int) {
	was := make(map[string]bool, len(before))
	for _, s := range before {
		was[s.UPN] = true
	}
	for _, s := range after {
		if was[s.UPN] {
			delete(was, s.UPN)
		} else {
			added++
		}
	}
	return added, len(was)
}

// paramsInfo is what the header shows of the parameters.
func paramsInfo(p hunt.Params, resolved time.Time) ParamsInfo {
	note := ""
	switch p.AsOf.Mode {
	case hunt.AsOfLatest:
		note = "end of data"
	case hunt.AsOfNow:
		note = "now"
	}
	return ParamsInfo{
		AsOf: resolved, AsOfNote: note,
		Baseline: hunt.FormatTimespan(p.Baseline), Window: hunt.FormatTimespan(p.Window),
		FoldCase: p.FoldCase,
	}
}

// baselineDays is the strip position of a baseline: whole days only.
func baselineDays(d time.Duration) int {
	if d%day != 0 {
		return -1
	}
	return int(d / day)
}
