package ui

import (
	"strings"
	"time"

	"github.com/charmbracelet/x/ansi"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/guesthunt/guesthunt/hunt"
	"github.com/guesthunt/guesthunt/ui/safe"
)

// A workbench on a remote workspace (Deps.Engine a *hunt.Remote): every
// run is two queries in Log Analytics, which spend the workspace's
// throttling budget, so parameter changes wait remoteDebounce for the
// next one before asking, and a newer change cancels the older query.
// What needs the events (the strip, why-flagged, T, F, the original
// record) says so instead of showing nothing.

// remoteDebounce is how long a parameter change waits for a newer one.
const remoteDebounce = 750 * time.Millisecond

// remoteTickMsg ends the debounce of run request seq.
type remoteTickMsg struct {
	seq    int
	params hunt.Params
}

// remoteWorkspace is the workspace the rule runs in, when it is remote.
func (m Model) remoteWorkspace() (string, bool) {
	if m.deps.Engine == nil {
		return "", false
	}
	return hunt.RemoteWorkspace(m.deps.Engine)
}

// debounceRun numbers the run for p and waits before sending it; the run
// in flight is for parameters no longer asked for, so it is cancelled now.
func (m Model) debounceRun(p hunt.Params) (Model, tea.Cmd) {
	m.req.run = m.req.next()
	m.runBusy = true
	if m.req.cancelRun != nil {
		m.req.cancelRun()
		m.req.cancelRun = nil
	}
	seq := m.req.run
	return m, tea.Tick(remoteDebounce, func(time.Time) tea.Msg { return remoteTickMsg{seq: seq, params: p} })
}

// onRemoteTick sends the query, unless a newer change superseded it.
func (m Model) onRemoteTick(msg remoteTickMsg) (tea.Model, tea.Cmd) {
	if msg.seq != m.req.run || m.deps.Engine == nil {
		return m, nil
	}
	ctx := swap(m.deps.Context, &m.req.cancelRun)
	return m, runCmd(ctx, m.deps.Engine, msg.seq, msg.params)
}

// remoteRefusal answers the keys whose pages need the events, when the
// rule runs remotely: the message line says what cannot be shown and why.
func (m Model) remoteRefusal(msg tea.KeyPressMsg) (string, bool) {
	ws, ok := m.remoteWorkspace()
	if !ok {
		return "", false
	}
	var what string
	switch {
	case key.Matches(msg, m.keys.Timeline):
		what = "the timeline (replay)"
	case key.Matches(msg, m.keys.Trail):
		what = "the guest trail"
	default:
		return "", false
	}
	return (&hunt.NeedsEventsError{What: what, Workspace: ws}).Error(), true
}

// detailRecordCmd is the detail view's record request: on a remote
// workspace without a case file, the refusal in words.
func (m Model) detailRecordCmd(seq int, a hunt.Alert) (tea.Cmd, bool) {
	ws, ok := m.remoteWorkspace()
	if !ok || m.deps.Store != nil {
		return nil, false
	}
	err := &hunt.NeedsEventsError{What: "the original record", Workspace: ws}
	return func() tea.Msg { return detailMsg{seq: seq, alert: a, err: err} }, true
}

// remoteStrip stands where the sensitivity strip would be: the note,
// wrapped to the strip's two lines.
func remoteStrip(note string, width int, st Styles) string {
	lines := strings.Split(ansi.Wrap(safe.Text(note), max(width, 1), " "), "\n")
	for len(lines) < 2 {
		lines = append(lines, "")
	}
	return fitLine(lines[0], width, st.Dim) + "\n" + fitLine(lines[1], width, st.Dim)
}
