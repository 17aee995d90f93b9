package ui

import (
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/vt"
	"github.com/guesthunt/guesthunt/data/scenario"
	"github.com/guesthunt/guesthunt/data/triage"
	"github.com/guesthunt/guesthunt/hunt"
)

// The score page of an exercise on the demo tenant, drawn by the real
// program at 120x36 (README's training screenshot).
func TestGoldenScoreScreen(t *testing.T) {
	st, eng := demoStore(t)
	ten, err := scenario.Generate("demo", scenario.Options{Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	start := time.Date(2026, 11, 29, 9, 0, 0, 0, time.UTC)
	x := &Exercise{Name: "demo", Started: start, Now: func() time.Time { return start.Add(17*time.Minute + 42*time.Second) }}
	x.Grade = func(v map[triage.Subject]triage.Triage) scenario.Score {
		return scenario.Grade(ten.Key, scenario.InviterVerdicts(v))
	}
	m := New(Deps{Engine: eng, Store: st, Params: hunt.DefaultParams(), IsDark: true,
		Data: DataSetInfo{Files: []string{"exercise demo"}, Events: 2731}, Triage: triage.New(triage.NewMemory()), TriageLocation: "exercise: your own verdicts; X scores them", Exercise: x})
	emu := vt.NewSafeEmulator(goldenW, goldenH)
	ch := make(chan Model, 1)
	p := tea.NewProgram(steadyProbe{probe{Model: m, latest: ch}},
		tea.WithInput(nil), tea.WithOutput(crlf{emu}), tea.WithWindowSize(goldenW, goldenH), tea.WithoutSignals(),
		tea.WithColorProfile(colorprofile.TrueColor))
	done := make(chan error, 1)
	go func() { _, err := p.Run(); done <- err }()
	t.Cleanup(func() { p.Kill(); <-done })
	f := &flow{t: t, ch: ch}
	keys := func(ks ...string) {
		for _, k := range ks {
			p.Send(press(k))
		}
	}
	f.until("first result", func(m Model) bool { return m.res != nil && m.tri.loaded })
	// jonas (third row) malicious, the first (lee) benign, then submit with
	// three left untriaged.
	keys("j", "j", "t", "m")
	f.until("one verdict", func(m Model) bool { return len(m.tri.saved) == 1 && len(m.tri.pending) == 0 })
	keys("g", "t", "b")
	f.until("two verdicts", func(m Model) bool { return len(m.tri.saved) == 2 && len(m.tri.pending) == 0 })
	keys("X", "X")
	f.until("score", func(m Model) bool { return m.onPage(pageScore) })
	golden(t, "score", settle(t, emu, "Exercise demo:"), emu)
}
