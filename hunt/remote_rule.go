package hunt

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/guesthunt/guesthunt/data"
)

// Warning kinds only a remote run gives.
const (
	// WarnRemoteColumns: the workspace's answer lacked or added columns.
	WarnRemoteColumns WarningKind = iota + 100
	// WarnRemoteLimits: what a result computed in the workspace cannot show.
	WarnRemoteLimits
	// WarnRemoteAsOf: the as-of was chosen differently than asked.
	WarnRemoteAsOf
	// WarnRemoteRecent: the as-of is so recent that events may not have
	// arrived in the workspace yet.
	WarnRemoteRecent
	// WarnRemoteStoredTwice: the workspace returned the same row more
	// than once.
	WarnRemoteStoredTwice
)

func remoteKindName(k WarningKind) string {
	switch k {
	case WarnRemoteColumns:
		return "remote-columns"
	case WarnRemoteLimits:
		return "remote-limits"
	case WarnRemoteAsOf:
		return "remote-as-of"
	case WarnRemoteRecent:
		return "remote-recent"
	case WarnRemoteStoredTwice:
		return "remote-stored-twice"
	}
	return ""
}

// RemoteOptions tune RemoteRule.
type RemoteOptions struct {
	// WithHistory sends a second, aggregate query for each flagged
	// inviter's latest earlier invite; without it the summaries say "not
	// queried".
	WithHistory bool
	// Now is the client clock that pins "now" (and "latest"); nil: time.Now.
	Now func() time.Time
}

// RemoteRun is a run of the rule in the workspace: the same Result the
// local engine gives, plus exactly what was sent and what came back.
type RemoteRun struct {
	Result   *Result
	Query    string       // the KQL sent, byte for byte
	Envelope [2]time.Time // the timespan sent with it
	Table    RemoteTable  // the answer (Raw kept for the record)

	// The history query, when WithHistory asked for it.
	HistoryQuery    string
	HistoryEnvelope [2]time.Time
	HistoryTable    RemoteTable
}

// RemoteHistoryReach is how far back the history query looks for an
// inviter's latest earlier invite: Log Analytics' longest total retention
// (12 years). The local engine looks through all loaded data; a workspace
// holds nothing older than its retention anyway.
const RemoteHistoryReach = 4383 * 24 * time.Hour

// RemoteRule runs the rule in the workspace behind k, pinned to one as-of
// instant T (KQLPinned, with p's fold-case), inside the whole-second
// envelope [T − baseline − 1 s, T + 1 s], and maps the answer onto the
// local engine's Result. "now" is the client clock at submission;
// "latest" has no meaning for a workspace that keeps receiving events, so
// it runs at now too, and a warning says so.
func RemoteRule(ctx context.Context, k Kusto, p Params, opt RemoteOptions) (*RemoteRun, error) {
	if k == nil {
		return nil, errors.New("remote hunt: no Kusto client")
	}
	if err := p.Validate(); err != nil {
		return nil, err
	}
	now := opt.Now
	if now == nil {
		now = time.Now
	}
	var warnings []Warning
	start := time.Now()
	t := data.ToTick(now())
	asked := p
	switch p.AsOf.Mode {
	case AsOfFixed:
		t = data.ToTick(p.AsOf.At)
	case AsOfLatest:
		asked.AsOf = AsOf{Mode: AsOfNow}
		warnings = append(warnings, Warning{Kind: WarnRemoteAsOf, Text: fmt.Sprintf(
			`as-of "latest" is not defined for a workspace that keeps receiving events: ran at now (client clock), %s`, formatInstant(t))})
	}
	s := span{asOf: t, baselineFrom: t.Add(-p.Baseline), windowFrom: t.Add(-p.Window)}
	for _, x := range []time.Time{s.asOf, s.baselineFrom, s.windowFrom} {
		if !fitsNanos(x) {
			return nil, fmt.Errorf("instant %s is outside the range guesthunt holds (1678-2262)", formatInstant(x))
		}
	}
	run := &RemoteRun{Query: KQLPinned(p, t), Envelope: RemoteEnvelope(s.baselineFrom, t)}
	table, err := k.Query(ctx, run.Query, run.Envelope)
	if err != nil {
		return nil, fmt.Errorf("remote hunt: %w", err)
	}
	run.Table = table
	rows, err := AlertsFromTable(table)
	if err != nil {
		return nil, err
	}
	warnings = append(warnings, TableWarnings(table)...)
	warnings = append(warnings, storedTwice(rows)...)
	// Kusto returns rows in no particular order; the local engine's is by
	// time, then provenance (here the answer's row number).
	slices.SortStableFunc(rows, func(a, b Alert) int { return a.TimeGenerated.Compare(b.TimeGenerated) })

	if opt.WithHistory && len(rows) > 0 {
		if err := run.fillHistory(ctx, k, p, s, rows); err != nil {
			return nil, err
		}
	}
	inviters := summarizeInviters(rows)
	if !opt.WithHistory {
		for i := range inviters {
			inviters[i].EarlierNotQueried = true
		}
	}
	warnings = append(warnings, remoteLimits(opt.WithHistory, len(rows) > 0)...)
	if d := now().Sub(t); d < remoteSettle && d > -remoteSettle {
		warnings = append(warnings, Warning{Kind: WarnRemoteRecent, Text: fmt.Sprintf(
			"as-of %s is within %s of now: audit events reach the workspace 3-10 minutes late, so the latest may be missing; re-run later to be sure",
			formatInstant(t), FormatSpan(remoteSettle))})
	}
	res := &Result{
		Params:       asked,
		AsOf:         t,
		BaselineFrom: s.baselineFrom,
		BaselineTo:   s.windowFrom,
		WindowFrom:   s.windowFrom,
		WindowTo:     t,
		Rows:         rows,
		Inviters:     inviters,
		Coverage: Coverage{Note: "not checked: the rule ran in the workspace, whose retention decides what the baseline covers " +
			"(guesthunt pull's preflight checks it)"},
		Warnings: warnings,
		Matching: matchingText(p.FoldCase),
		Elapsed:  time.Since(start),
	}
	if len(rows) == 0 {
		res.AllClear = "nothing flagged by the workspace: an all-clear only if it holds the AuditLogs of the whole baseline and window (not checked remotely)"
	}
	run.Result = res
	return run, nil
}

