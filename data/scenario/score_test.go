package scenario

import (
	"testing"

	"github.com/guesthunt/guesthunt/data/triage"
)

func gradingKey() Key {
	return Key{Scenario: "t", Seed: 1, Cases: []Case{
		{Subject: "attacker@x", Flagged: true, Verdict: triage.VerdictMalicious},
		{Subject: "newhire@x", Flagged: true, Verdict: triage.VerdictBenign},
		{Subject: "Case@x", Flagged: true, Verdict: triage.VerdictFalsePositive},
		{Subject: "app", Flagged: false, Verdict: triage.VerdictBenign},
	}}
}

func TestGradePerfect(t *testing.T) {
	s := Grade(gradingKey(), map[string]triage.Verdict{
		"attacker@x": triage.VerdictMalicious, "newhire@x": triage.VerdictBenign, "Case@x": triage.VerdictFalsePositive,
	})
	if s.Score != 100 || s.TruePositives != 1 || s.FalsePositives != 0 || s.Missed != 0 || s.WrongVerdicts != 0 || s.OutOf != 6 {
		t.Fatalf("%+v", s)
	}
	if s.Cases[3].Outcome != OutcomeNotInResult {
		t.Fatalf("unflagged decoy left alone: %v", s.Cases[3].Outcome)
	}
}

func TestGradeEmpty(t *testing.T) {
	s := Grade(gradingKey(), nil)
	if s.Score != 0 || s.Missed != 1 || s.Untriaged != 3 || s.TruePositives != 0 || s.OutOf != 6 {
		t.Fatalf("%+v", s)
	}
	if s.Cases[0].Outcome != OutcomeMissed || s.Cases[1].Outcome != OutcomeUntriaged {
		t.Fatalf("outcomes %v %v", s.Cases[0].Outcome, s.Cases[1].Outcome)
	}
}

func TestGradeMixed(t *testing.T) {
	s := Grade(gradingKey(), map[string]triage.Verdict{
		"attacker@x": triage.VerdictSuspicious, // right side: 1 of 2
		"newhire@x":  triage.VerdictMalicious,  // false positive: 0
		"case@x":     triage.VerdictBenign,     // another spelling: not this case
		"app":        triage.VerdictMalicious,  // a decoy found and called: FP, 0 of 2
	})
	if s.TruePositives != 1 || s.FalsePositives != 2 || s.WrongVerdicts != 3 || s.Untriaged != 1 || s.Points != 1 || s.OutOf != 8 || s.Score != 13 {
		t.Fatalf("%+v", s)
	}
	want := []Outcome{OutcomePartial, OutcomeWrong, OutcomeUntriaged, OutcomeWrong}
	for i, c := range s.Cases {
		if c.Outcome != want[i] {
			t.Fatalf("case %d %s: %v, want %v", i, c.Subject, c.Outcome, want[i])
		}
	}
}

func TestGradeBenignOnAnAttackIsAMiss(t *testing.T) {
	s := Grade(gradingKey(), map[string]triage.Verdict{"attacker@x": triage.VerdictBenign})
	if s.Missed != 1 || s.Cases[0].Outcome != OutcomeWrong {
		t.Fatalf("%+v", s)
	}
}

func TestInviterVerdictsSkipEvents(t *testing.T) {
	got := InviterVerdicts(map[triage.Subject]triage.Triage{
		{Kind: triage.SubjectInviter, Key: "a@x"}: {Verdict: triage.VerdictMalicious},
		{Kind: triage.SubjectEvent, Key: "a@x"}:   {Verdict: triage.VerdictBenign},
	})
	if len(got) != 1 || got["a@x"] != triage.VerdictMalicious {
		t.Fatalf("%v", got)
	}
}
