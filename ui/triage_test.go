package ui

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/exp/teatest/v2"
	"github.com/guesthunt/guesthunt/data"
	"github.com/guesthunt/guesthunt/data/demo"
	"github.com/guesthunt/guesthunt/data/store"
	"github.com/guesthunt/guesthunt/data/triage"
	"github.com/guesthunt/guesthunt/hunt"
)

// fakeStore is the real triage.Store over memory, recording every save and
// able to fail them or to claim not to be durable.
type fakeStore struct {
	*triage.Shared
	mu      sync.Mutex
	calls   []triage.Edit
	err     error // returned by saves when set
	durable bool
}

// newFakeStore holds the presets, each saved as a verdict then a note by
// its analyst (revisions 1, 2, ... in order).
func newFakeStore(preset ...triage.Triage) *fakeStore {
	f := &fakeStore{Shared: triage.New(triage.NewMemory()), durable: true}
	for _, t := range preset {
		f.other(t.Subject, t.Verdict, t.Note, t.Analyst)
	}
	return f
}

// other saves as another session would: at the current revision, no call
// recorded.
func (f *fakeStore) other(s triage.Subject, v triage.Verdict, note, analyst string) triage.Triage {
	ctx := context.Background()
	all, _ := f.Shared.All(ctx)
	cur, err := f.Shared.SetVerdict(ctx, s, v, all[s].Seq, analyst)
	if err != nil {
		panic(err)
	}
	if note != "" {
		if cur, err = f.Shared.SetNote(ctx, s, note, cur.Seq, analyst); err != nil {
			panic(err)
		}
	}
	return cur
}

func (f *fakeStore) record(e triage.Edit) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, e)
	return f.err
}

func (f *fakeStore) SetVerdict(ctx context.Context, s triage.Subject, v triage.Verdict, rev int64, analyst string) (triage.Triage, error) {
	if err := f.record(triage.Edit{Subject: s, Field: triage.FieldVerdict, Verdict: v, ExpectRev: rev, Analyst: analyst}); err != nil {
		return triage.Triage{}, err
	}
	return f.Shared.SetVerdict(ctx, s, v, rev, analyst)
}

func (f *fakeStore) SetNote(ctx context.Context, s triage.Subject, note string, rev int64, analyst string) (triage.Triage, error) {
	if err := f.record(triage.Edit{Subject: s, Field: triage.FieldNote, Note: note, ExpectRev: rev, Analyst: analyst}); err != nil {
		return triage.Triage{}, err
	}
	return f.Shared.SetNote(ctx, s, note, rev, analyst)
}

func (f *fakeStore) Durable() bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.durable
}

func (f *fakeStore) lastCall(t *testing.T) triage.Edit {
	t.Helper()
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.calls) == 0 {
		t.Fatal("no save was called")
	}
	return f.calls[len(f.calls)-1]
}

func (f *fakeStore) callCount() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.calls)
}

func (f *fakeStore) state(s triage.Subject) triage.Triage {
	all, _ := f.Shared.All(context.Background())
	return all[s]
}

// startedWith is started with deps, the first result and, with a store, the
// verdicts read after it.
func startedWith(t *testing.T, deps Deps, upns ...string) Model {
	t.Helper()
	deps.Params = hunt.DefaultParams()
	m := New(deps)
	m, cmd := send(t, m, tea.WindowSizeMsg{Width: 120, Height: 36},
		runMsg{seq: 1, params: hunt.DefaultParams(), res: fakeResult(hunt.DefaultParams(), upns...)})
	if deps.Triage != nil {
		if cmd == nil {
			t.Fatal("no verdict read after the first result")
		}
		m, _ = send(t, m, cmd())
	}
	return m
}

func triageDeps(st TriageStore) Deps {
	return Deps{Triage: st, Analyst: "ana", TriageLocation: "/cases/acme.guesthunt", TriageDurable: true}
}

func inv(upn string) store.Subject { return store.Subject{Kind: store.SubjectInviter, Key: upn} }

