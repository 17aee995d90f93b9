package ui

import (
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/vt"
	"github.com/guesthunt/guesthunt/data/demo"
	"github.com/guesthunt/guesthunt/data/store"
	"github.com/guesthunt/guesthunt/hunt"
)

// The remote workbench at 120x36: the header names the workspace, the
// strip's place says what it needs.
func TestGoldenRemoteScreen(t *testing.T) {
	_, remote := newRemote(t)
	emu := vt.NewSafeEmulator(goldenW, goldenH)
	ch := make(chan Model, 1)
	tri := newFakeStore(store.Triage{Subject: inv("jonas.berg@" + demo.Domain), Verdict: store.VerdictMalicious, Note: "six invites in 7 minutes"})
	m := New(Deps{Engine: remote, Params: remoteParams(), Data: DataSetInfo{Files: []string{"workspace ws-demo"}}, IsDark: true,
		KQL: hunt.KQLText, Triage: tri, TriageLocation: "la-ws-demo.duckdb", TriageDurable: true})
	p := tea.NewProgram(steadyProbe{probe{Model: m, latest: ch}},
		tea.WithInput(nil), tea.WithOutput(crlf{emu}), tea.WithWindowSize(goldenW, goldenH), tea.WithoutSignals(),
		tea.WithColorProfile(colorprofile.TrueColor))
	done := make(chan error, 1)
	go func() { _, err := p.Run(); done <- err }()
	t.Cleanup(func() { p.Kill(); <-done })
	f := &flow{t: t, ch: ch}
	f.until("first result", func(m Model) bool {
		return m.res != nil && m.sensNote != "" && m.tri.loaded && m.tri.applied >= 2 && !m.runBusy
	})
	golden(t, "remote-main", settle(t, emu, "5 inviters flagged"), emu)
}
