package store

import "github.com/guesthunt/guesthunt/data/triage"

// The verdict types are data/triage's; these names keep callers that predate
// it (hunt's report, the report command) compiling. New code uses data/triage.
type (
	Verdict     = triage.Verdict
	SubjectKind = triage.SubjectKind
	Subject     = triage.Subject
	Triage      = triage.Triage
)

const (
	VerdictUntriaged     = triage.VerdictUntriaged
	VerdictBenign        = triage.VerdictBenign
	VerdictSuspicious    = triage.VerdictSuspicious
	VerdictMalicious     = triage.VerdictMalicious
	VerdictFalsePositive = triage.VerdictFalsePositive

	SubjectInviter = triage.SubjectInviter
	SubjectEvent   = triage.SubjectEvent
)

// Limits on what one verdict may carry (triage.Validate enforces them).
const (
	MaxTriageNote    = triage.MaxNote
	MaxTriageKey     = triage.MaxKey
	MaxTriageAnalyst = triage.MaxAnalyst
)

// ParseVerdict accepts a verdict's name.
func ParseVerdict(s string) (Verdict, error) { return triage.ParseVerdict(s) }