func TestVerdictPickerSavesInviterVerdict(t *testing.T) {
	st := newFakeStore()
	m := startedWith(t, triageDeps(st), "a@x.com", "b@x.com")
	if v := screen(m); !strings.Contains(v, "verdicts 0/2 triaged") || !strings.Contains(v, "stored in /cases/acme.guesthunt") {
		t.Fatalf("header:\n%s", v)
	}
	m, _ = send(t, m, press("t"))
	if !m.picker.open {
		t.Fatal("t did not open the picker")
	}
	v := screen(m)
	for _, w := range []string{"Verdict for inviter a@x.com", "4 m  malicious (true positive)", "untriaged", "(current)"} {
		if !strings.Contains(v, w) {
			t.Fatalf("picker misses %q:\n%s", w, v)
		}
	}
	// The picker takes its keys: q does not quit, j does not move the table.
	m, cmd := send(t, m, press("m"))
	if cmd == nil || m.picker.open {
		t.Fatal("m picked nothing")
	}
	if st.callCount() != 0 {
		t.Fatal("SetTriage ran inside Update")
	}
	if v := screen(m); !strings.Contains(v, "saving…") || !strings.Contains(v, "0/2 triaged") {
		t.Fatalf("not shown as saving (or shown as saved too early):\n%s", v)
	}
	msg := cmd()
	got := st.lastCall(t)
	if got.Subject != inv("a@x.com") || got.Field != triage.FieldVerdict || got.Verdict != store.VerdictMalicious || got.Analyst != "ana" || got.ExpectRev != 0 {
		t.Fatalf("save got %+v", got)
	}
	m, _ = send(t, m, msg)
	v = screen(m)
	if m.msgErr || !strings.Contains(m.message, "saved: inviter a@x.com is malicious") {
		t.Fatalf("message %q", m.message)
	}
	if !strings.Contains(v, "a@x.com") || !strings.Contains(v, " MAL ") || !strings.Contains(v, "1/2 triaged") || strings.Contains(v, "saving…") {
		t.Fatalf("saved verdict not shown:\n%s", v)
	}

	// j/k + enter on b: from untriaged, down twice is suspicious.
	m, _ = send(t, m, press("j"), press("t"), press("j"), press("j"), press("k"), press("j"))
	m, cmd = send(t, m, press("enter"))
	m, _ = send(t, m, cmd())
	if c := st.lastCall(t); c.Subject != inv("b@x.com") || c.Verdict != store.VerdictSuspicious {
		t.Fatalf("j/k/enter saved %+v", c)
	}
	if !strings.Contains(screen(m), "2/2 triaged") {
		t.Fatalf("progress:\n%s", screen(m))
	}
	// esc cancels; number keys pick.
	m, cmd = send(t, m, press("t"), press("esc"))
	if m.picker.open || cmd != nil {
		t.Fatal("esc did not cancel the picker")
	}
	m, cmd = send(t, m, press("t"), press("5"))
	m, _ = send(t, m, cmd())
	if c := st.lastCall(t); c.Verdict != store.VerdictFalsePositive {
		t.Fatalf("5 saved %+v", c)
	}
}

func TestVerdictSaveErrorKeepsOldValue(t *testing.T) {
	st := newFakeStore(store.Triage{Subject: inv("a@x.com"), Verdict: store.VerdictBenign})
	m := startedWith(t, triageDeps(st), "a@x.com")
	if !strings.Contains(screen(m), "benign") {
		t.Fatalf("stored verdict not shown:\n%s", screen(m))
	}
	st.err = errors.New("database is locked")
	m, cmd := send(t, m, press("t"), press("m"))
	m, _ = send(t, m, cmd())
	if !m.msgErr || !strings.Contains(m.message, "NOT saved") || !strings.Contains(m.message, "database is locked") || !strings.Contains(m.message, "still benign") {
		t.Fatalf("error not reported: %q", m.message)
	}
	if v := screen(m); !strings.Contains(v, "benign") || strings.Contains(v, "MAL") || strings.Contains(v, "saving…") {
		t.Fatalf("old verdict not kept:\n%s", v)
	}
	if len(m.tri.pending) != 0 {
		t.Fatal("failed save left pending")
	}
}

func TestSecondChangeWaitsForFirstSave(t *testing.T) {
	st := newFakeStore()
	m := startedWith(t, triageDeps(st), "a@x.com")
	m, cmd := send(t, m, press("t"), press("m"))
	m, again := send(t, m, press("t"))
	if again != nil || m.picker.open || !m.msgErr || !strings.Contains(m.message, "still saving") {
		t.Fatalf("second change while saving: picker %v message %q", m.picker.open, m.message)
	}
	m, _ = send(t, m, cmd())
	if m, _ = send(t, m, press("t")); !m.picker.open {
		t.Fatal("picker refused after the save finished")
	}
}

