package ui

import (
	"fmt"
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/guesthunt/guesthunt/data/scenario"
	"github.com/guesthunt/guesthunt/data/triage"
)

// Exercise mode: the workbench on a generated tenant whose answer key it
// never holds. It only has Grade, a function it calls once the trainee
// submits (X); until then nothing on any page can show the key. The header
// carries an EXERCISE label and a clock; every action goes to Log, a session
// log a trainer can read and replay (ReplayVerdicts).
type Exercise struct {
	Name    string    // the scenario, for the label
	Started time.Time // when the clock started
	// Grade scores the verdicts (the in-memory exercise store's) against
	// the key.
	Grade func(verdicts map[triage.Subject]triage.Triage) scenario.Score
	// Log receives every action; nil keeps none. Called on the event loop:
	// it must not block (a buffered file, a channel).
	Log func(Action)
	// Now is the clock (nil: time.Now); tests fix it.
	Now func() time.Time
}

func (x *Exercise) now() time.Time {
	if x.Now != nil {
		return x.Now()
	}
	return time.Now()
}

// exerciseState is the exercise's progress in the model.
type exerciseState struct {
	score     *scenario.Score // set once submitted
	took      time.Duration
	submitArm bool // X pressed once with cases untriaged
}

// clockMsg ticks the exercise clock: a redraw a second while it runs.
type clockMsg time.Time

func clockTick() tea.Cmd {
	return tea.Tick(time.Second, func(t time.Time) tea.Msg { return clockMsg(t) })
}

func (m Model) onClock(t clockMsg) (tea.Model, tea.Cmd) {
	if m.ex.score != nil {
		return m, nil // the clock stopped at submission
	}
	return m, clockTick()
}

// exerciseLabel is the header's label: the scenario and the time taken.
func (m Model) exerciseLabel() string {
	x := m.deps.Exercise
	if x == nil {
		return ""
	}
	took := m.ex.took
	if m.ex.score == nil {
		took = x.now().Sub(x.Started)
	}
	label := fmt.Sprintf(" EXERCISE %s %s ", x.Name, clock(took))
	if m.ex.score != nil {
		label = fmt.Sprintf(" EXERCISE %s done in %s: %d/100 ", x.Name, clock(took), m.ex.score.Score)
	}
	return label
}

func clock(d time.Duration) string {
	d = d.Truncate(time.Second)
	return fmt.Sprintf("%02d:%02d:%02d", int(d.Hours()), int(d.Minutes())%60, int(d.Seconds())%60)
}

// submit grades the verdicts and shows the score page. With flagged
// inviters still untriaged, the first X says so and a second submits.
func (m Model) submit() (tea.Model, tea.Cmd) {
	x := m.deps.Exercise
	if x == nil {
		return m, nil
	}
	if m.ex.score == nil {
		if n := m.untriagedFlagged(); n > 0 && !m.ex.submitArm {
			m.ex.submitArm = true
			m.say(fmt.Sprintf("%s still untriaged; X again submits anyway", plural(n, "flagged inviter")), true)
			return m, nil
		}
		if len(m.tri.pending) > 0 {
			m.say("a verdict is still saving: submit again in a moment", true)
			return m, nil
		}
		s := x.Grade(m.tri.saved)
		m.ex.score, m.ex.took = &s, x.now().Sub(x.Started)
		m.logAction(Action{Kind: ActionSubmit, Score: s.Score})
	}
	return m.openPage(scorePage(*m.ex.score, m.ex.took)), nil
}

// untriagedFlagged counts flagged inviters without a verdict.
func (m Model) untriagedFlagged() int {
	if m.res == nil {
		return 0
	}
	return len(m.res.Inviters) - m.triageInfo().Triaged
}

// scorePage shows the graded exercise: the totals, then each case with
// what was expected, what was given and the lesson.
func scorePage(s scenario.Score, took time.Duration) pagerPage {
	return pagerPage{kind: pageScore, render: func(st Styles, width int) []string {
		lines := []string{
			st.Title.Render(fmt.Sprintf("Exercise %s: %d/100", s.Scenario, s.Score)) + st.Dim.Render(fmt.Sprintf("  %d of %d points in %s", s.Points, s.OutOf, clock(took))),
			st.Value.Render(fmt.Sprintf("true positives %d · false positives %d · missed %d · wrong verdicts %d · untriaged %d",
				s.TruePositives, s.FalsePositives, s.Missed, s.WrongVerdicts, s.Untriaged)),
			"",
		}
		for _, c := range s.Cases {
			if c.Outcome == scenario.OutcomeNotInResult {
				continue
			}
			style := st.Value
			switch c.Outcome {
			case scenario.OutcomeWrong, scenario.OutcomeMissed:
				style = st.Error
			case scenario.OutcomePartial, scenario.OutcomeUntriaged:
				style = st.Warning
			}
			lines = append(lines,
				style.Render(fmt.Sprintf("%-9s %d/%d  ", c.Outcome, c.Points, c.OutOf))+styled(c.Subject, st.Value, st.Marker),
				st.Dim.Render(fmt.Sprintf("          expected %s, given %s", verdictLong(c.Expected), verdictLong(c.Given))))
			lines = append(lines, indented(styled(c.Explanation, st.Label, st.Marker), 10, width)...)
			lines = append(lines, "")
		}
		var decoys []scenario.CaseResult
		for _, c := range s.Cases {
			if c.Outcome == scenario.OutcomeNotInResult {
				decoys = append(decoys, c)
			}
		}
		if len(decoys) > 0 {
			lines = append(lines, st.HelpSection.Render("Decoys the rule does not flag"))
			for _, c := range decoys {
				lines = append(lines, "  "+styled(c.Subject, st.Value, st.Marker)+st.Dim.Render(": ")+styled(c.Explanation, st.Label, st.Marker))
			}
		}
		return wrapWords(lines, width)
	}}
}

// ExerciseScore is the submitted exercise's score, nil before X (for the
// command that ran it, once the program ends).
func (m Model) ExerciseScore() *scenario.Score { return m.ex.score }

// indented wraps s at word boundaries within width, every line indented.
func indented(s string, indent, width int) []string {
	pad := strings.Repeat(" ", indent)
	out := strings.Split(ansi.Wrap(s, max(width-indent, 10), " "), "\n")
	for i, l := range out {
		out[i] = pad + l
	}
	return out
}
