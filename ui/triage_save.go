package ui

import (
	"context"
	"errors"
	"fmt"
	"strings"

	tea "charm.land/bubbletea/v2"
	"github.com/guesthunt/guesthunt/data/triage"
)

// Saving verdicts and notes: each save changes one field and expects the
// revision the analyst saw, so nothing overwrites a change they have not
// seen; a refused save (a conflict) shows who changed what.

// triageSavedMsg answers one save.
type triageSavedMsg struct {
	edit    triage.Edit
	got     triage.Triage
	durable bool // the store keeps it beyond this process
	err     error
}

func saveTriageCmd(ctx context.Context, st TriageStore, e triage.Edit) tea.Cmd {
	return func() (msg tea.Msg) {
		defer recovered(&msg, func(err error) tea.Msg { return triageSavedMsg{edit: e, err: err} })
		ctx, cancel := context.WithTimeout(ctx, queryTimeout)
		defer cancel()
		var got triage.Triage
		var err error
		if e.Field == triage.FieldNote {
			got, err = st.SetNote(ctx, e.Subject, e.Note, e.ExpectRev, e.Analyst)
		} else {
			got, err = st.SetVerdict(ctx, e.Subject, e.Verdict, e.ExpectRev, e.Analyst)
		}
		return triageSavedMsg{edit: e, got: got, durable: err == nil && st.Durable(), err: err}
	}
}

// triageBlocked says why a verdict cannot be set now, or "".
func (m Model) triageBlocked(s triage.Subject) string {
	if m.deps.Triage == nil {
		return "verdicts unavailable: no case store is open"
	}
	if _, busy := m.tri.pending[s]; busy {
		return "still saving the previous change for " + subjectLabel(s)
	}
	return ""
}

// startSave saves one field in the background. Until the store answers, the
// subject shows "saving…" and keeps its confirmed value.
func (m Model) startSave(e triage.Edit) (Model, tea.Cmd) {
	if why := m.triageBlocked(e.Subject); why != "" {
		m.say(why, true)
		return m, nil
	}
	e.Analyst = m.deps.Analyst
	m.tri.pending = with(m.tri.pending, e.Subject, e)
	if e.Field == triage.FieldNote {
		m.say(fmt.Sprintf("saving the note on %s…", subjectLabel(e.Subject)), false)
	} else {
		m.say(fmt.Sprintf("saving %s for %s…", verdictLong(e.Verdict), subjectLabel(e.Subject)), false)
	}
	m.refreshTriage()
	return m, saveTriageCmd(m.deps.Context, m.deps.Triage, e)
}

func (m Model) onTriageSaved(msg triageSavedMsg) Model {
	m.tri.pending = without(m.tri.pending, msg.edit.Subject)
	m = m.settleSave(msg)
	m.refreshTriage()
	return m
}

// settleSave records what the store answered and says it.
func (m Model) settleSave(msg triageSavedMsg) Model {
	e, s := msg.edit, msg.edit.Subject
	var c *triage.ConflictError
	switch {
	case errors.As(msg.err, &c):
		m.tri.saved = newest(m.tri.saved, map[triage.Subject]triage.Triage{s: c.Current})
		if wanted(c.Current, e) {
			if f, ok := m.tri.failed[s]; ok && f.Field == e.Field {
				m.tri.failed = without(m.tri.failed, s)
			}
			m.say(fmt.Sprintf("%s already has that %s: %s", subjectLabel(s), e.Field, changedBy(c.Current)), false)
			return m
		}
		m.tri.failed = with(m.tri.failed, s, e)
		m.say(fmt.Sprintf("%s NOT saved: %s changed meanwhile, it is now %s (press %s again to decide)",
			e.Field, subjectLabel(s), changedBy(c.Current), retryKey(e.Field)), true)
		return m
	case msg.err != nil:
		m.tri.failed = with(m.tri.failed, s, e)
		cur := m.current(s)
		still := "still " + verdictLong(cur.Verdict)
		if e.Field == triage.FieldNote {
			still = "the note is unchanged"
		}
		m.say(fmt.Sprintf("%s NOT saved for %s: %v (%s)", e.Field, subjectLabel(s), msg.err, still), true)
		return m
	}
	got := msg.got
	if got.Subject != s {
		return m.settleSave(triageSavedMsg{edit: e, err: errors.New("the store answered for another subject")})
	}
	m.tri.saved = newest(m.tri.saved, map[triage.Subject]triage.Triage{s: got})
	if f, ok := m.tri.failed[s]; ok && f.Field == e.Field {
		m.tri.failed = without(m.tri.failed, s) // the other field's failure stands
	}
	what := fmt.Sprintf("%s is %s", subjectLabel(s), verdictLong(got.Verdict))
	if e.Field == triage.FieldNote {
		what = "note on " + subjectLabel(s)
		if got.Note == "" {
			what = "note on " + subjectLabel(s) + " removed"
		}
	}
	kind, note := ActionVerdict, (*string)(nil)
	if e.Field == triage.FieldNote {
		kind, note = ActionNote, &got.Note
	}
	m.logAction(Action{Kind: kind, Subject: &s, Verdict: got.Verdict, Note: note})
	if m.deps.Exercise != nil {
		// An exercise's verdicts live for the exercise: X scores them.
		m.say("recorded for the exercise: "+what, false)
		return m
	}
	if !msg.durable {
		// The header already warns; each verdict says it too, so nobody
		// reads "saved" for something a quit will lose.
		m.tri.session = with(m.tri.session, s, true)
		m.say("kept for this session only, NOT saved to disk: "+what, true)
		return m
	}
	m.tri.session = without(m.tri.session, s)
	m.say("saved: "+what, false)
	return m
}