func TestNoteEditsSameSubject(t *testing.T) {
	st := newFakeStore(store.Triage{Subject: inv("a@x.com"), Verdict: store.VerdictSuspicious})
	m := startedWith(t, triageDeps(st), "a@x.com")
	m, _ = send(t, m, press("n"))
	if m.asking != promptNote || m.prompt.Value() != "" {
		t.Fatalf("n: asking %d value %q", m.asking, m.prompt.Value())
	}
	m = typeKeys(t, m, "phish kit q") // q is text here, not quit
	m, cmd := send(t, m, press("enter"))
	m, _ = send(t, m, cmd())
	c := st.lastCall(t)
	if c.Subject != inv("a@x.com") || c.Field != triage.FieldNote || c.Note != "phish kit q" || c.ExpectRev != 1 {
		t.Fatalf("note saved as %+v", c)
	}
	if got := st.state(inv("a@x.com")); got.Verdict != store.VerdictSuspicious || got.Note != "phish kit q" {
		t.Fatalf("stored %+v", got)
	}
	v := screen(m)
	if !strings.Contains(v, "susp ✎") || !strings.Contains(v, "✎ phish kit q") {
		t.Fatalf("note marker missing:\n%s", v)
	}
	// Prefilled with the current note; a verdict change keeps it.
	m, _ = send(t, m, press("n"))
	if m.prompt.Value() != "phish kit q" {
		t.Fatalf("note prompt prefilled with %q", m.prompt.Value())
	}
	m, cmd = send(t, m, press("esc"), press("t"), press("b"))
	send(t, m, cmd())
	if c := st.lastCall(t); c.Field != triage.FieldVerdict || c.Verdict != store.VerdictBenign || c.ExpectRev != 2 {
		t.Fatalf("verdict saved as %+v", c)
	}
	if got := st.state(inv("a@x.com")); got.Note != "phish kit q" || got.Verdict != store.VerdictBenign {
		t.Fatalf("verdict change lost the note: %+v", got)
	}
}

func TestHostileNoteIsInert(t *testing.T) {
	evil := "see \x1b]0;pwned\x07 \u202Egood\r"
	st := newFakeStore(store.Triage{Subject: inv("a@x.com"), Verdict: store.VerdictMalicious, Note: evil})
	m := startedWith(t, triageDeps(st), "a@x.com")
	m, _ = send(t, m, press("n"))
	out := m.View().Content
	for _, bad := range []string{"\x07", "\r", "\u202E", "]0;pwned\x07"} {
		if strings.Contains(out, bad) {
			t.Fatalf("%q from a note reached the screen", bad)
		}
	}
	if !strings.Contains(screen(m), "‹RLO›") {
		t.Fatalf("note not drawn with markers:\n%s", screen(m))
	}
}

func TestEventVerdictFromGuestsPane(t *testing.T) {
	st := newFakeStore()
	m := startedWith(t, triageDeps(st), "a@x.com")
	m, _ = send(t, m, press("tab"), press("t"))
	if !strings.Contains(screen(m), "Verdict for invite of ga@x.com") {
		t.Fatalf("picker title:\n%s", screen(m))
	}
	m, cmd := send(t, m, press("s"))
	m, _ = send(t, m, cmd())
	a := m.guestAlerts()[0]
	want := store.Subject{Kind: store.SubjectEvent, Key: "|" + a.TimeGenerated.UTC().Format(data.TimeLayout) + "|Invite external user"}
	if c := st.lastCall(t); c.Subject != want || c.Verdict != store.VerdictSuspicious {
		t.Fatalf("event verdict saved as %+v, want subject %+v", c, want)
	}
	if !strings.Contains(screen(m), "susp    ") {
		t.Fatalf("event verdict cell missing:\n%s", screen(m))
	}
	// The inviter stays untriaged: progress counts inviters only.
	if !strings.Contains(screen(m), "0/1 triaged") {
		t.Fatalf("progress:\n%s", screen(m))
	}
}

func TestEventKey(t *testing.T) {
	at := time.Date(2026, 10, 30, 9, 15, 2, 123456789, time.UTC)
	a := hunt.Alert{Record: data.Record{TimeGenerated: at, CorrelationId: "c1", OperationName: "Invite external user"}}
	if got := eventKey(a); got != "c1|2026-10-30T09:15:02.1234567Z|Invite external user" {
		t.Fatalf("content key %q", got)
	}
	a.Id = "Directory_c1_X"
	if got := eventKey(a); got != "Directory_c1_X" {
		t.Fatalf("id key %q", got)
	}
}

