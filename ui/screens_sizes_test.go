package ui

import (
	"fmt"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/vt"
	"github.com/guesthunt/guesthunt/data/demo"
	"github.com/guesthunt/guesthunt/data/store"
	"github.com/guesthunt/guesthunt/hunt"
)

// goldenSession runs the workbench on the demo tenant in an emulator of
// w x h cells and returns a way to press keys.
func goldenSession(t *testing.T, w, h int) (*flow, *vt.SafeEmulator, func(...string)) {
	t.Helper()
	st, eng := demoStore(t)
	emu := vt.NewSafeEmulator(w, h)
	ch := make(chan Model, 1)
	tri := newFakeStore(store.Triage{Subject: inv("jonas.berg@" + demo.Domain), Verdict: store.VerdictMalicious, Note: "six invites in 7 minutes"})
	m := New(Deps{Engine: eng, Store: st, Params: hunt.DefaultParams(),
		Data: DataSetInfo{Files: []string{"demo-tenant-seed1.ndjson"}, Events: 2731, Demo: true}, IsDark: true,
		Triage: tri, TriageLocation: "demo-case.guesthunt", TriageDurable: true})
	p := tea.NewProgram(steadyProbe{probe{Model: m, latest: ch}},
		tea.WithInput(nil), tea.WithOutput(crlf{emu}), tea.WithWindowSize(w, h), tea.WithoutSignals(),
		tea.WithColorProfile(colorprofile.TrueColor))
	done := make(chan error, 1)
	go func() { _, err := p.Run(); done <- err }()
	t.Cleanup(func() { p.Kill(); <-done })
	keys := func(ks ...string) {
		for _, k := range ks {
			p.Send(press(k))
		}
	}
	return &flow{t: t, ch: ch}, emu, keys
}

// The same screens at the three sizes analysts use: the evidence must stay
// readable at 80x24, 120x36 and 200x50.
func TestGoldenScreensAtSizes(t *testing.T) {
	for _, size := range [][2]int{{80, 24}, {120, 36}, {200, 50}} {
		t.Run(fmt.Sprintf("%dx%d", size[0], size[1]), func(t *testing.T) {
			f, emu, keys := goldenSession(t, size[0], size[1])
			name := func(s string) string { return fmt.Sprintf("%s-%dx%d", s, size[0], size[1]) }
			f.until("first result", func(m Model) bool { return m.res != nil && m.sens != nil && m.tri.loaded && m.tri.applied >= 2 })
			golden(t, name("main"), settle(t, emu, "5 inviters flagged"), emu)

			keys("tab")
			f.until("guests", func(m Model) bool { return m.focus == paneGuests })
			golden(t, name("guests"), settle(t, emu, "▶ Guests"), emu)

			keys("enter")
			f.until("detail", func(m Model) bool { return m.onPage(pageDetail) && !m.pager().loading() })
			golden(t, name("detail"), settle(t, emu, "Original record"), emu)

			keys("q", "?")
			f.until("help", func(m Model) bool { return m.onPage(pageHelp) })
			golden(t, name("help"), settle(t, emu, "guesthunt keys"), emu)

			// The as-of a month after the data: warned, not an all-clear.
			keys("esc", "a")
			for _, r := range "2026-12-01T00:00:00Z" {
				keys(string(r))
			}
			keys("enter")
			f.until("as-of after the data", func(m Model) bool { return m.res != nil && m.res.Params.AsOf.Mode == hunt.AsOfFixed && !m.runBusy })
			golden(t, name("after-data"), settle(t, emu, "after the last event"), emu)
		})
	}
}
