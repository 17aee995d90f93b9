package ui

import (
	"context"
	"fmt"
	"maps"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/guesthunt/guesthunt/data/triage"
	"github.com/guesthunt/guesthunt/hunt"
)

// Triage: analysts' verdicts on inviters and on single invite events. The
// store is reached only from tea.Cmds; the model shows a verdict as saved
// only once the store said so (and durably, or says it is not), and re-reads
// every verdict after each re-run so that other sessions' decisions appear.
// Saving and conflicts are in triage_save.go, the filter in verdictfilter.go.

// TriageStore is what the workbench needs from the verdict store
// (triage.Store, shared by every session of the process, implements it).
// Verdict and note are saved apart, each expecting the subject's revision
// the analyst saw; a stale one fails with *triage.ConflictError.
type TriageStore interface {
	All(ctx context.Context) (map[triage.Subject]triage.Triage, error)
	SetVerdict(ctx context.Context, s triage.Subject, v triage.Verdict, expectRev int64, analyst string) (triage.Triage, error)
	SetNote(ctx context.Context, s triage.Subject, note string, expectRev int64, analyst string) (triage.Triage, error)
	Durable() bool
}

// ExportFunc writes the report for a result and the verdicts, returning the
// path written.
type ExportFunc func(ctx context.Context, dir string, res *hunt.Result, verdicts map[triage.Subject]triage.Triage) (string, error)

// KQLFunc returns the rule's KQL for the parameters, pinned to the resolved
// as-of (hunt.KQLText, which guesthunt kql also prints).
type KQLFunc func(p hunt.Params, asOf time.Time) string

// triagesMsg is the store's verdicts, as read by fetch seq.
type triagesMsg struct {
	seq int
	all map[triage.Subject]triage.Triage
	err error
}

// exportMsg answers one export.
type exportMsg struct {
	path string
	err  error
}

// triageState is the workbench's view of the verdict triage. Maps are
// replaced, never changed in place: models are values and older copies must
// not see later changes.
type triageState struct {
	saved   map[triage.Subject]triage.Triage // as the store last confirmed (highest Seq seen)
	pending map[triage.Subject]triage.Edit   // saves in flight, at most one a subject
	failed  map[triage.Subject]triage.Edit   // the analyst's last change, refused or failed
	session map[triage.Subject]bool          // confirmed, but by a store that does not survive the process
	noteRev int64                            // revision the open note prompt was opened at
	noteWas string                           // the note it was opened with
	fetch   int                              // latest fetch issued
	applied int                              // latest fetch applied
	loaded  bool
	loadErr string
	filter  int // verdict filter on the inviters pane: 0 all, i = triage.AllVerdicts()[i-1]
	export  bool
}

// triageView is what the panes need to draw verdict cells and filter rows.
type triageView struct {
	saved   map[triage.Subject]triage.Triage
	pending map[triage.Subject]triage.Edit
	only    triage.Verdict // "" = every verdict
}

func (v triageView) verdict(s triage.Subject) triage.Verdict {
	if t, ok := v.saved[s]; ok && t.Verdict != "" {
		return t.Verdict
	}
	return triage.VerdictUntriaged
}

// cell is the short verdict label, "saving…" while a save is in flight, and
// ✎ when the subject has a note.
func (v triageView) cell(s triage.Subject) string {
	if _, ok := v.pending[s]; ok {
		return "saving…"
	}
	out := verdictShort(v.verdict(s))
	if v.saved[s].Note != "" {
		out += " ✎"
	}
	return out
}

func verdictShort(v triage.Verdict) string {
	switch v {
	case triage.VerdictBenign:
		return "benign"
	case triage.VerdictSuspicious:
		return "susp"
	case triage.VerdictMalicious:
		return "MAL"
	case triage.VerdictFalsePositive:
		return "FP"
	}
	return "·"
}

// verdictLong is how the picker and messages name a verdict.
func verdictLong(v triage.Verdict) string {
	switch v {
	case triage.VerdictMalicious:
		return "malicious (true positive)"
	case triage.VerdictFalsePositive:
		return "false positive"
	}
	return string(v)
}

func verdictRank(v triage.Verdict) int {
	for i, x := range triage.AllVerdicts() {
		if x == v {
			return i
		}
	}
	return 0
}

func inviterSubject(upn string) triage.Subject {
	return triage.Subject{Kind: triage.SubjectInviter, Key: upn}
}