// v opens a picker (the first round cycled through five states).
func TestVerdictFilterByKeys(t *testing.T) {
	st := newFakeStore(
		store.Triage{Subject: inv("a@x.com"), Verdict: store.VerdictMalicious},
		store.Triage{Subject: inv("c@x.com"), Verdict: store.VerdictUntriaged, Note: "look later"},
	)
	m := startedWith(t, triageDeps(st), "a@x.com", "b@x.com", "c@x.com")
	if !strings.Contains(screen(m), "1/3 triaged") {
		t.Fatalf("progress:\n%s", screen(m))
	}
	m, _ = send(t, m, press("v"))
	if !m.picker.open {
		t.Fatal("v did not open the picker")
	}
	m, _ = send(t, m, press("u"))
	if got := shownUPNs(m); strings.Join(got, ",") != "b@x.com,c@x.com" || m.picker.open {
		t.Fatalf("untriaged filter shows %v", got)
	}
	if !strings.Contains(screen(m), "verdict untriaged") {
		t.Fatalf("filter not stated:\n%s", screen(m))
	}
	m, _ = send(t, m, press("v"), press("b"))
	if m.rows.Len() != 0 || !strings.Contains(screen(m), "no flagged inviter matches the filter") {
		t.Fatalf("benign filter:\n%s", screen(m))
	}
	m, _ = send(t, m, press("v"), press("m"))
	if got := shownUPNs(m); strings.Join(got, ",") != "a@x.com" || m.selected != "a@x.com" {
		t.Fatalf("malicious filter shows %v", got)
	}
	m, _ = send(t, m, press("v"), press("a"))
	if m.rows.Len() != 3 {
		t.Fatalf("all verdicts: %d rows, %q", m.rows.Len(), m.message)
	}
}

func TestRerunRereadsVerdictsWithoutLosingOwnSave(t *testing.T) {
	st := newFakeStore()
	m := startedWith(t, triageDeps(st), "a@x.com", "b@x.com")
	m, save := send(t, m, press("t"), press("m")) // a: malicious, in flight
	// Another analyst marks b in the same case file.
	st.other(inv("b@x.com"), store.VerdictBenign, "", "bo")
	m, _ = send(t, m, press("+"))
	m, fetch := send(t, m, runMsg{seq: m.req.run, params: m.params, res: fakeResult(m.params, "a@x.com", "b@x.com")})
	if fetch == nil {
		t.Fatal("a re-run result did not re-read verdicts")
	}
	read := fetch() // read before our save lands
	m, _ = send(t, m, save())
	m, _ = send(t, m, read)
	v := screen(m)
	if !strings.Contains(v, " MAL ") || !strings.Contains(v, "benign") || !strings.Contains(v, "2/2 triaged") {
		t.Fatalf("after re-read:\n%s", v)
	}
	// A stale read (an older seq) is ignored.
	m, _ = send(t, m, triagesMsg{seq: 1, all: map[store.Subject]store.Triage{}})
	if !strings.Contains(screen(m), "2/2 triaged") {
		t.Fatal("a stale read replaced newer verdicts")
	}
}

func TestTriageUnavailableSaysSo(t *testing.T) {
	m := started(t, "a@x.com")
	if !strings.Contains(screen(m), "verdicts unavailable") {
		t.Fatalf("header:\n%s", screen(m))
	}
	m, cmd := send(t, m, press("t"))
	if cmd != nil || m.picker.open || !m.msgErr || !strings.Contains(m.message, "unavailable") {
		t.Fatalf("t without a store: %q", m.message)
	}
	m, _ = send(t, m, press("K"))
	if !m.msgErr || !strings.Contains(m.message, "KQL unavailable") {
		t.Fatalf("K without KQL: %q", m.message)
	}
	m, _ = send(t, m, press("e"))
	if !m.msgErr || !strings.Contains(m.message, "export unavailable") {
		t.Fatalf("e without export: %q", m.message)
	}
}

func TestNotDurableIsAWarning(t *testing.T) {
	d := triageDeps(newFakeStore())
	d.TriageLocation, d.TriageDurable = "not saved: in memory", false
	m := startedWith(t, d, "a@x.com")
	if !strings.Contains(screen(m), "stored in ⚠ not saved: in memory") {
		t.Fatalf("header:\n%s", screen(m))
	}
}

