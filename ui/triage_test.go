package ui

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"strings"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/exp/teatest/v2"
	"github.com/guesthunt/guesthunt/data"
	"github.com/guesthunt/guesthunt/data/demo"
	"github.com/guesthunt/guesthunt/data/store"
	"github.com/guesthunt/guesthunt/hunt"
)

// fakeStore is a TriageStore in memory that records every call.
type fakeStore struct {
	mu    sync.Mutex
	all   map[store.Subject]store.Triage
	calls []store.Triage
	reads int
	err   error // returned by SetTriage when set
	seq   int64
}

func newFakeStore(preset ...store.Triage) *fakeStore {
	f := &fakeStore{all: map[store.Subject]store.Triage{}}
	for _, t := range preset {
		f.seq++
		t.Seq = f.seq
		f.all[t.Subject] = t
	}
	return f
}

func (f *fakeStore) SetTriage(_ context.Context, t store.Triage) (store.Triage, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, t)
	if f.err != nil {
		return store.Triage{}, f.err
	}
	f.seq++
	t.Seq = f.seq
	f.all[t.Subject] = t
	return t, nil
}

func (f *fakeStore) Triages(context.Context) (map[store.Subject]store.Triage, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.reads++
	return maps.Clone(f.all), nil
}

func (f *fakeStore) lastCall(t *testing.T) store.Triage {
	t.Helper()
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.calls) == 0 {
		t.Fatal("SetTriage was not called")
	}
	return f.calls[len(f.calls)-1]
}

func (f *fakeStore) callCount() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.calls)
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
	if got.Subject != inv("a@x.com") || got.Verdict != store.VerdictMalicious || got.Analyst != "ana" || got.At.IsZero() {
		t.Fatalf("SetTriage got %+v", got)
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
	if c.Subject != inv("a@x.com") || c.Note != "phish kit q" || c.Verdict != store.VerdictSuspicious {
		t.Fatalf("note saved as %+v", c)
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
	if c := st.lastCall(t); c.Note != "phish kit q" || c.Verdict != store.VerdictBenign {
		t.Fatalf("verdict change lost the note: %+v", c)
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

func TestVerdictFilterCycles(t *testing.T) {
	st := newFakeStore(
		store.Triage{Subject: inv("a@x.com"), Verdict: store.VerdictMalicious},
		store.Triage{Subject: inv("c@x.com"), Verdict: store.VerdictUntriaged, Note: "look later"},
	)
	m := startedWith(t, triageDeps(st), "a@x.com", "b@x.com", "c@x.com")
	if !strings.Contains(screen(m), "1/3 triaged") {
		t.Fatalf("progress:\n%s", screen(m))
	}
	m, _ = send(t, m, press("v"))
	if got := shownUPNs(m); strings.Join(got, ",") != "b@x.com,c@x.com" {
		t.Fatalf("untriaged filter shows %v", got)
	}
	if !strings.Contains(screen(m), "verdict untriaged") {
		t.Fatalf("filter not stated:\n%s", screen(m))
	}
	m, _ = send(t, m, press("v"))
	if m.rows.Len() != 0 || !strings.Contains(screen(m), "no flagged inviter matches the filter") {
		t.Fatalf("benign filter:\n%s", screen(m))
	}
	m, _ = send(t, m, press("v"), press("v"))
	if got := shownUPNs(m); strings.Join(got, ",") != "a@x.com" || m.selected != "a@x.com" {
		t.Fatalf("malicious filter shows %v", got)
	}
	m, _ = send(t, m, press("v"), press("v"))
	if m.rows.Len() != 3 || !strings.Contains(m.message, "verdict filter off") {
		t.Fatalf("filter did not cycle back to all: %d rows, %q", m.rows.Len(), m.message)
	}
}

func TestRerunRereadsVerdictsWithoutLosingOwnSave(t *testing.T) {
	st := newFakeStore()
	m := startedWith(t, triageDeps(st), "a@x.com", "b@x.com")
	m, save := send(t, m, press("t"), press("m")) // a: malicious, in flight
	// Another analyst marks b in the same case file.
	st.SetTriage(context.Background(), store.Triage{Subject: inv("b@x.com"), Verdict: store.VerdictBenign, Analyst: "bo"})
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
	m := f.until("saved", func(m Model) bool { return strings.HasPrefix(m.message, "saved:") })
	if c := tri.lastCall(t); c.Subject != inv(jonas) || c.Verdict != store.VerdictMalicious || c.Analyst != "ana" {
		t.Fatalf("saved %+v", c)
	}
	if v := screen(m); !strings.Contains(v, "1/5 triaged") || !strings.Contains(v, "⚠ not saved: in memory") {
		t.Fatalf("header:\n%s", v)
	}
	// Another analyst's verdict shows after the next re-run.
	tri.SetTriage(context.Background(), store.Triage{Subject: inv("rosa.delgado@" + demo.Domain), Verdict: store.VerdictBenign})
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
	f.keys("q")
	f.tm.WaitFinished(t, teatest.WithFinalTimeout(10*time.Second))
}
