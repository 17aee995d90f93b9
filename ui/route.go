package ui

import (
	"fmt"
	"maps"
	"slices"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/guesthunt/guesthunt/hunt"
	"github.com/guesthunt/guesthunt/ui/textsafe"
)

// onKey routes a key press: an open prompt, picker or filter box takes every
// key (so typing "q" into the filter does not quit), then the global keys
// (ctrl+c, ?, and esc/q closing the top page), then the active page.
func (m Model) onKey(msg tea.KeyPressMsg) (tea.Model, tea.Cmd) {
	if key.Matches(msg, m.keys.ForceQuit) {
		return m, tea.Quit
	}
	if !key.Matches(msg, m.keys.Quit) {
		m.quitArmed = false // the second q must follow the first
	}
	if !key.Matches(msg, m.keys.Submit) {
		m.ex.submitArm = false
	}
	m.logAction(Action{Kind: ActionKey, Key: msg.String(), Page: pageTitle(m.topKind())})
	if m.asking != promptNone {
		return m.onPromptKey(msg)
	}
	if m.picker.open {
		return m.onPickerKey(msg)
	}
	if m.filtering {
		return m.onFilterKey(msg), nil
	}
	top := m.pages.top()
	switch {
	case key.Matches(msg, m.keys.Help):
		if m.onPage(pageHelp) {
			return m.closePage(), nil
		}
		return m.openPage(newHelpPage(m.topKind(), m.sections())), nil
	case top != nil && key.Matches(msg, m.keys.Close):
		return m.closePage(), nil
	case top != nil && key.Matches(msg, m.keys.Copy):
		if c, ok := top.(interface{ clipboard() *clipText }); ok && c.clipboard() != nil {
			return m, m.copyClip(c.clipboard())
		}
		return m, nil
	case top != nil && top.Kind() == pageTrail && key.Matches(msg, m.keys.Retry):
		return m.retryTrails()
	case top != nil && top.Kind() == pageTimeline && matchesAny(msg, timelineParamKeys(m.keys)):
		// The timeline follows the main page's parameters (replayed in the
		// background), so their keys work while looking at it.
		return m.onMainKey(msg)
	case top != nil:
		p, cmd := top.Update(m.env(), msg)
		m.pages = m.pages.withTop(p)
		return m, cmd
	case key.Matches(msg, m.keys.Quit):
		return m.quit()
	case key.Matches(msg, m.keys.LoadReport):
		return m.openLoadReport(), nil
	case m.opening || m.openErr != "":
		return m, nil // no data: nothing else acts
	}
	return m.onMainKey(msg)
}

// quit leaves the workbench, unless verdicts are not saved yet: then the
// first q says so and a second q leaves anyway (ctrl+c always leaves).
func (m Model) quit() (tea.Model, tea.Cmd) {
	if x := m.deps.Exercise; x != nil {
		if m.ex.score != nil || m.quitArmed || len(m.tri.saved) == 0 {
			return m, tea.Quit
		}
		m.quitArmed = true
		m.say("the exercise is not submitted (X scores it); q again quits without a score", true)
		return m, nil
	}
	if m.unsavedVerdicts() == 0 || m.quitArmed {
		return m, tea.Quit
	}
	m.quitArmed = true
	m.say("not saved: "+m.unsavedSummary()+"; q again quits and loses them", true)
	return m, nil
}