func TestKQLViewShowsAndCopies(t *testing.T) {
	d := Deps{KQL: func(p hunt.Params, _ time.Time) string {
		return fmt.Sprintf("AuditLogs\n| where TimeGenerated between(ago(%s)..ago(%s))", hunt.FormatTimespan(p.Baseline), hunt.FormatTimespan(p.Window))
	}}
	m := startedWith(t, d, "a@x.com")
	m, cmd := send(t, m, press("+"))
	m, _ = send(t, m, runMsg{seq: m.req.run, params: m.params, res: fakeResult(m.params, "a@x.com")})
	m, cmd = send(t, m, press("K"))
	if !m.onPage(pageKQL) || cmd == nil {
		t.Fatal("K did not open the KQL view")
	}
	want := "AuditLogs\n| where TimeGenerated between(ago(15d)..ago(1d))"
	if got := fmt.Sprint(cmd()); got != want {
		t.Fatalf("clipboard got %q", got)
	}
	v := screen(m)
	for _, w := range []string{"Rule KQL", "baseline 15d", "| where TimeGenerated between(ago(15d)..ago(1d))"} {
		if !strings.Contains(v, w) {
			t.Fatalf("KQL view misses %q:\n%s", w, v)
		}
	}
	m, cmd = send(t, m, press("y"))
	if cmd == nil || fmt.Sprint(cmd()) != want {
		t.Fatal("y in the KQL view did not copy the KQL")
	}
	m, _ = send(t, m, press("esc"))
	if !m.onPage(pageMain) {
		t.Fatal("esc did not leave the KQL view")
	}
}

func TestExportCallsExport(t *testing.T) {
	st := newFakeStore(store.Triage{Subject: inv("a@x.com"), Verdict: store.VerdictMalicious})
	var gotRes *hunt.Result
	var gotTri map[store.Subject]store.Triage
	var gotDir string
	d := triageDeps(st)
	d.ExportDir = "/cases"
	fail := false
	d.Export = func(_ context.Context, dir string, res *hunt.Result, tri map[store.Subject]store.Triage) (string, error) {
		if fail {
			return "", errors.New("permission denied")
		}
		gotRes, gotTri, gotDir = res, tri, dir
		return "/cases/report-1.md", nil
	}
	m := startedWith(t, d, "a@x.com")
	// The first e asks for the directory, prefilled.
	m, _ = send(t, m, press("e"))
	if m.asking != promptExportDir || m.prompt.Value() != "/cases" {
		t.Fatalf("e did not ask for the directory: %v %q", m.asking, m.prompt.Value())
	}
	m, cmd := send(t, m, press("enter"))
	if cmd == nil || !strings.Contains(m.message, "exporting") {
		t.Fatalf("e: %q", m.message)
	}
	if _, again := send(t, m, press("e")); again != nil {
		t.Fatal("a second export started while one runs")
	}
	m, _ = send(t, m, cmd())
	if gotRes != m.res || gotTri[inv("a@x.com")].Verdict != store.VerdictMalicious || gotDir != "/cases" {
		t.Fatalf("export got %v %v", gotRes, gotTri)
	}
	if m.msgErr || !strings.Contains(screen(m), "report written: /cases/report-1.md") {
		t.Fatalf("path not shown: %q", m.message)
	}
	fail = true
	m, cmd = send(t, m, press("e"))
	m, _ = send(t, m, cmd())
	if !m.msgErr || !strings.Contains(m.message, "export failed: permission denied") {
		t.Fatalf("export error: %q", m.message)
	}
	// After a failure e asks for the directory again.
	if m, _ = send(t, m, press("e")); m.asking != promptExportDir {
		t.Fatal("e after a failed export did not ask for the directory")
	}
}

