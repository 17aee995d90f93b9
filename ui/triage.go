package ui

import (
	"context"
	"fmt"
	"maps"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/guesthunt/guesthunt/data/store"
	"github.com/guesthunt/guesthunt/hunt"
)

// Triage: analysts' verdicts on inviters and on single invite events. The
// store is reached only from tea.Cmds; the model shows a verdict as saved
// only once the store said so, and re-reads every verdict after each re-run
// so that other sessions' decisions on the same case file appear.

// TriageStore is what the workbench needs from the case file
// ((*store.Store) implements it).
type TriageStore interface {
	SetTriage(ctx context.Context, t store.Triage) (store.Triage, error)
	Triages(ctx context.Context) (map[store.Subject]store.Triage, error)
}

// ExportFunc writes the report for a result and the verdicts, returning the
// path written.
type ExportFunc func(ctx context.Context, dir string, res *hunt.Result, triage map[store.Subject]store.Triage) (string, error)

// KQLFunc returns the rule's KQL for the parameters, pinned to the resolved
// as-of (hunt.KQLText, which guesthunt kql also prints).
type KQLFunc func(p hunt.Params, asOf time.Time) string

// triagesMsg is the store's verdicts, as read by fetch seq.
type triagesMsg struct {
	seq int
	all map[store.Subject]store.Triage
	err error
}

// triageSavedMsg answers one SetTriage.
type triageSavedMsg struct {
	want, got store.Triage
	err       error
}

// exportMsg answers one export.
type exportMsg struct {
	path string
	err  error
}

// triageState is the workbench's view of the case file. Maps are replaced,
// never changed in place: models are values and older copies must not see
// later changes.
type triageState struct {
	saved   map[store.Subject]store.Triage // as the store last confirmed
	pending map[store.Subject]store.Triage // saves in flight, at most one a subject
	// savedAt is the latest fetch issued when a save was confirmed: a fetch
	// issued no later than that may not include the save yet.
	savedAt map[store.Subject]int
	fetch   int // latest fetch issued
	applied int // latest fetch applied
	loaded  bool
	loadErr string
	filter  int // verdict filter on the inviters pane: 0 all, i = store.Verdicts[i-1]
	export  bool
}

// triageView is what the panes need to draw verdict cells and filter rows.
type triageView struct {
	saved, pending map[store.Subject]store.Triage
	only           store.Verdict // "" = every verdict
}

func (v triageView) verdict(s store.Subject) store.Verdict {
	if t, ok := v.saved[s]; ok && t.Verdict != "" {
		return t.Verdict
	}
	return store.VerdictUntriaged
}

// cell is the short verdict label, "saving…" while a save is in flight, and
// ✎ when the subject has a note.
func (v triageView) cell(s store.Subject) string {
	if _, ok := v.pending[s]; ok {
		return "saving…"
	}
	out := verdictShort(v.verdict(s))
	if v.saved[s].Note != "" {
		out += " ✎"
	}
	return out
}

func verdictShort(v store.Verdict) string {
	switch v {
	case store.VerdictBenign:
		return "benign"
	case store.VerdictSuspicious:
		return "susp"
	case store.VerdictMalicious:
		return "MAL"
	case store.VerdictFalsePositive:
		return "FP"
	}
	return "·"
}

// verdictLong is how the picker and messages name a verdict.
func verdictLong(v store.Verdict) string {
	switch v {
	case store.VerdictMalicious:
		return "malicious (true positive)"
	case store.VerdictFalsePositive:
		return "false positive"
	}
	return string(v)
}

func verdictRank(v store.Verdict) int {
	for i, x := range store.Verdicts {
		if x == v {
			return i
		}
	}
	return 0
}

func inviterSubject(upn string) store.Subject {
	return store.Subject{Kind: store.SubjectInviter, Key: upn}
}

// eventKey is the key a verdict on one invite event is stored under: the
// event's Id, else CorrelationId|TimeGenerated (UTC, seven fractional
// digits)|OperationName. It is store.EventSubjectKey's rule applied to an
// alert row (hunt.EventKey passes it the alert's embedded data.Record).
func eventKey(a hunt.Alert) string { return hunt.EventKey(a) }

func eventSubject(a hunt.Alert) store.Subject {
	return store.Subject{Kind: store.SubjectEvent, Key: eventKey(a)}
}

func with[V any](m map[store.Subject]V, s store.Subject, v V) map[store.Subject]V {
	out := make(map[store.Subject]V, len(m)+1)
	maps.Copy(out, m)
	out[s] = v
	return out
}

func without[V any](m map[store.Subject]V, s store.Subject) map[store.Subject]V {
	out := maps.Clone(m)
	delete(out, s)
	return out
}