func (m Model) onMainKey(msg tea.KeyPressMsg) (tea.Model, tea.Cmd) {
	k := m.keys
	if text, ok := m.remoteRefusal(msg); ok {
		m.say(text, true)
		return m, nil
	}
	switch {
	case key.Matches(msg, k.NextPane), key.Matches(msg, k.PrevPane):
		m.setFocus(1 - m.focus)
	case key.Matches(msg, k.Filter):
		m.filtering, m.filterPane = true, m.focus
	case key.Matches(msg, k.Pivot):
		return m.openPivot()
	case key.Matches(msg, k.RowPage):
		return m.openRowPage()
	case key.Matches(msg, k.Back):
		switch {
		case m.focus == paneGuests && m.guestFilter.Value() != "":
			m.guestFilter.clear()
			m.refilterGuests()
			m.say("guest filter cleared", false)
		case m.focus == paneGuests:
			m.setFocus(paneInviters)
		case m.filter.Value() != "":
			m.filter.clear()
			m.refilter()
			m.say("filter cleared", false)
		}
	case key.Matches(msg, k.Sort):
		m = m.sortBy((m.sortCol+1)%len(inviterColumns()), m.sortDesc)
	case key.Matches(msg, k.SortReverse):
		col := m.sortCol
		if col < 0 {
			col = colFirstInvite // the engine's order is by first invite
		}
		m = m.sortBy(col, !m.sortDesc)
	case key.Matches(msg, k.Detail):
		if m.focus == paneInviters {
			if m.guests.Len() > 0 {
				m.setFocus(paneGuests)
			}
			return m, nil
		}
		return m.openDetail()
	case key.Matches(msg, k.Why):
		return m.openWhy()
	case key.Matches(msg, k.Copy):
		return m.copySelection()
	case key.Matches(msg, k.Retry):
		return m.retry()
	case key.Matches(msg, k.Verdict):
		return m.openPicker()
	case key.Matches(msg, k.Note):
		return m.openNote()
	case key.Matches(msg, k.VerdictFilter):
		return m.openVerdictFilterPicker()
	case key.Matches(msg, k.Submit):
		return m.submit()
	case key.Matches(msg, k.Export):
		return m.startExport()
	case key.Matches(msg, k.KQL):
		return m.openKQL()
	case key.Matches(msg, k.Timeline):
		return m.openTimeline()
	case key.Matches(msg, k.Trail):
		return m.openTrail()
	case key.Matches(msg, k.BaselineUp):
		return m.changeParams(shiftBaseline(m.params, day))
	case key.Matches(msg, k.BaselineDown):
		return m.changeParams(shiftBaseline(m.params, -day))
	case key.Matches(msg, k.BaselineWeekUp):
		return m.changeParams(shiftBaseline(m.params, 7*day))
	case key.Matches(msg, k.BaselineWeekDown):
		return m.changeParams(shiftBaseline(m.params, -7*day))
	case key.Matches(msg, k.AsOfBack):
		return m.changeParams(shiftAsOf(m.params, m.resolvedAsOf(), -day))
	case key.Matches(msg, k.AsOfForward):
		return m.changeParams(shiftAsOf(m.params, m.resolvedAsOf(), day))
	case key.Matches(msg, k.AsOfReset):
		p := m.params
		p.AsOf = hunt.AsOf{Mode: hunt.AsOfLatest}
		return m.changeParams(p, nil)
	case key.Matches(msg, k.FoldCase):
		p := m.params
		p.FoldCase = !p.FoldCase
		return m.changeParams(p, nil)
	case key.Matches(msg, k.Baseline):
		m.ask(promptBaseline, "baseline (e.g. 14d, 36h): ", hunt.FormatTimespan(m.params.Baseline))
	case key.Matches(msg, k.Window):
		m.ask(promptWindow, "window (e.g. 1d, 12h): ", hunt.FormatTimespan(m.params.Window))
	case key.Matches(msg, k.AsOf):
		m.ask(promptAsOf, "as of (latest, now or RFC 3339): ", m.params.AsOf.String())
	default:
		m.updateFocusedTable(msg)
	}
	return m, nil
}

// resolvedAsOf is the instant the next [ or ] moves from: the one already
// asked for when fixed (so presses add up before the answer arrives), else
// the one the last run resolved.
func (m Model) resolvedAsOf() time.Time {
	if m.params.AsOf.Mode == hunt.AsOfFixed {
		return m.params.AsOf.At
	}
	if m.res != nil {
		return m.res.AsOf
	}
	return time.Time{}
}

func (m *Model) updateFocusedTable(msg tea.Msg) {
	if m.focus == paneInviters {
		m.inviters, _ = m.inviters.Update(msg)
		m.syncSelection(false)
		return
	}
	m.guests, _ = m.guests.Update(msg)
}

func (m *Model) setFocus(p pane) {
	m.focus = p
	if p == paneInviters {
		m.inviters.Focus()
		m.guests.Blur()
	} else {
		m.inviters.Blur()
		m.guests.Focus()
	}
}

func (m Model) sortBy(col int, desc bool) Model {
	m.sortCol, m.sortDesc = col, desc
	m.inviters.SetSort(col, desc)
	m.refilter()
	return m
}