func TestTriageFlowOnDemo(t *testing.T) {
	st, eng := demoStore(t)
	tri := newFakeStore()
	tri.durable = false // verdicts in memory: none may be called saved
	exported := make(chan int, 1)
	d := Deps{Engine: eng, Store: st, Data: DataSetInfo{Files: []string{"demo tenant"}, Events: 1, Demo: true},
		Params: hunt.DefaultParams(), IsDark: true, Triage: tri, Analyst: "ana",
		TriageLocation: "not saved: in memory", KQL: hunt.KQLText, ExportDir: "/tmp",
		Export: func(_ context.Context, _ string, res *hunt.Result, tr map[store.Subject]store.Triage) (string, error) {
			exported <- len(tr)
			return "/tmp/guesthunt-report.md", nil
		}}
	ch := make(chan Model, 1)
	tm := teatest.NewTestModel(t, probe{Model: New(d), latest: ch}, teatest.WithInitialTermSize(120, 36))
	f := &flow{t: t, tm: tm, ch: ch}
	f.until("result and verdicts", func(m Model) bool { return m.res != nil && m.tri.loaded })
	jonas := "jonas.berg@" + demo.Domain
	f.keys("/")
	f.tm.Type("jonas")
	f.keys("enter", "t", "m")
	m := f.until("kept", func(m Model) bool { return strings.HasPrefix(m.message, "kept for this session only, NOT saved") })
	if c := tri.lastCall(t); c.Subject != inv(jonas) || c.Verdict != store.VerdictMalicious || c.Analyst != "ana" {
		t.Fatalf("saved %+v", c)
	}
	if v := screen(m); !strings.Contains(v, "1/5 triaged") || !strings.Contains(v, "⚠ not saved: in memory") {
		t.Fatalf("header:\n%s", v)
	}
	// Another analyst's verdict shows after the next re-run.
	tri.other(inv("rosa.delgado@"+demo.Domain), store.VerdictBenign, "", "bo")
	f.keys("esc", "+")
	m = f.until("re-run and re-read", func(m Model) bool {
		return m.res.Params.Baseline == 15*day && !m.runBusy && m.triageInfo().Triaged == 2
	})
	f.keys("K")
	m = f.until("KQL", func(m Model) bool { return m.onPage(pageKQL) })
	if v := screen(m); !strings.Contains(v, "between((as_of - 15d)..(as_of - 1d))") {
		t.Fatalf("KQL view:\n%s", v)
	}
	f.keys("esc", "e", "enter")
	if n := <-exported; n != 2 {
		t.Fatalf("export got %d verdicts", n)
	}
	f.until("exported", func(m Model) bool { return strings.Contains(m.message, "report written: /tmp/guesthunt-report.md") })
	// The verdict is kept only in this session: q warns, a second q quits.
	f.keys("q")
	f.until("quit warning", func(m Model) bool { return strings.Contains(m.message, "q again quits") })
	f.keys("q")
	f.tm.WaitFinished(t, teatest.WithFinalTimeout(10*time.Second))
}

// TestNoteLostUpdateIsShownNotDone is the lost-update regression in the
// workbench: the note prompt opens at revision N, another analyst saves a
// newer note (N+1); saving the prompt must not overwrite it, and the
// conflict is shown with who changed it and what it is now.
func TestNoteLostUpdateIsShownNotDone(t *testing.T) {
	st := newFakeStore(triage.Triage{Subject: inv("a@x.com"), Verdict: store.VerdictSuspicious, Analyst: "ana"})
	m := startedWith(t, triageDeps(st), "a@x.com")
	m, _ = send(t, m, press("n")) // opened at revision 1
	newer := st.other(inv("a@x.com"), store.VerdictSuspicious, "bo: token theft", "bo")
	m = typeKeys(t, m, "ana: fine")
	m, cmd := send(t, m, press("enter"))
	if cmd == nil || st.callCount() != 0 {
		t.Fatal("the note save did not wait for its command")
	}
	m, _ = send(t, m, cmd())
	if c := st.lastCall(t); c.ExpectRev != 1 || c.Note != "ana: fine" {
		t.Fatalf("note save sent %+v", c)
	}
	if got := st.state(inv("a@x.com")); got != newer {
		t.Fatalf("stored %+v, want bo's newer note %+v kept", got, newer)
	}
	for _, w := range []string{"note NOT saved", "changed meanwhile", "bo: token theft", "by bo"} {
		if !m.msgErr || !strings.Contains(m.message, w) {
			t.Fatalf("conflict message %q lacks %q", m.message, w)
		}
	}
	if m.unsavedVerdicts() != 1 || !strings.Contains(m.unsavedSummary(), "1 change not saved") {
		t.Fatalf("unsaved %d %q", m.unsavedVerdicts(), m.unsavedSummary())
	}
	// The workbench now knows the newer note: n starts from it, and a save
	// from there goes through and clears the failure.
	m, _ = send(t, m, press("n"))
	if m.prompt.Value() != "bo: token theft" {
		t.Fatalf("prompt prefilled with %q", m.prompt.Value())
	}
	m, _ = send(t, m, tea.KeyPressMsg{Code: tea.KeyEnd}) // keep the prefill, add to it
	m = typeKeys(t, m, " (ana agrees)")
	m, cmd = send(t, m, press("enter"))
	m, _ = send(t, m, cmd())
	if got := st.state(inv("a@x.com")); got.Note != "bo: token theft (ana agrees)" || got.Seq != newer.Seq+1 {
		t.Fatalf("second save: %+v", got)
	}
	if m.msgErr || m.unsavedVerdicts() != 0 {
		t.Fatalf("after the retry: %q, %d unsaved", m.message, m.unsavedVerdicts())
	}
}

