package ui

import (
	"time"

	"github.com/guesthunt/guesthunt/data/triage"
)

// The exercise's session log: every key the trainee pressed and every
// verdict or note the store confirmed, in order, so a trainer can see how
// the case was worked and ReplayVerdicts can rebuild the answer.

// ActionKind says what an Action records.
type ActionKind string

const (
	ActionKey     ActionKind = "key"     // a key press, on the page it was pressed on
	ActionVerdict ActionKind = "verdict" // a verdict the store confirmed
	ActionNote    ActionKind = "note"    // a note the store confirmed
	ActionSubmit  ActionKind = "submit"  // the exercise submitted, with its score
)

// Action is one line of the session log.
type Action struct {
	At      time.Time       `json:"at"`
	Kind    ActionKind      `json:"kind"`
	Key     string          `json:"key,omitempty"`
	Page    string          `json:"page,omitempty"`
	Subject *triage.Subject `json:"subject,omitempty"`
	Verdict triage.Verdict  `json:"verdict,omitempty"`
	Note    *string         `json:"note,omitempty"`
	Score   int             `json:"score,omitempty"`
}

// logAction hands a to the exercise's log, stamped now.
func (m Model) logAction(a Action) {
	if m.deps.Exercise == nil || m.deps.Exercise.Log == nil {
		return
	}
	if a.At.IsZero() {
		a.At = time.Now().UTC()
	}
	m.deps.Exercise.Log(a)
}

// ReplayVerdicts applies a session log's confirmed verdicts and notes in
// order: the state the exercise store held when the log ended.
func ReplayVerdicts(log []Action) map[triage.Subject]triage.Triage {
	out := map[triage.Subject]triage.Triage{}
	for _, a := range log {
		if a.Subject == nil {
			continue
		}
		t := out[*a.Subject]
		t.Subject = *a.Subject
		switch a.Kind {
		case ActionVerdict:
			t.Verdict = a.Verdict
		case ActionNote:
			if a.Note != nil {
				t.Note = *a.Note
			}
		default:
			continue
		}
		out[*a.Subject] = t
	}
	return out
}