// retryKey is the key that edits the field again.
func retryKey(f triage.Field) string {
	if f == triage.FieldNote {
		return "n"
	}
	return "t"
}

// wanted says whether the state already holds what the edit asked for.
func wanted(t triage.Triage, e triage.Edit) bool {
	if e.Field == triage.FieldNote {
		return t.Note == e.Note
	}
	return t.Verdict == e.Verdict
}

// changedBy describes a state for a conflict message: verdict, note (the
// start of it), who and when. Drawn through ui/safe like every message.
func changedBy(t triage.Triage) string {
	out := verdictLong(t.Verdict)
	if t.Note != "" {
		note := []rune(t.Note)
		if len(note) > 40 {
			note = append(note[:40], '…')
		}
		out += fmt.Sprintf(" with note %q", string(note))
	} else {
		out += " with no note"
	}
	who := t.Analyst
	if who == "" {
		who = "someone"
	}
	out += ", by " + who
	if !t.At.IsZero() {
		out += " at " + t.At.UTC().Format(rowTime)
	}
	return out
}

// unsavedVerdicts counts the subjects whose latest change would be lost by
// quitting now: saves in flight, saves refused or failed, and saves only a
// session-only (in-memory) store holds. The root warns on quit when it is
// not 0.
func (m Model) unsavedVerdicts() int {
	n := len(m.tri.pending)
	for s := range m.tri.failed {
		if _, ok := m.tri.pending[s]; !ok {
			n++
		}
	}
	for s := range m.tri.session {
		_, p := m.tri.pending[s]
		_, f := m.tri.failed[s]
		if !p && !f {
			n++
		}
	}
	return n
}

// unsavedSummary says what unsavedVerdicts counts, for the quit warning.
func (m Model) unsavedSummary() string {
	var parts []string
	if n := len(m.tri.pending); n > 0 {
		parts = append(parts, plural(n, "save")+" in flight")
	}
	if n := len(m.tri.failed); n > 0 {
		parts = append(parts, plural(n, "change")+" not saved")
	}
	if n := len(m.tri.session); n > 0 {
		parts = append(parts, plural(n, "verdict")+" kept only in this session")
	}
	return strings.Join(parts, ", ")
}

// openNote asks for the note of the same subject t would act on, prefilled
// with the confirmed note; the save expects the revision seen here.
func (m Model) openNote() (tea.Model, tea.Cmd) {
	s, _, ok := m.triageTarget()
	if !ok {
		m.say("nothing selected to write a note on", true)
		return m, nil
	}
	if why := m.triageBlocked(s); why != "" {
		m.say(why, true)
		return m, nil
	}
	cur := m.current(s)
	m.noteFor = s
	m.tri.noteRev, m.tri.noteWas = cur.Seq, cur.Note
	what := "inviter"
	if s.Kind == triage.SubjectEvent {
		what = "event"
	}
	m.ask(promptNote, "note on this "+what+": ", cur.Note)
	return m, nil
}

// saveNote saves the note alone, expecting the revision the prompt opened
// at: if anyone changed the subject meanwhile, the save is refused and the
// conflict shown, rather than their change overwritten.
func (m Model) saveNote(note string) (tea.Model, tea.Cmd) {
	if note == m.tri.noteWas {
		m.say("note unchanged", false)
		return m, nil
	}
	return m.startSave(triage.Edit{Subject: m.noteFor, Field: triage.FieldNote, Note: note, ExpectRev: m.tri.noteRev})
}
