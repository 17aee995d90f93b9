package hunt

import (
	"strings"
	"time"

	"github.com/guesthunt/guesthunt/data"
)

// KQLText is the KQL every surface shows for a run (the workbench's K,
// guesthunt kql, reports): pinned at asOf when it is set, so Sentinel
// evaluates the very windows guesthunt did; the rule's ago() form when asOf
// is zero (a query for Sentinel's own now()).
func KQLText(p Params, asOf time.Time) string {
	if asOf.IsZero() {
		return KQLFor(p)
	}
	return KQLPinned(p, asOf)
}

// KQLPinned is the rule's query run as of asOf instead of Sentinel's now():
// a let binds as_of to a seven-digit datetime literal and every ago(x)
// becomes as_of - x, which is exactly T-x in 100 ns ticks, as guesthunt
// computes it. The baseline keeps between()'s inclusive bounds. The
// detection window gains the upper bound "<= as_of": at Sentinel's now()
// no later event exists, but at a past instant later events do, and
// guesthunt's window (T-w, T] leaves them out.
func KQLPinned(p Params, asOf time.Time) string {
	b, w := FormatTimespan(p.Baseline), FormatTimespan(p.Window)
	// One pass, as in KQL: the new text is never rewritten again.
	r := strings.NewReplacer(
		"between(ago(14d)..ago(1d))", "between((as_of - "+b+")..(as_of - "+w+"))",
		"TimeGenerated > ago(1d)\n", "TimeGenerated > as_of - "+w+" and TimeGenerated <= as_of\n",
	)
	q := "// guesthunt: evaluated as of " + formatInstant(data.ToTick(asOf)) + " instead of now(); ago(x) is written as_of - x\n" +
		"let as_of = datetime(" + formatInstant(data.ToTick(asOf)) + ");\n" +
		r.Replace(ruleQuery)
	return withFoldCase(q, p.FoldCase)
}