func (m Model) onFilterKey(msg tea.KeyPressMsg) Model {
	// Arrows still move through the matches while typing.
	if key.Matches(msg, m.keys.Up) && msg.Text == "" || key.Matches(msg, m.keys.Down) && msg.Text == "" {
		m.updateFocusedTable(msg)
		return m
	}
	in := m.typedFilter()
	switch in.update(msg) {
	case inputCommit:
		m.filtering = false
	case inputCancel:
		m.filtering = false
		in.clear()
	}
	m.applyFilter()
	return m
}

// typedFilter is the filter being typed: the one of the pane that had the
// focus when / was pressed.
func (m *Model) typedFilter() *lineInput {
	if m.filterPane == paneGuests {
		return &m.guestFilter
	}
	return &m.filter
}

// applyFilter shows the typed filter's matches in its pane.
func (m *Model) applyFilter() {
	if m.filterPane == paneGuests {
		m.refilterGuests()
		return
	}
	m.refilter()
}

func (m *Model) ask(kind promptKind, prompt, value string) {
	m.asking = kind
	m.prompt = newLineInput(prompt, value, m.history[kind])
}

func (m Model) onPromptKey(msg tea.KeyPressMsg) (tea.Model, tea.Cmd) {
	switch m.prompt.update(msg) {
	case inputCancel:
		m.asking = promptNone
		return m, nil
	case inputEdited:
		return m, nil
	}
	kind, v := m.asking, m.prompt.Value()
	m.asking = promptNone
	m.remember(kind, v)
	switch kind {
	case promptNote:
		return m.saveNote(v)
	case promptExportDir:
		if v == "" {
			m.say("no directory given: nothing exported", true)
			return m, nil
		}
		m.exportDir = v
		return m.startExport()
	}
	p := m.params
	var err error
	switch kind {
	case promptBaseline:
		p.Baseline, err = hunt.ParseTimespan(v)
	case promptWindow:
		p.Window, err = hunt.ParseTimespan(v)
	case promptAsOf:
		p.AsOf, err = hunt.ParseAsOf(v)
	}
	return m.changeParams(p, err)
}

// changeParams starts a re-run for p in the background. The panes keep the
// last result until the new one arrives.
func (m Model) changeParams(p hunt.Params, err error) (tea.Model, tea.Cmd) {
	if err == nil {
		err = p.Validate()
	}
	if err != nil {
		m.say(err.Error(), true)
		return m, nil
	}
	if p == m.params {
		return m, nil
	}
	old := m.params
	m.params = p
	m.say("running: "+describeParams(old, p)+"…", false)
	var cmds []tea.Cmd
	_, remote := m.remoteWorkspace()
	switch {
	case remote: // each run spends the workspace's query budget: wait for the last key
		var run tea.Cmd
		m, run = m.debounceRun(p)
		cmds = append(cmds, run)
	default:
		m.req.run = m.req.next()
		m.runBusy = true
		if m.deps.Engine != nil {
			ctx := swap(m.deps.Context, &m.req.cancelRun)
			cmds = append(cmds, runCmd(ctx, m.deps.Engine, m.req.run, p))
		}
	}
	if sensitivityChanged(m.sensFor, p) {
		m.sensFor = p
		m.req.sens = m.req.next()
		m.sensBusy = true
		if m.deps.Engine != nil {
			ctx := swap(m.deps.Context, &m.req.cancelSens)
			cmds = append(cmds, sensCmd(ctx, m.deps.Engine, m.req.sens, p))
		}
	}
	m, replay := m.followReplay()
	m.refire() // the First fired column is blank for another rule
	return m, tea.Batch(append(cmds, replay)...)
}

// matchesAny reports whether msg is one of bs.
func matchesAny(msg tea.KeyPressMsg, bs []key.Binding) bool {
	return key.Matches(msg, bs...)
}

// retry asks again, at the current parameters, for the rule, the
// sensitivity curve and the verdicts: after a failure (a full disk, an I/O
// error, a timeout) the analyst need not change a parameter to try again.
func (m Model) retry() (tea.Model, tea.Cmd) {
	if m.deps.Engine == nil {
		return m, nil
	}
	m.say("retrying the queries…", false)
	m.req.run = m.req.next()
	m.runBusy = true
	m.sensFor = m.params
	m.req.sens = m.req.next()
	m.sensBusy = true
	if m.res == nil {
		m.inviters.SetEmptyText("running the rule…")
	}
	run := runCmd(swap(m.deps.Context, &m.req.cancelRun), m.deps.Engine, m.req.run, m.params)
	sens := sensCmd(swap(m.deps.Context, &m.req.cancelSens), m.deps.Engine, m.req.sens, m.params)
	return m, tea.Batch(run, sens, m.fetchTriages())
}

