package ui

import (
	"fmt"

	tea "charm.land/bubbletea/v2"
	"github.com/guesthunt/guesthunt/data/store"
	"github.com/guesthunt/guesthunt/hunt"
)

// Open at once, load in view: with Deps.Load set, the workbench starts
// before its data is loaded. It shows the load's progress (LoadingView),
// keeps q and ? working, and once the data is in (OpenedMsg) takes the
// engine and the verdict store from it and runs the rule.

// Opened is what a finished load hands the workbench.
type Opened struct {
	Engine         hunt.Backend
	Store          *store.Store
	Data           DataSetInfo
	Report         store.LoadReport
	Triage         TriageStore
	TriageLocation string
	TriageDurable  bool
	Export         ExportFunc // nil keeps Deps.Export
	Replay         ReplayFunc // nil keeps Deps.Replay
	Trails         TrailsFunc // nil keeps Deps.Trails
	// Tip is said once the data is in (after a big load: keep a case file).
	Tip string
}

// OpenedMsg ends the load: the data, or why there is none.
type OpenedMsg struct {
	Opened Opened
	Err    error
}

// onLoadProgress shows a snapshot and waits for the next.
func (m Model) onLoadProgress(p store.LoadProgress) (tea.Model, tea.Cmd) {
	if !m.opening {
		return m, nil
	}
	m.loadView.Update(p)
	return m, m.deps.Load()
}

// onOpened takes the loaded data and starts the rule, the sensitivity curve
// and the verdicts, as Init does for data loaded beforehand.
func (m Model) onOpened(msg OpenedMsg) (tea.Model, tea.Cmd) {
	if !m.opening {
		return m, nil
	}
	m.opening = false
	if msg.Err != nil {
		m.openErr = msg.Err.Error()
		m.say("nothing loaded: "+m.openErr+" (q quits)", true)
		m.inviters.SetEmptyText("nothing loaded: " + m.openErr + " (q quits)")
		m.runBusy, m.sensBusy = false, false
		return m, nil
	}
	o := msg.Opened
	m.deps.Engine, m.deps.Store, m.deps.Data = o.Engine, o.Store, o.Data
	m.deps.Triage, m.deps.TriageLocation, m.deps.TriageDurable = o.Triage, o.TriageLocation, o.TriageDurable
	if o.Export != nil {
		m.deps.Export = o.Export
	}
	if o.Replay != nil {
		m.deps.Replay = o.Replay
	}
	if o.Trails != nil {
		m.deps.Trails = o.Trails
	}
	m.report = &o.Report
	m.inviters.SetEmptyText("running the rule…")

	m.req.run, m.req.sens = m.req.next(), m.req.next()
	m.runBusy, m.sensBusy, m.sensFor = true, true, m.params
	cmds := []tea.Cmd{
		runCmd(swap(m.deps.Context, &m.req.cancelRun), m.deps.Engine, m.req.run, m.params),
		sensCmd(swap(m.deps.Context, &m.req.cancelSens), m.deps.Engine, m.req.sens, m.params),
		m.fetchTriages(), m.triageFeed(),
	}
	text := fmt.Sprintf("loaded %s events; running the rule…", thousands(o.Data.Events))
	if n := LoadProblemCount(o.Report); n > 0 {
		text = fmt.Sprintf("loaded %s events with %s (L shows them); running the rule…", thousands(o.Data.Events), plural(n, "load problem"))
	}
	if o.Tip != "" {
		text += " · " + o.Tip
	}
	m.say(text, LoadProblemCount(o.Report) > 0)
	return m, tea.Batch(cmds...)
}