func fetchTriagesCmd(ctx context.Context, st TriageStore, seq int) tea.Cmd {
	return func() (msg tea.Msg) {
		defer recovered(&msg, func(err error) tea.Msg { return triagesMsg{seq: seq, err: err} })
		ctx, cancel := context.WithTimeout(ctx, queryTimeout)
		defer cancel()
		all, err := st.Triages(ctx)
		return triagesMsg{seq: seq, all: all, err: err}
	}
}

func saveTriageCmd(ctx context.Context, st TriageStore, t store.Triage) tea.Cmd {
	return func() (msg tea.Msg) {
		defer recovered(&msg, func(err error) tea.Msg { return triageSavedMsg{want: t, err: err} })
		ctx, cancel := context.WithTimeout(ctx, queryTimeout)
		defer cancel()
		got, err := st.SetTriage(ctx, t)
		return triageSavedMsg{want: t, got: got, err: err}
	}
}

func exportCmd(ctx context.Context, f ExportFunc, dir string, res *hunt.Result, tri map[store.Subject]store.Triage) tea.Cmd {
	return func() (msg tea.Msg) {
		defer recovered(&msg, func(err error) tea.Msg { return exportMsg{err: err} })
		ctx, cancel := context.WithTimeout(ctx, queryTimeout)
		defer cancel()
		path, err := f(ctx, dir, res, tri)
		return exportMsg{path: path, err: err}
	}
}

func (m Model) triageView() triageView {
	v := triageView{saved: m.tri.saved, pending: m.tri.pending}
	if m.tri.filter > 0 {
		v.only = store.Verdicts[m.tri.filter-1]
	}
	return v
}

// fetchTriages asks the store for every verdict (nil without a store).
func (m *Model) fetchTriages() tea.Cmd {
	if m.deps.Triage == nil {
		return nil
	}
	m.tri.fetch++
	return fetchTriagesCmd(m.deps.Context, m.deps.Triage, m.tri.fetch)
}

func (m Model) onTriages(msg triagesMsg) Model {
	if msg.seq <= m.tri.applied {
		return m // an older read answered after a newer one
	}
	m.tri.applied = msg.seq
	if msg.err != nil {
		m.tri.loadErr = msg.err.Error()
		m.say("could not read verdicts: "+msg.err.Error(), true)
		return m
	}
	all := make(map[store.Subject]store.Triage, len(msg.all))
	maps.Copy(all, msg.all)
	// Our own saves confirmed after this read was issued may be missing from it.
	for s, t := range m.tri.saved {
		if m.tri.savedAt[s] >= msg.seq {
			all[s] = t
		}
	}
	m.tri.saved, m.tri.loaded, m.tri.loadErr = all, true, ""
	m.refreshTriage()
	return m
}

func (m Model) onTriageSaved(msg triageSavedMsg) Model {
	s := msg.want.Subject
	m.tri.pending = without(m.tri.pending, s)
	if msg.err != nil {
		m.say(fmt.Sprintf("verdict NOT saved for %s: %v (still %s)", subjectLabel(s), msg.err, verdictLong(m.triageView().verdict(s))), true)
		m.refreshTriage()
		return m
	}
	got := msg.got
	if got.Subject != s {
		got = msg.want // a store that echoes nothing: what was asked for is what it holds
	}
	m.tri.saved = with(m.tri.saved, s, got)
	m.tri.savedAt = with(m.tri.savedAt, s, m.tri.fetch)
	text := fmt.Sprintf("saved: %s is %s", subjectLabel(s), verdictLong(got.Verdict))
	if got.Note != "" {
		text += " (with a note)"
	}
	m.say(text, false)
	m.refreshTriage()
	return m
}

func (m Model) onExport(msg exportMsg) Model {
	m.tri.export = false
	if msg.err != nil {
		m.say("export failed: "+msg.err.Error()+" (e asks for the directory again)", true)
		m.exportDir = ""
		return m
	}
	m.say("report written: "+msg.path, false)
	return m
}

func subjectLabel(s store.Subject) string {
	if s.Kind == store.SubjectEvent {
		return "event " + s.Key
	}
	return string(s.Kind) + " " + s.Key
}

// triageTarget is what t and n act on: the selected inviter, or the selected
// invite event when the guests pane has focus. label describes it for the
// picker (raw: it is drawn through ui/safe).
func (m Model) triageTarget() (s store.Subject, label string, ok bool) {
	if m.focus == paneGuests {
		rows := m.guestAlerts()
		if c := m.guests.Cursor(); c < len(rows) {
			a := rows[c]
			return eventSubject(a), "invite of " + a.TargetUserPrincipalName + " at " + a.TimeGenerated.UTC().Format(rowTime), true
		}
		return store.Subject{}, "", false
	}
	if m.selected == "" {
		return store.Subject{}, "", false
	}
	return inviterSubject(m.selected), "inviter " + m.selected, true
}