// eventKey is the key a verdict on one invite event is stored under: the
// event's Id, else CorrelationId|TimeGenerated (UTC, seven fractional
// digits)|OperationName. It is triage.EventSubjectKey's rule applied to an
// alert row (hunt.EventKey passes it the alert's embedded data.Record).
func eventKey(a hunt.Alert) string { return hunt.EventKey(a) }

func eventSubject(a hunt.Alert) triage.Subject {
	return triage.Subject{Kind: triage.SubjectEvent, Key: eventKey(a)}
}

func with[V any](m map[triage.Subject]V, s triage.Subject, v V) map[triage.Subject]V {
	out := make(map[triage.Subject]V, len(m)+1)
	maps.Copy(out, m)
	out[s] = v
	return out
}

func without[V any](m map[triage.Subject]V, s triage.Subject) map[triage.Subject]V {
	out := maps.Clone(m)
	delete(out, s)
	return out
}

func fetchTriagesCmd(ctx context.Context, st TriageStore, seq int) tea.Cmd {
	return func() (msg tea.Msg) {
		defer recovered(&msg, func(err error) tea.Msg { return triagesMsg{seq: seq, err: err} })
		ctx, cancel := context.WithTimeout(ctx, queryTimeout)
		defer cancel()
		all, err := st.All(ctx)
		return triagesMsg{seq: seq, all: all, err: err}
	}
}

func exportCmd(ctx context.Context, f ExportFunc, dir string, res *hunt.Result, tri map[triage.Subject]triage.Triage) tea.Cmd {
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
		v.only = triage.AllVerdicts()[m.tri.filter-1]
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
	m.tri.saved, m.tri.loaded, m.tri.loadErr = newest(m.tri.saved, msg.all), true, ""
	m.refreshTriage()
	return m
}

// newest merges a read into the confirmed states, per subject the one with
// the higher Seq: a read issued before one of our saves was confirmed may
// lack it (subjects are never deleted, so a missing one is such a case).
func newest(have, read map[triage.Subject]triage.Triage) map[triage.Subject]triage.Triage {
	out := make(map[triage.Subject]triage.Triage, max(len(have), len(read)))
	maps.Copy(out, read)
	for s, t := range have {
		if t.Seq > out[s].Seq {
			out[s] = t
		}
	}
	return out
}

func (m Model) onExport(msg exportMsg) (Model, tea.Cmd) {
	m.tri.export = false
	if msg.err != nil {
		m.say("export failed: "+msg.err.Error()+" (e asks for the directory again)", true)
		m.exportDir = ""
		return m, nil
	}
	m.say("report written: "+msg.path, false)
	if m.deps.ExportRemote {
		return m, readReportCmd(msg.path)
	}
	return m, nil
}

func subjectLabel(s triage.Subject) string {
	if s.Kind == triage.SubjectEvent {
		return "event " + s.Key
	}
	return string(s.Kind) + " " + s.Key
}

// triageTarget is what t and n act on: the selected inviter, or the selected
// invite event when the guests pane has focus. label describes it for the
// picker (raw: it is drawn through ui/safe).
func (m Model) triageTarget() (s triage.Subject, label string, ok bool) {
	if m.focus == paneGuests {
		rows := m.guestAlerts()
		if c := m.guests.Cursor(); c < len(rows) {
			a := rows[c]
			return eventSubject(a), "invite of " + a.TargetUserPrincipalName + " at " + a.TimeGenerated.UTC().Format(rowTime), true
		}
		return triage.Subject{}, "", false
	}
	if m.selected == "" {
		return triage.Subject{}, "", false
	}
	return inviterSubject(m.selected), "inviter " + m.selected, true
}

// current is the subject's confirmed state (revision 0 when never triaged).
func (m Model) current(s triage.Subject) triage.Triage {
	if t, ok := m.tri.saved[s]; ok {
		return t
	}
	return triage.Untriaged(s)
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
	case m.exportDir == "" && m.deps.ExportRemote:
		m.exportDir = m.deps.ExportDir
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
		// Over the verdicts, not the inviters: the header is drawn on every
		// key press, and 100,000 flagged inviters made that a millisecond.
		for s, t := range m.tri.saved {
			if _, flagged := m.byUPN[s.Key]; s.Kind == triage.SubjectInviter && flagged && t.Verdict != "" && t.Verdict != triage.VerdictUntriaged {
				info.Triaged++
			}
		}
	}
	return info
}