func (m Model) openDetail() (tea.Model, tea.Cmd) {
	rows := m.guestAlerts()
	if m.guests.Cursor() >= len(rows) {
		return m, nil
	}
	a := rows[m.guests.Cursor()]
	m.req.detail = m.req.next()
	m = m.openPage(newDetailPage(m.req.detail, a))
	if cmd, ok := m.detailRecordCmd(m.req.detail, a); ok {
		return m, cmd
	}
	ctx := swap(m.deps.Context, &m.req.cancelDetail)
	return m, detailCmd(ctx, m.deps.Store, m.req.detail, a)
}

func (m Model) openWhy() (tea.Model, tea.Cmd) {
	if m.selected == "" {
		m.say("no inviter selected", true)
		return m, nil
	}
	m.req.why = m.req.next()
	m = m.openPage(newWhyPage(m.req.why))
	if m.deps.Engine == nil {
		return m, nil
	}
	ctx := swap(m.deps.Context, &m.req.cancelWhy)
	return m, whyCmd(ctx, m.deps.Engine, m.req.why, m.params, m.selected)
}

// copySelection copies the selected UPN through OSC 52, which also works
// over SSH.
func (m Model) copySelection() (tea.Model, tea.Cmd) {
	if m.focus == paneGuests {
		if rows := m.guestAlerts(); m.guests.Cursor() < len(rows) {
			return m, m.clip("the guest UPN", rows[m.guests.Cursor()].TargetUserPrincipalName)
		}
		return m, nil
	}
	if m.selected == "" {
		return m, nil
	}
	return m, m.clip("the inviter UPN", m.selected)
}

// clip puts text from the data on the clipboard in the one safe form
// (textsafe.Clipboard): one line, every hostile character as the visible
// marker the screen shows, so pasting it into a shell or a terminal can
// neither run a command nor drive the terminal. The raw value stays in the
// JSON exports.
func (m *Model) clip(what, s string) tea.Cmd {
	return m.copyClip(clipOf(what, s))
}

// copyClip copies c and says what was copied.
func (m *Model) copyClip(c *clipText) tea.Cmd {
	note := ""
	if c.note != "" {
		note = "; " + c.note
	}
	m.say(fmt.Sprintf("copied %s (%d bytes) to the clipboard (OSC 52)%s", c.what, len(c.text), note), false)
	return tea.SetClipboard(c.text)
}

// clipOf is a value from the data in the form y copies.
func clipOf(what, s string) *clipText {
	c := &clipText{what: what, text: textsafe.Clipboard(s)}
	if c.text != s {
		c.note = "hidden characters copied as markers"
	}
	return c
}

func (m Model) onMouse(msg tea.MouseMsg) (tea.Model, tea.Cmd) {
	if m.asking != promptNone || m.filtering || m.picker.open {
		return m, nil
	}
	if top := m.pages.top(); top != nil {
		p, cmd := top.Update(m.env(), msg)
		m.pages = m.pages.withTop(p)
		return m, cmd
	}
	y := msg.Mouse().Y
	gy, _ := m.guestsOrigin()
	if _, click := msg.(tea.MouseClickMsg); click {
		if y >= gy {
			m.setFocus(paneGuests)
		} else {
			m.setFocus(paneInviters)
		}
	}
	var cmd tea.Cmd
	if y >= gy {
		m.guests, _ = m.guests.Update(msg) // its header clicks do not sort
	} else {
		m.inviters, cmd = m.inviters.Update(msg)
		m.syncSelection(false)
	}
	return m, cmd
}

// remember keeps a committed prompt value for the prompt's history (up
// recalls it), once, most recent last. The map is replaced, not changed:
// models are values.
func (m *Model) remember(kind promptKind, v string) {
	if v == "" || kind == promptNote {
		return
	}
	h := slices.DeleteFunc(slices.Clone(m.history[kind]), func(s string) bool { return s == v })
	next := maps.Clone(m.history)
	if next == nil {
		next = map[promptKind][]string{}
	}
	next[kind] = append(h, v)
	m.history = next
}
