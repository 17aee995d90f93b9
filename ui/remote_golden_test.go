package ui

import (
	"strings"
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
	emu := runRemoteScreen(t, goldenW, goldenH)
	golden(t, "remote-main", settle(t, emu, "5 inviters flagged"), emu)
}

// At 80x24 the remote header's extra lines (workspace, the not-checked
// coverage warning, the strip's refusal) still leave the inviters on screen
// and the hints on the last line.
func TestRemoteScreenAt80x24(t *testing.T) {
	emu := runRemoteScreen(t, 80, 24)
	screen := settle(t, emu, "5 inviters flagged")
	lines := strings.Split(strings.TrimRight(screen, "\n"), "\n")
	if len(lines) > 24 {
		t.Fatalf("%d lines on a 24-line terminal:\n%s", len(lines), screen)
	}
	if !strings.Contains(screen, "lee.novak@") {
		t.Errorf("no inviter row at 80x24:\n%s", screen)
	}
	if last := lines[len(lines)-1]; !strings.Contains(last, "? help") {
		t.Errorf("the hints are not on the last line (%q):\n%s", last, screen)
	}
}

func runRemoteScreen(t *testing.T, w, h int) *vt.SafeEmulator {
	t.Helper()
	_, remote := newRemote(t)
	emu := vt.NewSafeEmulator(w, h)
	ch := make(chan Model, 1)
	tri := newFakeStore(store.Triage{Subject: inv("jonas.berg@" + demo.Domain), Verdict: store.VerdictMalicious, Note: "six invites in 7 minutes"})
	m := New(Deps{Engine: remote, Params: remoteParams(), Data: DataSetInfo{Files: []string{"workspace ws-demo"}}, IsDark: true,
		KQL: hunt.KQLText, Triage: tri, TriageLocation: "la-ws-demo.duckdb", TriageDurable: true})
	p := tea.NewProgram(steadyProbe{probe{Model: m, latest: ch}},
		tea.WithInput(nil), tea.WithOutput(crlf{emu}), tea.WithWindowSize(w, h), tea.WithoutSignals(),
		tea.WithColorProfile(colorprofile.TrueColor))
	done := make(chan error, 1)
	go func() { _, err := p.Run(); done <- err }()
	t.Cleanup(func() { p.Kill(); <-done })
	f := &flow{t: t, ch: ch}
	f.until("first result", func(m Model) bool {
		return m.res != nil && m.sensNote != "" && m.tri.loaded && m.tri.applied >= 2 && !m.runBusy
	})
	return emu
}