// TestPickerLostUpdate: the picker saves only the verdict, expecting the
// revision it opened at, so a note saved meanwhile is neither overwritten by
// the note the picker saw nor silently outvoted.
func TestPickerLostUpdate(t *testing.T) {
	st := newFakeStore(triage.Triage{Subject: inv("a@x.com"), Verdict: store.VerdictBenign, Note: "old", Analyst: "ana"})
	m := startedWith(t, triageDeps(st), "a@x.com")
	m, _ = send(t, m, press("t")) // opened at revision 2
	newer := st.other(inv("a@x.com"), store.VerdictSuspicious, "bo: newer", "bo")
	m, cmd := send(t, m, press("m"))
	m, _ = send(t, m, cmd())
	if c := st.lastCall(t); c.Field != triage.FieldVerdict || c.ExpectRev != 2 || c.Note != "" {
		t.Fatalf("picker sent %+v", c)
	}
	if got := st.state(inv("a@x.com")); got != newer {
		t.Fatalf("stored %+v, want %+v", got, newer)
	}
	if !m.msgErr || !strings.Contains(m.message, "verdict NOT saved") || !strings.Contains(m.message, "now suspicious") {
		t.Fatalf("message %q", m.message)
	}
	if v := screen(m); !strings.Contains(v, "susp ✎") || strings.Contains(v, " MAL ") {
		t.Fatalf("the current state is not what is shown:\n%s", v)
	}
	// Someone else already chose what we wanted: not a failure.
	m, _ = send(t, m, press("t"))
	st.other(inv("a@x.com"), store.VerdictMalicious, "", "cy")
	m, cmd = send(t, m, press("m"))
	m, _ = send(t, m, cmd())
	if m.msgErr || !strings.Contains(m.message, "already has that verdict") || m.unsavedVerdicts() != 0 {
		t.Fatalf("same value: %q, %d unsaved", m.message, m.unsavedVerdicts())
	}
}

// TestSessionOnlyVerdictIsNotCalledSaved reproduces the second workbench on
// the same exports: its verdict file is held by the first, so verdicts live
// in memory; the header said "not saved" while each verdict said "saved:".
func TestSessionOnlyVerdictIsNotCalledSaved(t *testing.T) {
	st := newFakeStore()
	st.durable = false
	d := triageDeps(st)
	d.TriageLocation, d.TriageDurable = "not saved: verdicts file held by another guesthunt (PID 4242)", false
	m := startedWith(t, d, "a@x.com")
	m, cmd := send(t, m, press("t"), press("m"))
	m, _ = send(t, m, cmd())
	v := screen(m)
	if strings.Contains(m.message, "saved:") || !strings.Contains(m.message, "NOT saved to disk") {
		t.Fatalf("message %q", m.message)
	}
	if !strings.Contains(v, "⚠ not saved: verdicts file held") || !strings.Contains(v, " MAL ") {
		t.Fatalf("screen:\n%s", v)
	}
	if m.unsavedVerdicts() != 1 || !strings.Contains(m.unsavedSummary(), "kept only in this session") {
		t.Fatalf("unsaved %d %q", m.unsavedVerdicts(), m.unsavedSummary())
	}
}

func TestUnsavedCountsInFlightAndFailed(t *testing.T) {
	st := newFakeStore()
	m := startedWith(t, triageDeps(st), "a@x.com", "b@x.com")
	m, save := send(t, m, press("t"), press("m"))
	if m.unsavedVerdicts() != 1 {
		t.Fatalf("in flight: %d", m.unsavedVerdicts())
	}
	m, _ = send(t, m, save())
	if m.unsavedVerdicts() != 0 {
		t.Fatalf("saved: %d", m.unsavedVerdicts())
	}
	st.err = errors.New("disk full")
	m, save = send(t, m, press("j"), press("t"), press("b"))
	m, _ = send(t, m, save())
	if m.unsavedVerdicts() != 1 || !strings.Contains(m.message, "disk full") {
		t.Fatalf("failed: %d %q", m.unsavedVerdicts(), m.message)
	}
}

