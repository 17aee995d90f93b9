package hunt

import (
	"strings"
	"time"

	"github.com/guesthunt/guesthunt/data"
	"github.com/guesthunt/guesthunt/data/store"
)

// ReportMeta says what a report was made from and by: it is not in the
// Result, because the hunt engine knows neither files nor the tool version.
type ReportMeta struct {
	// Source describes the data set in words ("built-in demo tenant",
	// "case file case.duckdb", "3 export files").
	Source string
	// Files are the loaded files, as given or as the case file recorded them.
	Files []string
	// Events is the number of events loaded.
	Events int64
	// DataArgs are the data arguments a re-run needs, as a command line
	// takes them: export paths, or "--db" and the case file; none for the demo.
	DataArgs    []string
	GeneratedAt time.Time
	Version     string // the tool's version
}

// Report is an incident report: one hunt with the analysts' verdicts,
// ready to be written as Markdown, JSON, CSV or Sentinel bookmarks. Every
// string from the data is kept raw here; each writer escapes for its format.
type Report struct {
	Meta     ReportMeta
	Params   Params
	AsOf     time.Time // T, resolved
	Baseline [2]time.Time
	Window   [2]time.Time
	Matching string
	Coverage Coverage
	Warnings []Warning // the run's (Result.Warnings)
	// Command re-runs the hunt at the same instant: the as-of is written
	// out, so new data does not move it.
	Command string
	KQL     string
	// Triaged of len(Inviters) inviters have a verdict other than untriaged.
	Triaged  int
	Inviters []ReportInviter
}

// ReportInviter is one flagged inviter with its verdict and its alert rows.
type ReportInviter struct {
	InviterSummary
	Triage        Verdicted // the inviter's verdict; untriaged when none
	Events        []ReportEvent
	EventsTriaged int // events with a verdict of their own
}

// Verdicted is a subject's current decision as a report shows it.
type Verdicted struct {
	Verdict store.Verdict
	Note    string
	Analyst string
	At      time.Time // zero when never triaged
}

// Triaged reports whether an analyst has decided (untriaged is no decision).
func (v Verdicted) Triaged() bool {
	return v.Verdict != "" && v.Verdict != store.VerdictUntriaged
}

// ReportEvent is one alert row with its own verdict, if any.
type ReportEvent struct {
	Alert
	Triage Verdicted
}

// EventKey is the triage key of an alert row's event, the same as
// store.EventSubjectKey gives for its record: the Id, or for exports without
// one (portal CSV) CorrelationId|TimeGenerated (7 digits)|OperationName.
// It is store.EventSubjectKey applied to the alert's record, so the rule is kept in
// one place.
func EventKey(a Alert) string {
	return store.EventSubjectKey(a.Record)
}

// NewReport joins a hunt result with the verdicts recorded for its
// inviters and events. triage may be nil; verdicts for subjects the result
// does not contain are ignored (they belong to other parameters).
func NewReport(res *Result, triage map[store.Subject]store.Triage, meta ReportMeta) Report {
	r := Report{Meta: meta}
	if res == nil {
		return r
	}
	r.Params = res.Params
	r.AsOf = res.AsOf
	r.Baseline = [2]time.Time{res.BaselineFrom, res.BaselineTo}
	r.Window = [2]time.Time{res.WindowFrom, res.WindowTo}
	r.Matching = res.Matching
	r.Coverage = res.Coverage
	r.Warnings = res.Warnings
	r.Command = rerunCommand(res.Params, res.AsOf, meta.DataArgs)
	r.KQL = KQLText(res.Params, res.AsOf)

	byInviter := map[string]int{}
	for _, s := range res.Inviters {
		byInviter[s.UPN] = len(r.Inviters)
		ri := ReportInviter{InviterSummary: s, Triage: lookup(triage, store.SubjectInviter, s.UPN)}
		if ri.Triage.Triaged() {
			r.Triaged++
		}
		r.Inviters = append(r.Inviters, ri)
	}
	for _, a := range res.Rows {
		i, ok := byInviter[a.InitiatingUserPrincipalName]
		if !ok { // cannot happen for a Result from Run; keep the row anyway
			i = len(r.Inviters)
			byInviter[a.InitiatingUserPrincipalName] = i
			r.Inviters = append(r.Inviters, ReportInviter{
				InviterSummary: InviterSummary{UPN: a.InitiatingUserPrincipalName},
				Triage:         lookup(triage, store.SubjectInviter, a.InitiatingUserPrincipalName),
			})
		}
		ev := ReportEvent{Alert: a, Triage: lookup(triage, store.SubjectEvent, EventKey(a))}
		if ev.Triage.Triaged() {
			r.Inviters[i].EventsTriaged++
		}
		r.Inviters[i].Events = append(r.Inviters[i].Events, ev)
	}
	return r
}

func lookup(triage map[store.Subject]store.Triage, kind store.SubjectKind, key string) Verdicted {
	t, ok := triage[store.Subject{Kind: kind, Key: key}]
	if !ok || t.Verdict == "" {
		return Verdicted{Verdict: store.VerdictUntriaged}
	}
	return Verdicted{Verdict: t.Verdict, Note: t.Note, Analyst: t.Analyst, At: t.At}
}

// rerunCommand is the guesthunt hunt command line that gives the same rows:
// the resolved as-of instant with all 7 digits, both timespans, fold-case.
func rerunCommand(p Params, asOf time.Time, dataArgs []string) string {
	args := []string{"guesthunt", "hunt"}
	for _, a := range dataArgs {
		args = append(args, shellQuote(a))
	}
	args = append(args, "--as-of", data.FormatTime(asOf),
		"--baseline", FormatTimespan(p.Baseline), "--window", FormatTimespan(p.Window))
	if p.FoldCase {
		args = append(args, "--fold-case")
	}
	return strings.Join(args, " ")
}

// shellQuote leaves plain words alone and single-quotes the rest for a
// POSIX shell, so paths with spaces or quotes survive copy and paste.
func shellQuote(s string) string {
	if s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./:=@+,") == "" {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
