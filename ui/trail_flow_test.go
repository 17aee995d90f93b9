package ui

import (
	"context"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/teatest/v2"
	"github.com/charmbracelet/x/vt"
	"github.com/guesthunt/guesthunt/hunt"
)

// F on the demo tenant, with hand-made trails for the real result's rows:
// the Signal column fills in the background, s reaches it and sorts by it,
// F opens the selected guest's trail, enter its invite's original record.
func TestTrailFlowOnDemo(t *testing.T) {
	st, eng := demoStore(t)
	run := func(p hunt.Params) (*hunt.Result, error) { return eng.Run(context.Background(), p) }
	m := New(Deps{Engine: eng, Store: st, Data: DataSetInfo{Files: []string{"demo tenant"}, Events: 1, Demo: true},
		Params: hunt.DefaultParams(), IsDark: true, Trails: fakeTrails(run)})
	ch := make(chan Model, 1)
	tm := teatest.NewTestModel(t, probe{Model: m, latest: ch}, teatest.WithInitialTermSize(120, 36))
	f := &flow{t: t, tm: tm, ch: ch}
	m = f.until("trails", func(m Model) bool { return m.res != nil && m.trails.by != nil })
	first := m.res.Rows[0].InitiatingUserPrincipalName
	if i := m.rows.find(first); i < 0 || m.rows.Row(i)[colSignal] != "admin role 40m" {
		t.Fatalf("Signal of %s not shown", first)
	}

	f.keys("s", "s", "s", "s", "s")
	m = f.until("sorted by Signal", func(m Model) bool { return m.sortCol == colSignal })
	if got := m.rows.Row(0)[colSignal]; got != "admin role 40m" {
		t.Fatalf("sorted by Signal, the first row's is %q", got)
	}

	f.keys("tab", "F")
	m = f.until("trail page", func(m Model) bool { p, ok := m.pages.top().(trailPage); return ok && p.trail != nil })
	v := ansi.Strip(m.View().Content)
	for _, w := range []string{"Trail", "invited by", "Steps", "Signals (strongest first)"} {
		if !strings.Contains(v, w) {
			t.Fatalf("trail page misses %q:\n%s", w, v)
		}
	}
	f.keys("enter")
	m = f.until("invite's detail", func(m Model) bool {
		p, ok := m.pages.top().(pagerPage)
		return ok && p.kind == pageDetail && !p.loading()
	})
	if v := ansi.Strip(strings.Join(m.pager().lines(), "\n")); !strings.Contains(v, "Original record") || strings.Contains(v, "cannot show") {
		t.Fatalf("detail from the trail:\n%s", v)
	}
	f.keys("esc", "esc")
	f.until("main", func(m Model) bool { return m.onPage(pageMain) })
	f.keys("q", "q")
	tm.WaitFinished(t, teatest.WithFinalTimeout(10*time.Second))
}

// The trail page drawn by the real program at 120x36 from fixed trails and
// a hand-made result (no engine), so it does not move with the demo tenant.
func TestGoldenTrail(t *testing.T) {
	p0 := hunt.DefaultParams()
	emu := vt.NewSafeEmulator(goldenW, goldenH)
	ch := make(chan Model, 1)
	m := New(Deps{Params: p0, Data: DataSetInfo{Files: []string{"trail-fixture.ndjson"}, Events: 4, From: t0.Add(-30 * day), To: t0}, IsDark: true,
		Trails: fakeTrails(func(p hunt.Params) (*hunt.Result, error) { return trailResult(p), nil })})
	prog := tea.NewProgram(steadyProbe{probe{Model: m, latest: ch}},
		tea.WithInput(nil), tea.WithOutput(crlf{emu}), tea.WithWindowSize(goldenW, goldenH), tea.WithoutSignals(),
		tea.WithColorProfile(colorprofile.TrueColor))
	done := make(chan error, 1)
	go func() { _, err := prog.Run(); done <- err }()
	t.Cleanup(func() { prog.Kill(); <-done })
	f := &flow{t: t, ch: ch}
	prog.Send(runMsg{seq: 1, params: p0, res: trailResult(p0)})
	prog.Send(sensMsg{seq: 2, params: p0, points: []hunt.SensitivityPoint{{BaselineDays: 14, Baseline: 14 * day, Inviters: 3, Alerts: 4, Covered: true}}})
	f.until("trails", func(m Model) bool { return m.trails.by != nil && !m.sensBusy })
	prog.Send(press("F"))
	f.until("trail page", func(m Model) bool { p, ok := m.pages.top().(trailPage); return ok && p.trail != nil })
	golden(t, "trail-120x36", settle(t, emu, "Signals (strongest first)"), emu)
}
