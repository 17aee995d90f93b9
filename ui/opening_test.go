package ui

import (
	"errors"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/teatest/v2"
	"github.com/guesthunt/guesthunt/data/store"
	"github.com/guesthunt/guesthunt/hunt"
)

// scriptedLoad hands the model a scripted load: progress snapshots, then
// the outcome, one message per Load() call.
type scriptedLoad struct {
	msgs chan tea.Msg
}

func newScriptedLoad() *scriptedLoad {
	return &scriptedLoad{msgs: make(chan tea.Msg, 16)}
}

func (s *scriptedLoad) next() tea.Cmd {
	return func() tea.Msg { return <-s.msgs }
}

// The workbench opens before its data is in: progress shows at once, q
// quits during the load, and the rule runs when the data arrives.
func TestOpensAtOnceAndLoadsInView(t *testing.T) {
	st, eng := demoStore(t)
	load := newScriptedLoad()
	ch := make(chan Model, 1)
	m := New(Deps{Params: hunt.DefaultParams(), IsDark: true, Data: DataSetInfo{Files: []string{"big.ndjson"}}, Load: load.next})
	tm := teatest.NewTestModel(t, probe{Model: m, latest: ch}, teatest.WithInitialTermSize(120, 36))
	f := &flow{t: t, tm: tm, ch: ch}

	load.msgs <- store.LoadProgress{File: "big.ndjson", FileIndex: 1, Files: 1, Phase: store.PhaseReading, Bytes: 300 << 20, TotalBytes: 1400 << 20, Elapsed: time.Second}
	m = f.until("progress", func(m Model) bool { return m.loadView.Progress().Bytes > 0 })
	v := ansi.Strip(m.View().Content)
	for _, want := range []string{"big.ndjson · loading…", "Loading", "file 1/1", "21%", "end of data, once loaded", "L load report"} {
		if !strings.Contains(v, want) {
			t.Fatalf("loading screen misses %q:\n%s", want, v)
		}
	}
	if strings.Contains(v, "0001-01-01") || strings.Contains(v, "0 events") {
		t.Fatalf("loading screen shows a zero as-of or count:\n%s", v)
	}
	if lines := strings.Split(v, "\n"); len(lines) != 36 {
		t.Fatalf("%d lines, want 36", len(lines))
	}
	// Keys that need data do nothing yet; none blocks.
	f.keys("+", "w", "t")
	rep := store.LoadReport{Files: []store.FileReport{{Path: "big.ndjson", Records: 2732, Loaded: 2731, Rejected: 1,
		Rejections: []store.Problem{{Record: 17, Line: 17, Reason: "TimeGenerated is not a time"}}}}}
	load.msgs <- OpenedMsg{Opened: Opened{Engine: eng, Store: st, Data: DataSetInfo{Files: []string{"big.ndjson"}, Events: 2731}, Report: rep, Tip: "tip: keep a case file"}}
	m = f.until("result", func(m Model) bool { return m.res != nil && !m.runBusy })
	if m.params.Baseline != 14*day {
		t.Fatalf("a key pressed during the load changed the baseline: %v", m.params.Baseline)
	}
	v = ansi.Strip(m.View().Content)
	for _, want := range []string{"2,731 events", "⚠ 1 problem in the load: L shows", "5 shown of 5 flagged"} {
		if !strings.Contains(v, want) {
			t.Fatalf("after the load misses %q:\n%s", want, v)
		}
	}
	f.keys("L")
	m = f.until("load report", func(m Model) bool { return m.onPage(pageLoadReport) })
	if v := ansi.Strip(strings.Join(m.pager().lines(), "\n")); !strings.Contains(v, "TimeGenerated is not a time") || !strings.Contains(v, "17") {
		t.Fatalf("load report misses the rejection:\n%s", v)
	}
	f.keys("q", "q")
	f.tm.WaitFinished(t, teatest.WithFinalTimeout(10*time.Second))
}

func TestQuitDuringLoad(t *testing.T) {
	load := newScriptedLoad()
	ch := make(chan Model, 1)
	m := New(Deps{Params: hunt.DefaultParams(), Load: load.next})
	tm := teatest.NewTestModel(t, probe{Model: m, latest: ch}, teatest.WithInitialTermSize(80, 24))
	f := &flow{t: t, tm: tm, ch: ch}
	f.until("open", func(m Model) bool { return m.opening })
	f.keys("q")
	f.tm.WaitFinished(t, teatest.WithFinalTimeout(10*time.Second))
}

func TestLoadFailureSaysWhy(t *testing.T) {
	m := New(Deps{Params: hunt.DefaultParams(), Load: func() tea.Cmd { return nil }})
	m, _ = send(t, m, tea.WindowSizeMsg{Width: 100, Height: 30}, OpenedMsg{Err: errors.New("exports/a.json: no such file")})
	v := screen(m)
	if !strings.Contains(v, "nothing loaded: exports/a.json: no such file (q quits)") {
		t.Fatalf("failure not shown:\n%s", v)
	}
	if _, cmd := send(t, m, press("q")); !isQuit(cmd) {
		t.Fatal("q did not quit after a failed load")
	}
}