// current is the subject's confirmed verdict and note.
func (m Model) current(s store.Subject) store.Triage {
	if t, ok := m.tri.saved[s]; ok {
		return t
	}
	return store.Triage{Subject: s, Verdict: store.VerdictUntriaged}
}

// triageBlocked says why a verdict cannot be set now, or "".
func (m Model) triageBlocked(s store.Subject) string {
	if m.deps.Triage == nil {
		return "verdicts unavailable: no case store is open"
	}
	if _, busy := m.tri.pending[s]; busy {
		return "still saving the previous change for " + subjectLabel(s)
	}
	return ""
}

// startSave records a verdict and note in the background. Until the store
// answers, the subject shows "saving…" and keeps its confirmed value.
func (m Model) startSave(s store.Subject, v store.Verdict, note string) (Model, tea.Cmd) {
	if why := m.triageBlocked(s); why != "" {
		m.say(why, true)
		return m, nil
	}
	t := store.Triage{Subject: s, Verdict: v, Note: note, Analyst: m.deps.Analyst, At: time.Now().UTC()}
	m.tri.pending = with(m.tri.pending, s, t)
	m.say(fmt.Sprintf("saving %s for %s…", verdictLong(v), subjectLabel(s)), false)
	m.refreshTriage()
	return m, saveTriageCmd(m.deps.Context, m.deps.Triage, t)
}

// refreshTriage redraws verdict cells and re-applies the verdict filter,
// keeping both panes' cursors where they were.
func (m *Model) refreshTriage() {
	was, gc := m.selected, m.guests.Cursor()
	m.refilter()
	if m.selected == was {
		m.guests.SetCursor(gc)
	}
}

// cycleVerdictFilter moves the inviters pane's verdict filter on: all,
// then each verdict in picker order.
func (m Model) cycleVerdictFilter() Model {
	m.tri.filter = (m.tri.filter + 1) % (len(store.Verdicts) + 1)
	m.refreshTriage()
	if m.tri.filter == 0 {
		m.say("verdict filter off: every flagged inviter", false)
	} else {
		m.say(fmt.Sprintf("verdict filter: %s (%s)", verdictLong(m.triageView().only), plural(m.rows.Len(), "inviter")), false)
	}
	return m
}

// startExport writes the report in the background.
func (m Model) startExport() (Model, tea.Cmd) {
	switch {
	case m.deps.Export == nil:
		m.say("export unavailable in this session", true)
		return m, nil
	case m.res == nil:
		m.say("nothing to export yet: the rule has not answered", true)
		return m, nil
	case m.tri.export:
		m.say("an export is already running", true)
		return m, nil
	case m.exportDir == "":
		// Asked once a session; a failed export asks again.
		m.ask(promptExportDir, "export reports into directory: ", m.deps.ExportDir)
		return m, nil
	}
	m.tri.export = true
	text := "exporting the report…"
	if n := len(m.tri.pending); n > 0 {
		text = fmt.Sprintf("exporting the report (%s still saving are not in it)…", plural(n, "verdict"))
	}
	m.say(text, false)
	return m, exportCmd(m.deps.Context, m.deps.Export, m.exportDir, m.res, maps.Clone(m.tri.saved))
}

// triageInfo is the header's triage line.
func (m Model) triageInfo() TriageInfo {
	info := TriageInfo{
		Available: m.deps.Triage != nil, Loaded: m.tri.loaded, Err: m.tri.loadErr,
		Location: m.deps.TriageLocation, Durable: m.deps.TriageDurable, Saving: len(m.tri.pending),
	}
	if m.res != nil {
		info.Flagged = len(m.res.Inviters)
		tv := m.triageView()
		for _, s := range m.res.Inviters {
			if tv.verdict(inviterSubject(s.UPN)) != store.VerdictUntriaged {
				info.Triaged++
			}
		}
	}
	return info
}

// openNote asks for the note of the same subject t would act on,
// prefilled with the confirmed note.
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
	what := "inviter"
	if s.Kind == store.SubjectEvent {
		what = "event"
	}
	m.ask(promptNote, "note on this "+what+": ", cur.Note)
	return m, nil
}

// saveNote records the note with the subject's confirmed verdict (as now
// known: another analyst may have changed it while the prompt was open).
func (m Model) saveNote(note string) (tea.Model, tea.Cmd) {
	cur := m.current(m.noteFor)
	if note == cur.Note {
		m.say("note unchanged", false)
		return m, nil
	}
	return m.startSave(m.noteFor, cur.Verdict, note)
}

// unsaved counts verdicts and notes the store has not confirmed: saves in
// flight. Quitting now would lose them.
func (m Model) unsaved() int { return len(m.tri.pending) }
