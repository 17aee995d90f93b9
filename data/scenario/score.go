package scenario

import (
	"math"

	"github.com/guesthunt/guesthunt/data/triage"
)

// Grading an exercise: the trainee's verdicts against the key.
//
// A verdict is positive (malicious, suspicious) or negative (benign,
// false-positive). Each case the rule flags is worth two points: the key's
// verdict exactly is two, the right side (positive or negative) but another
// verdict is one, the wrong side or no verdict is none. A decoy the rule does
// not flag counts only when the trainee gave it a verdict (found it by a
// pivot): then it is graded the same way. Score is the points won out of the
// points at stake, 0-100, rounded.

// Outcome is how one case was answered.
type Outcome string

const (
	OutcomeCorrect     Outcome = "correct"       // the key's verdict
	OutcomePartial     Outcome = "partial"       // the right side, another verdict
	OutcomeWrong       Outcome = "wrong"         // the wrong side
	OutcomeMissed      Outcome = "missed"        // a positive case left untriaged
	OutcomeUntriaged   Outcome = "untriaged"     // a negative case left untriaged
	OutcomeNotInResult Outcome = "not-in-result" // an unflagged decoy the trainee left alone
)

// CaseResult is one case graded.
type CaseResult struct {
	Subject     string         `json:"subject"`
	Flagged     bool           `json:"flagged"`
	Expected    triage.Verdict `json:"expected"`
	Given       triage.Verdict `json:"given"`
	Outcome     Outcome        `json:"outcome"`
	Points      int            `json:"points"`
	OutOf       int            `json:"outOf"`
	Explanation string         `json:"explanation"`
}

// Score is an exercise graded.
type Score struct {
	Scenario       string       `json:"scenario"`
	Seed           int64        `json:"seed"`
	TruePositives  int          `json:"truePositives"`
	FalsePositives int          `json:"falsePositives"`
	Missed         int          `json:"missed"`
	WrongVerdicts  int          `json:"wrongVerdicts"` // given, but not the key's verdict
	Untriaged      int          `json:"untriaged"`     // flagged cases left without a verdict
	Points         int          `json:"points"`
	OutOf          int          `json:"outOf"`
	Score          int          `json:"score"` // 0-100
	Cases          []CaseResult `json:"cases"`
}

// Positive reports whether v says "this is an attack" (or may be).
func Positive(v triage.Verdict) bool {
	return v == triage.VerdictMalicious || v == triage.VerdictSuspicious
}

// Grade scores the inviter verdicts given (by UPN, as logged: the rule and
// the key compare case-sensitively) against the key.
func Grade(k Key, given map[string]triage.Verdict) Score {
	s := Score{Scenario: k.Scenario, Seed: k.Seed}
	for _, c := range k.Cases {
		g := given[c.Subject]
		if g == "" {
			g = triage.VerdictUntriaged
		}
		r := CaseResult{Subject: c.Subject, Flagged: c.Flagged, Expected: c.Verdict, Given: g, Explanation: c.Explanation}
		triaged := g != triage.VerdictUntriaged
		if !c.Flagged && !triaged {
			r.Outcome = OutcomeNotInResult
			s.Cases = append(s.Cases, r)
			continue
		}
		r.OutOf = 2
		switch {
		case !triaged && Positive(c.Verdict):
			r.Outcome = OutcomeMissed
			s.Missed++
		case !triaged:
			r.Outcome = OutcomeUntriaged
		case g == c.Verdict:
			r.Outcome, r.Points = OutcomeCorrect, 2
		case Positive(g) == Positive(c.Verdict):
			r.Outcome, r.Points = OutcomePartial, 1
		default:
			r.Outcome = OutcomeWrong
		}
		if !triaged && c.Flagged {
			s.Untriaged++
		}
		if triaged && g != c.Verdict {
			s.WrongVerdicts++
		}
		switch {
		case triaged && Positive(g) && Positive(c.Verdict):
			s.TruePositives++
		case triaged && Positive(g):
			s.FalsePositives++
		case triaged && Positive(c.Verdict):
			s.Missed++ // called benign: an attack let through
		}
		s.Points += r.Points
		s.OutOf += r.OutOf
		s.Cases = append(s.Cases, r)
	}
	if s.OutOf > 0 {
		s.Score = int(math.Round(100 * float64(s.Points) / float64(s.OutOf)))
	}
	return s
}

// InviterVerdicts picks the verdicts on inviters out of all recorded ones,
// by UPN as logged: what Grade takes.
func InviterVerdicts(all map[triage.Subject]triage.Triage) map[string]triage.Verdict {
	given := map[string]triage.Verdict{}
	for s, t := range all {
		if s.Kind == triage.SubjectInviter {
			given[s.Key] = t.Verdict
		}
	}
	return given
}