func TestVerdictFilterPicker(t *testing.T) {
	st := newFakeStore(
		triage.Triage{Subject: inv("a@x.com"), Verdict: store.VerdictMalicious},
		triage.Triage{Subject: inv("c@x.com"), Verdict: store.VerdictUntriaged, Note: "look later"},
	)
	m := startedWith(t, triageDeps(st), "a@x.com", "b@x.com", "c@x.com")
	open := func(m Model) Model {
		t.Helper()
		tm, cmd := m.openVerdictFilterPicker()
		if cmd != nil || !tm.(Model).picker.open {
			t.Fatal("filter picker did not open")
		}
		return tm.(Model)
	}
	m = open(m)
	v := screen(m)
	row := func(label string, n int) string { return fmt.Sprintf("%-26s %5d", label, n) }
	for _, w := range []string{"Show flagged inviters with verdict", row("all verdicts", 3) + " (current)",
		row("untriaged", 2), row("malicious (true positive)", 1), row("benign", 0)} {
		if !strings.Contains(v, w) {
			t.Fatalf("filter picker lacks %q:\n%s", w, v)
		}
	}
	m, _ = send(t, m, press("m"))
	if got := shownUPNs(m); m.picker.open || strings.Join(got, ",") != "a@x.com" || !strings.Contains(m.message, "verdict filter: malicious") {
		t.Fatalf("m: %v %q", got, m.message)
	}
	m = open(m)
	if !strings.Contains(screen(m), row("malicious (true positive)", 1)+" (current)") {
		t.Fatalf("current filter not marked:\n%s", screen(m))
	}
	m, _ = send(t, m, press("g"), press("j"), press("enter")) // untriaged
	if got := shownUPNs(m); strings.Join(got, ",") != "b@x.com,c@x.com" {
		t.Fatalf("untriaged: %v", got)
	}
	m = open(m)
	m, _ = send(t, m, press("a"))
	if m.rows.Len() != 3 || !strings.Contains(m.message, "verdict filter off") {
		t.Fatalf("a: %d rows %q", m.rows.Len(), m.message)
	}
	m = open(m)
	if m, _ = send(t, m, press("esc")); m.picker.open || m.rows.Len() != 3 {
		t.Fatal("esc changed the filter")
	}
}

// TestTriageFeedShowsOtherSessionsLive: a change another session commits
// through the shared store appears without a re-run, and a later save from
// here expects its revision.
func TestTriageFeedShowsOtherSessionsLive(t *testing.T) {
	st := newFakeStore()
	ctx, cancel := context.WithCancel(context.Background())
	d := triageDeps(st)
	d.Context = ctx
	m := startedWith(t, d, "a@x.com", "b@x.com")
	sub := m.triageFeed()
	if sub == nil {
		t.Fatal("no feed from a store that has one")
	}
	m, listen := m.onTriageFeed(sub().(triageFeedMsg))
	bo := st.other(inv("b@x.com"), store.VerdictMalicious, "seen in two tenants", "bo")
	m, listen = m.onTriageFeed(listen().(triageFeedMsg)) // the verdict
	m, listen = m.onTriageFeed(listen().(triageFeedMsg)) // the note
	if v := screen(m); !strings.Contains(v, "1/2 triaged") || !strings.Contains(v, "MAL ✎") {
		t.Fatalf("feed change not shown:\n%s", v)
	}
	m, save := send(t, m, press("j"), press("t"), press("b"))
	m, _ = send(t, m, save())
	if c := st.lastCall(t); c.ExpectRev != bo.Seq || m.msgErr {
		t.Fatalf("save after the feed: %+v %q", c, m.message)
	}
	// Our own save comes back through the feed too; it changes nothing.
	m, listen = m.onTriageFeed(listen().(triageFeedMsg))
	if got := m.current(inv("b@x.com")); got.Verdict != store.VerdictBenign || got.Note != "seen in two tenants" {
		t.Fatalf("state %+v", got)
	}
	cancel()
	m, next := m.onTriageFeed(listen().(triageFeedMsg))
	if next != nil {
		t.Fatal("a feed ended by the session's end resubscribed")
	}
	if m2, _ := m.onTriageFeed(triageFeedMsg{closed: true}); m2.tri.fetch != m.tri.fetch {
		t.Fatal("re-read issued after the session ended")
	}
}
