package ui

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/teatest/v2"
	"github.com/charmbracelet/x/vt"
	"github.com/guesthunt/guesthunt/data/demo"
	"github.com/guesthunt/guesthunt/hunt"
)

// T on the demo tenant: the timeline comes from the replay, the cursor
// moves, enter re-runs the main page at the day's run (Engine.Run at that
// instant is the oracle), and a baseline change on the page replays in
// the background.
func TestTimelineFlowOnDemo(t *testing.T) {
	st, eng := demoStore(t)
	var calls atomic.Int32
	m := New(Deps{Engine: eng, Store: st, Data: DataSetInfo{Files: []string{"demo tenant"}, Events: 1, Demo: true},
		Params: hunt.DefaultParams(), IsDark: true, Replay: fakeReplay(t, eng, &calls)})
	ch := make(chan Model, 1)
	tm := teatest.NewTestModel(t, probe{Model: m, latest: ch}, teatest.WithInitialTermSize(120, 36))
	f := &flow{t: t, tm: tm, ch: ch}
	m = f.until("first result", func(m Model) bool { return m.res != nil })
	if got := m.rows.Row(0)[colFirstFired]; got != "" {
		t.Fatalf("First fired before any replay: %q", got)
	}

	f.keys("T")
	m = f.until("timeline", func(m Model) bool {
		p, ok := m.pages.top().(timelinePage)
		return ok && p.rep != nil && !p.waiting()
	})
	p := m.pages.top().(timelinePage)
	if p.cursor != len(p.rep.Days)-1 {
		t.Fatalf("cursor on day %d of %d, want the as-of's (the last)", p.cursor, len(p.rep.Days))
	}
	v := ansi.Strip(m.View().Content)
	for _, w := range []string{"Timeline", "Invites", "Alerts", "Sat 2026-10-31", "NEW  jonas.berg@" + demo.Domain} {
		if !strings.Contains(v, w) {
			t.Fatalf("timeline misses %q:\n%s", w, v)
		}
	}
	// The replay's First fired reaches the inviters pane.
	if i := m.rows.find("jonas.berg@" + demo.Domain); i < 0 || m.rows.Row(i)[colFirstFired] == "" {
		t.Fatal("First fired column empty after the replay")
	}

	// Two days back: its run is the main page's after enter.
	f.keys("h", "h")
	m = f.until("cursor moved", func(m Model) bool {
		p, ok := m.pages.top().(timelinePage)
		return ok && p.cursor == len(p.rep.Days)-3
	})
	p = m.pages.top().(timelinePage)
	run, ok := runOn(p.rep, p.rep.Days[p.cursor].Day)
	if !ok {
		t.Fatal("no run two days before the end")
	}
	f.keys("enter")
	m = f.until("main page at the run", func(m Model) bool {
		return m.onPage(pageMain) && m.res.Params.AsOf.Mode == hunt.AsOfFixed && m.res.AsOf.Equal(run.AsOf) && !m.runBusy
	})
	want, err := eng.Run(context.Background(), m.res.Params)
	if err != nil {
		t.Fatal(err)
	}
	if got := shownUPNs(m); !slices.Equal(got, upns(want.Inviters)) || !slices.Equal(got, upns(run.Inviters)) {
		t.Fatalf("main page at %s shows %v; Run says %v, the replay %v", run.AsOf, got, upns(want.Inviters), upns(run.Inviters))
	}

	// Back on the timeline: the same replay (the as-of is on its
	// schedule), the cursor on the day just picked.
	f.keys("T")
	m = f.until("timeline again", func(m Model) bool { _, ok := m.pages.top().(timelinePage); return ok })
	if p := m.pages.top().(timelinePage); p.waiting() || p.rep.Days[p.cursor].Day != run.AsOf.UTC().Truncate(day) {
		t.Fatalf("reopened: waiting %v, cursor on %s, want %s", p.waiting(), p.rep.Days[p.cursor].Day, run.AsOf)
	}
	if n := calls.Load(); n != 1 {
		t.Fatalf("%d replays, want 1", n)
	}

	// + on the timeline: the main page re-runs, the timeline replays.
	f.keys("+")
	m = f.until("replayed at 15d", func(m Model) bool {
		p, ok := m.pages.top().(timelinePage)
		return ok && !p.waiting() && p.repFor.Params.Baseline == 15*day && m.res.Params.Baseline == 15*day && !m.runBusy
	})
	if n := calls.Load(); n != 2 {
		t.Fatalf("%d replays, want 2", n)
	}
	if v := ansi.Strip(m.View().Content); !strings.Contains(v, "baseline 15d") || strings.Contains(v, "stale") {
		t.Fatalf("timeline at 15d:\n%s", v)
	}
	f.keys("q", "q")
	tm.WaitFinished(t, teatest.WithFinalTimeout(10*time.Second))
}

// Without a replay engine T says so and opens nothing.
func TestTimelineUnavailable(t *testing.T) {
	m := New(Deps{Params: hunt.DefaultParams()})
	next, _ := m.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
	next, _ = next.(Model).Update(press("T"))
	if m := next.(Model); !m.onPage(pageMain) || !strings.Contains(m.message, "not available") {
		t.Fatalf("T without Replay: page %d, message %q", m.topKind(), m.message)
	}
}

// The timeline page drawn by the real program at 120x36 and 80x24, on the
// demo tenant, with the cursor on the last day (the planted cases).
func TestGoldenTimeline(t *testing.T) {
	for _, size := range [][2]int{{120, 36}, {80, 24}} {
		t.Run(fmt.Sprintf("%dx%d", size[0], size[1]), func(t *testing.T) {
			st, eng := demoStore(t)
			var calls atomic.Int32
			emu := vt.NewSafeEmulator(size[0], size[1])
			ch := make(chan Model, 1)
			m := New(Deps{Engine: eng, Store: st, Params: hunt.DefaultParams(),
				Data: DataSetInfo{Files: []string{"demo-tenant-seed1.ndjson"}, Events: 2731, Demo: true}, IsDark: true,
				Replay: fakeReplay(t, eng, &calls)})
			prog := tea.NewProgram(steadyProbe{probe{Model: m, latest: ch}},
				tea.WithInput(nil), tea.WithOutput(crlf{emu}), tea.WithWindowSize(size[0], size[1]), tea.WithoutSignals(),
				tea.WithColorProfile(colorprofile.TrueColor))
			done := make(chan error, 1)
			go func() { _, err := prog.Run(); done <- err }()
			t.Cleanup(func() { prog.Kill(); <-done })
			f := &flow{t: t, ch: ch}
			f.until("first result", func(m Model) bool { return m.res != nil && m.sens != nil })
			prog.Send(press("T"))
			f.until("timeline", func(m Model) bool {
				p, ok := m.pages.top().(timelinePage)
				return ok && p.rep != nil && !p.waiting()
			})
			golden(t, fmt.Sprintf("timeline-%dx%d", size[0], size[1]), settle(t, emu, "run as of"), emu)
		})
	}
}
