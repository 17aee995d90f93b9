package ui

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/teatest/v2"
	"github.com/guesthunt/guesthunt/data/store"
	"github.com/guesthunt/guesthunt/hunt"
)

const needsEvents = "not available on a remote workspace: needs the events — pull them with guesthunt pull --workspace ws-demo --db case.duckdb"

func startRemoteFlow(t *testing.T, b hunt.Backend, tri TriageStore) *flow {
	m := New(Deps{Engine: b, Data: DataSetInfo{Files: []string{"workspace ws-demo"}},
		Params: remoteParams(), IsDark: true, KQL: hunt.KQLText, Triage: tri, TriageLocation: "la-ws-demo.duckdb", TriageDurable: true})
	ch := make(chan Model, 1)
	tm := teatest.NewTestModel(t, probe{Model: m, latest: ch}, teatest.WithInitialTermSize(120, 36))
	return &flow{t: t, tm: tm, ch: ch}
}

// The workbench opens on the workspace's alerts: the same inviters the
// local engine flags, each with its latest earlier invite from the history
// query (not "never"), the header saying remote; what needs the events
// says so in words.
func TestRemoteWorkbenchOpens(t *testing.T) {
	ws, remote := newRemote(t)
	local, err := ws.eng.Run(context.Background(), remoteParams())
	if err != nil {
		t.Fatal(err)
	}
	f := startRemoteFlow(t, remote, nil)
	m := f.until("remote result", func(m Model) bool { return m.res != nil && m.sensNote != "" })
	if got := shownUPNs(m); !slices.Equal(got, upns(local.Inviters)) || len(got) == 0 {
		t.Fatalf("workbench shows %v, local engine flags %v", got, upns(local.Inviters))
	}
	earlier := 0
	for i, inv := range m.res.Inviters {
		want := local.Inviters[i]
		if inv.UPN != want.UPN || inv.EarlierNotQueried || inv.HasEarlierInvite != want.HasEarlierInvite ||
			!inv.LatestEarlierInvite.Equal(want.LatestEarlierInvite) {
			t.Errorf("inviter %s: remote %+v, local %+v", inv.UPN, inv, want)
		}
		if inv.HasEarlierInvite {
			earlier++
		}
	}
	if earlier == 0 {
		t.Fatal("no demo inviter has an earlier invite: the test proves nothing about \"never\"")
	}
	if ws.ruleQueries() != 1 || ws.history != 1 {
		t.Errorf("%d rule and %d history queries on open, want 1 and 1", ws.ruleQueries(), ws.history)
	}
	v := ansi.Strip(m.View().Content)
	for _, want := range []string{"REMOTE", "workspace ws-demo", "alerts computed in the workspace", "the sensitivity strip is not available on a remote"} {
		if !strings.Contains(v, want) {
			t.Errorf("screen lacks %q:\n%s", want, v)
		}
	}

	for _, c := range []struct{ key, what string }{{"T", "the timeline (replay) is "}, {"F", "the guest trail is "}} {
		f.keys(c.key)
		m = f.until(c.key+" refused", func(m Model) bool { return strings.Contains(m.message, c.what+needsEvents) })
		if m.pages.top() != nil {
			t.Errorf("%s opened a page on a remote workspace", c.key)
		}
	}
	f.keys("w")
	m = f.until("why page", func(m Model) bool { return m.onPage(pageWhy) && !m.pager().loading() })
	if v := ansi.Strip(m.View().Content); !strings.Contains(strings.Join(strings.Fields(v), " "), "why-flagged is not available on a remote workspace") {
		t.Errorf("why page:\n%s", v)
	}
	f.keys("esc", "tab", "enter")
	m = f.until("detail page", func(m Model) bool { return m.onPage(pageDetail) && !m.pager().loading() })
	if v := ansi.Strip(m.View().Content); !strings.Contains(strings.Join(strings.Fields(v), " "), "the original record is not available on a remote") {
		t.Errorf("detail page:\n%s", v)
	}
	f.tm.Quit()
}

// Two quick + presses send one remote query, for the last baseline.
func TestRemoteDebounceSendsOneQuery(t *testing.T) {
	ws, remote := newRemote(t)
	f := startRemoteFlow(t, remote, nil)
	f.until("first result", func(m Model) bool { return m.res != nil && !m.runBusy })
	f.keys("+", "+")
	m := f.until("16d", func(m Model) bool { return m.res.Params.Baseline == 16*day && !m.runBusy })
	if n := ws.ruleQueries(); n != 2 {
		t.Errorf("%d rule queries for open + two quick presses, want 2 (debounced)", n)
	}
	p := remoteParams()
	p.Baseline = 16 * day
	if last := ws.rules[len(ws.rules)-1]; last != hunt.KQLPinned(p, p.AsOf.At) {
		t.Errorf("the query sent is not 16d's:\n%s", last)
	}
	if !strings.Contains(m.message, "14d → 16d") {
		t.Errorf("message %q", m.message)
	}
	f.tm.Quit()
}