// remoteSettle is how recent an as-of is warned about (ingestion delay).
const remoteSettle = 30 * time.Minute

// RemoteEnvelope is the whole-second timespan sent with a query whose
// exact bounds [from, to] are in its text: one second wider on each side,
// since the API writes the timespan in whole seconds (and truncates).
func RemoteEnvelope(from, to time.Time) [2]time.Time {
	lo := from.UTC().Truncate(time.Second).Add(-time.Second)
	hi := to.UTC().Truncate(time.Second)
	if !hi.Equal(to.UTC()) {
		hi = hi.Add(time.Second)
	}
	return [2]time.Time{lo, hi.Add(time.Second)}
}

// remoteLimits says what a remote result cannot show.
func remoteLimits(withHistory, rows bool) []Warning {
	out := []Warning{{Kind: WarnRemoteLimits, Text: "ran in the workspace: why-flagged, the sensitivity strip, replay and the guest trail are not shown; each " +
		"needs the events: pull them with guesthunt pull"}}
	if !withHistory && rows {
		out = append(out, Warning{Kind: WarnRemoteLimits, Text: "the latest earlier invite of each inviter was not queried " +
			"(--with-history asks the workspace for it)"})
	}
	return out
}

// storedTwice warns about rows the workspace returned more than once, all
// columns equal: Kusto returns every stored copy (and so does Sentinel's
// alert), while a local run counts such an event once. The rows are kept
// as the workspace gave them.
func storedTwice(rows []Alert) []Warning {
	byID := map[string][]Alert{}
	var ids []string
	extra := 0
	for _, a := range rows {
		same := slices.ContainsFunc(byID[a.Id], func(b Alert) bool { return columnDiffs(a, b, nil) == nil })
		if same {
			extra++
			if !slices.Contains(ids, a.Id) {
				ids = append(ids, a.Id)
			}
		}
		byID[a.Id] = append(byID[a.Id], a)
	}
	if extra == 0 {
		return nil
	}
	if len(ids) > 5 {
		ids = append(ids[:5], "…")
	}
	return []Warning{{Kind: WarnRemoteStoredTwice, Text: fmt.Sprintf(
		"the workspace returned %d row(s) more than once (event Id %s): it stores those events twice and Kusto returns every copy; "+
			"guesthunt run on the same events counts each once", extra, strings.Join(ids, ", "))}}
}
