package hunt

import (
	"fmt"
	"time"
)

// WarningKind names what makes a result less than it seems. An empty
// result with any warning is no all-clear.
type WarningKind int

const (
	// WarnNoData: nothing is loaded at all.
	WarnNoData WarningKind = iota + 1
	// WarnWindowEmpty: no audit event of any kind lies in the detection
	// window, so the data does not reach it and "nothing flagged" says
	// nothing. (A window with events but no new inviter is a real
	// all-clear: see Result.AllClear.)
	WarnWindowEmpty
	// WarnAsOfAfterData: the as-of lies after the last event loaded.
	WarnAsOfAfterData
	// WarnAsOfBeforeData: the as-of lies before the first event loaded.
	WarnAsOfBeforeData
	// WarnWindowCoversBaseline: the window is at least as long as the
	// baseline, so the baseline interval is empty (or one instant) and
	// every inviter in the window looks new.
	WarnWindowCoversBaseline
	// WarnBaselineNotCovered: the data starts after the baseline start;
	// the text is Coverage.Note.
	WarnBaselineNotCovered
)

// String is the kind's stable name, as report JSON writes it.
func (k WarningKind) String() string {
	switch k {
	case WarnNoData:
		return "no-data"
	case WarnWindowEmpty:
		return "window-empty"
	case WarnAsOfAfterData:
		return "as-of-after-data"
	case WarnAsOfBeforeData:
		return "as-of-before-data"
	case WarnWindowCoversBaseline:
		return "window-covers-baseline"
	case WarnBaselineNotCovered:
		return "baseline-not-covered"
	}
	if name := pulledKindName(k); name != "" {
		return name
	}
	if name := remoteKindName(k); name != "" {
		return name
	}
	return fmt.Sprintf("warning-%d", int(k))
}

// Warning is one reason to distrust a result, in words for the analyst.
// Text comes from the engine (no data strings), but sinks still sanitise it.
type Warning struct {
	Kind WarningKind
	Text string
}

// windowFacts is what the warnings need to know about the data beyond
// the cache's span.
type windowFacts struct {
	events  bool  // any AuditLogs event in (windowFrom, asOf]
	invites int64 // successful invites with an inviter UPN in the window
	// pulled: loaded pull chunks cover the whole window, so it was looked
	// at even when it holds no event (an invites pull of a quiet day).
	pulled bool
}

// warningsOf lists the warnings for a run at s over data c, in the order
// they should be read: the data's reach first, the parameters last.
func warningsOf(c *inviteCache, s span, p Params, cov Coverage, w windowFacts) []Warning {
	var out []Warning
	add := func(k WarningKind, format string, args ...any) {
		out = append(out, Warning{Kind: k, Text: fmt.Sprintf(format, args...)})
	}
	if c.dataFrom.IsZero() {
		add(WarnNoData, "no events loaded: nothing can be flagged, and an empty result is no all-clear")
	} else {
		if s.asOf.After(c.dataTo) {
			add(WarnAsOfAfterData, "as-of is %s after the last event (%s)",
				FormatSpan(s.asOf.Sub(c.dataTo)), formatCoverageInstant(c.dataTo))
		}
		if s.asOf.Before(c.dataFrom) {
			add(WarnAsOfBeforeData, "as-of is %s before the first event (%s)",
				FormatSpan(c.dataFrom.Sub(s.asOf)), formatCoverageInstant(c.dataFrom))
		}
		if !w.events && !w.pulled {
			add(WarnWindowEmpty, "the detection window (%s .. %s] holds no audit events at all: the data does not reach it, so an empty result is no all-clear",
				formatCoverageInstant(s.windowFrom), formatCoverageInstant(s.asOf))
		}
	}
	switch {
	case p.Window > p.Baseline:
		add(WarnWindowCoversBaseline, "window %s is longer than baseline %s: the baseline interval is empty, so every inviter in the window is new",
			FormatTimespan(p.Window), FormatTimespan(p.Baseline))
	case p.Window == p.Baseline:
		// between() is inclusive: [T-b, T-w] is the single instant T-w.
		add(WarnWindowCoversBaseline, "window %s equals baseline %s: the baseline is the single instant %s, so almost every inviter in the window is new",
			FormatTimespan(p.Window), FormatTimespan(p.Baseline), formatCoverageInstant(s.windowFrom))
	}
	if !cov.BaselineCovered && !c.dataFrom.IsZero() {
		add(WarnBaselineNotCovered, "%s", cov.Note)
	}
	return out
}

// allClearText says what an empty result means; "" when rows were found.
func allClearText(rows int, w windowFacts, warnings []Warning) string {
	switch {
	case rows > 0:
		return ""
	case !w.events && !w.pulled:
		return "no inviter is flagged, but the window holds no events: this is no all-clear"
	case len(warnings) > 0:
		return fmt.Sprintf("no inviter is flagged (the window holds %s); read the warnings before trusting it", inviteCount(w.invites))
	case !w.events:
		return "no inviter is flagged: the pulled chunks cover the whole window, and it holds no invite"
	}
	return fmt.Sprintf("no inviter is flagged: the window holds audit events and %s, none by a new inviter", inviteCount(w.invites))
}

func inviteCount(n int64) string {
	if n == 1 {
		return "1 successful invite"
	}
	return fmt.Sprintf("%d successful invites", n)
}

// windowOutsideData tells, from the data's first and last event alone,
// whether the window (from, to] holds none of the events: it lies wholly
// before or after them. sure is false when only a query can tell.
func windowOutsideData(first, last, from, to time.Time) (outside, sure bool) {
	if first.IsZero() || !last.After(from) || to.Before(first) {
		return true, true
	}
	// The first and the last event are events: either inside settles it.
	if (first.After(from) && !first.After(to)) || (last.After(from) && !last.After(to)) {
		return false, true
	}
	return false, false
}