// The debounce and the drop of superseded answers, message by message: a
// tick for a superseded change sends nothing, a superseded answer is
// dropped, the header says a query is running while one is.
func TestRemoteSupersededDropped(t *testing.T) {
	_, remote := newRemote(t)
	m := New(Deps{Engine: remote, Params: remoteParams(), IsDark: true})
	m, _ = send(t, m, tea.WindowSizeMsg{Width: 120, Height: 36})
	res, err := remote.Run(context.Background(), remoteParams())
	if err != nil {
		t.Fatal(err)
	}
	m, _ = send(t, m, runMsg{seq: 1, params: remoteParams(), res: res})
	if m.res != res {
		t.Fatal("the first answer was not taken")
	}
	m, cmd1 := send(t, m, press("+"))
	first := m.req.run
	if cmd1 == nil || !m.runBusy {
		t.Fatal("+ started nothing")
	}
	if v := ansi.Strip(m.View().Content); !strings.Contains(v, "remote query running in workspace ws-demo") {
		t.Errorf("header while running:\n%s", v)
	}
	m, _ = send(t, m, press("+"))
	second := m.req.run
	if second == first {
		t.Fatal("the second press did not supersede the first")
	}
	p15 := remoteParams()
	p15.Baseline = 15 * day
	if _, cmd := send(t, m, remoteTickMsg{seq: first, params: p15}); cmd != nil {
		t.Error("a superseded change's tick sent a query")
	}
	stale := &hunt.Result{Params: p15}
	m, _ = send(t, m, runMsg{seq: first, params: p15, res: stale})
	if m.res != res || !m.runBusy {
		t.Error("a superseded answer was taken")
	}
	p16 := p15
	p16.Baseline = 16 * day
	if _, cmd := send(t, m, remoteTickMsg{seq: second, params: p16}); cmd == nil {
		t.Error("the latest change's tick sent no query")
	}
}

// A workspace error shows in the message line in words; the workbench
// stays usable (help opens, R retries and recovers).
func TestRemoteErrorInMessageLine(t *testing.T) {
	ws, remote := newRemote(t)
	ws.err = errors.New("403 Forbidden: the signed-in identity lacks Log Analytics Reader on workspace ws-demo")
	f := startRemoteFlow(t, remote, nil)
	m := f.until("failure", func(m Model) bool { return !m.runBusy && m.msgErr })
	if !strings.Contains(m.message, "rule failed: remote hunt: 403 Forbidden: the signed-in identity lacks Log Analytics Reader") {
		t.Errorf("message %q", m.message)
	}
	if v := ansi.Strip(m.View().Content); !strings.Contains(v, "lacks Log Analytics Reader") {
		t.Errorf("screen:\n%s", v)
	}
	f.keys("?")
	f.until("help", func(m Model) bool { return m.onPage(pageHelp) })
	ws.mu.Lock()
	ws.err = nil
	ws.mu.Unlock()
	f.keys("esc", "R")
	f.until("recovered", func(m Model) bool { return m.res != nil && !m.runBusy })
	f.tm.Quit()
}

// A verdict recorded on a remote alert is saved in the verdict store and
// is there when the workbench is opened again on the same store.
func TestRemoteVerdictSavedAndReopened(t *testing.T) {
	_, remote := newRemote(t)
	tri := newFakeStore()
	f := startRemoteFlow(t, remote, tri)
	m := f.until("first result", func(m Model) bool { return m.res != nil && m.tri.loaded })
	upn := m.selected
	f.keys("t", "m")
	f.until("saved", func(m Model) bool { return len(m.tri.saved) > 0 && len(m.tri.pending) == 0 })
	f.tm.Quit()
	all, err := tri.All(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	subj := store.Subject{Kind: store.SubjectInviter, Key: upn}
	if all[subj].Verdict != store.VerdictMalicious {
		t.Fatalf("stored %+v for %s", all, upn)
	}
	f = startRemoteFlow(t, remote, tri)
	m = f.until("reopened", func(m Model) bool { return m.res != nil && m.tri.loaded })
	if v := ansi.Strip(m.View().Content); !strings.Contains(v, "1/5 triaged") || !strings.Contains(v, "MAL") {
		t.Errorf("reopened without the verdict:\n%s", v)
	}
	f.tm.Quit()
}

// A change made while a remote query is running cancels it (its context
// ends): the workspace stops spending budget on an answer nobody reads.
func TestRemoteSupersededQueryCancelled(t *testing.T) {
	ws, remote := newRemote(t)
	f := startRemoteFlow(t, remote, nil)
	f.until("first result", func(m Model) bool { return m.res != nil && !m.runBusy })
	ws.mu.Lock()
	ws.block = make(chan struct{})
	ws.mu.Unlock()
	f.keys("+")
	deadline := time.Now().Add(30 * time.Second)
	for ws.ruleQueries() < 2 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	f.keys("+")
	for ws.cancels() < 1 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if ws.cancels() != 1 {
		t.Fatalf("%d queries cancelled, want the superseded one", ws.cancels())
	}
	ws.mu.Lock()
	close(ws.block)
	ws.mu.Unlock()
	m := f.until("16d", func(m Model) bool { return m.res.Params.Baseline == 16*day && !m.runBusy })
	if n := ws.ruleQueries(); n != 3 {
		t.Errorf("%d rule queries, want 3 (open, 15d cancelled, 16d)", n)
	}
	if m.msgErr {
		t.Errorf("the cancelled query's failure reached the message line: %q", m.message)
	}
	f.tm.Quit()
}
