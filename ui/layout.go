package ui

import (
	"fmt"
	"strings"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/guesthunt/guesthunt/hunt"
	"github.com/guesthunt/guesthunt/ui/safe"
)

// Screen layout, top to bottom: header (3-4 lines), sensitivity strip (2),
// inviters pane (title + table), guests pane (title + table), message line,
// status bar. Detail and why-flagged replace strip and panes.

const (
	stripHeight = 2
	chromeLines = 2 // message line and status bar
)

func (m Model) headerInfo() HeaderInfo {
	d := m.deps.Data
	h := HeaderInfo{Data: d, Params: paramsInfo(m.params, m.resolvedAsOf()), Coverage: CoverageInfo{BaselineCovered: true}, Triage: ptr(m.triageInfo())}
	h.Data.Loading = m.opening
	h.Exercise = m.exerciseLabel()
	if ws, ok := m.remoteWorkspace(); ok {
		h.Remote, h.RemoteBusy = ws, m.runBusy
	}
	if m.res != nil {
		if d.From.IsZero() {
			h.Data.From, h.Data.To = m.res.Coverage.DataFrom, m.res.Coverage.DataTo
		}
		// The header describes what is on screen, not a request in flight.
		h.Params = paramsInfo(m.res.Params, m.res.AsOf)
		h.Coverage = CoverageInfo{BaselineCovered: m.res.Coverage.BaselineCovered, Note: m.res.Coverage.Note}
		if _, remote := m.remoteWorkspace(); remote && h.Params.AsOfNote == "end of data" {
			h.Params.AsOfNote = "now" // a workspace's latest is the clock (RemoteRule)
		}
		for _, w := range m.res.Warnings {
			if w.Kind != hunt.WarnBaselineNotCovered { // the coverage line says it
				h.Warnings = append(h.Warnings, w.Text)
			}
		}
	}
	if m.report != nil {
		if n := LoadProblemCount(*m.report); n > 0 {
			// First: a load that lost records colours every answer below it.
			h.Warnings = append([]string{fmt.Sprintf("%s in the load: L shows every file's rejections and breaks", plural(n, "problem"))}, h.Warnings...)
		}
	}
	return h
}

func ptr[T any](v T) *T { return &v }

// headerHeight counts the header's lines: data, parameters, verdicts, and
// the warnings as wrapped at this width.
func (m Model) headerHeight() int {
	return headerLines + len(warningLines(m.headerInfo().allWarnings(), m.styles, m.width))
}

// paneHeights splits what is left between the two tables (each including
// its header row), inviters first.
func (m Model) paneHeights() (inv, guests int) {
	avail := m.height - m.headerHeight() - stripHeight - 2 - chromeLines
	inv = max(avail/2, 2)
	return inv, max(avail-inv, 2)
}

// guestsOrigin is the screen row of the guests table's header, and its height.
func (m Model) guestsOrigin() (y, h int) {
	inv, g := m.paneHeights()
	return m.headerHeight() + stripHeight + 1 + inv + 1, g
}

// relayout sizes every part for the current terminal and theme.
func (m *Model) relayout() {
	m.laidHeader = m.headerHeight()
	inv, g := m.paneHeights()
	top := m.headerHeight() + stripHeight + 1
	m.inviters.SetSize(m.width, inv)
	m.inviters.SetOrigin(0, top)
	m.guests.SetSize(m.width, g)
	m.guests.SetOrigin(0, top+inv+1)
	m.resizePages()
}

// View draws the screen. It only reads state: nothing here waits on DuckDB.
func (m Model) View() tea.View {
	v := tea.NewView(m.render())
	v.AltScreen = true
	v.MouseMode = tea.MouseModeCellMotion
	v.WindowTitle = "guesthunt"
	return v
}

func (m Model) render() string {
	if m.width <= 0 || m.height <= 0 {
		return ""
	}
	if TooSmall(m.width, m.height) {
		return TooSmallView(m.width, m.height, m.styles)
	}
	parts := []string{Header(m.headerInfo(), m.styles, m.width)}
	if top := m.pages.top(); top != nil {
		parts = append(parts, top.View(m.env()))
	} else if m.opening {
		body := strings.Split(m.loadView.View(m.styles, m.width, m.env().height), "\n")
		for len(body) < m.env().height {
			body = append(body, "")
		}
		parts = append(parts, strings.Join(body, "\n"))
	} else {
		strip := Strip(m.stripPoints(), baselineDays(m.shownParams().Baseline), m.width, m.styles)
		if m.sensNote != "" {
			strip = remoteStrip(m.sensNote, m.width, m.styles)
		}
		parts = append(parts, strip, m.paneTitle(paneInviters), m.inviters.View())
		if m.picker.open {
			_, g := m.paneHeights()
			parts = append(parts, m.picker.view(m.styles, m.width, g+1))
		} else {
			parts = append(parts, m.paneTitle(paneGuests), m.guests.View())
		}
	}
	parts = append(parts, m.messageLine(), StatusBar(m.statusInfo(), HintsOf(m.sections(), m.keys.Help), m.styles, m.width))
	return strings.Join(parts, "\n")
}

func (m Model) stripPoints() []SensitivityPoint {
	out := make([]SensitivityPoint, len(m.sens))
	for i, p := range m.sens {
		out[i] = SensitivityPoint{Days: p.BaselineDays, Flagged: p.Inviters, Covered: p.Covered}
	}
	return out
}

// shownParams are the parameters of what is on screen.
func (m Model) shownParams() hunt.Params {
	if m.res != nil {
		return m.res.Params
	}
	return m.params
}

func (m Model) paneTitle(p pane) string {
	st := m.styles
	mark := "  "
	if m.focus == p {
		mark = "▶ "
	}
	var title string
	if p == paneInviters {
		n := 0
		if m.res != nil {
			n = len(m.res.Inviters)
		}
		title = st.PaneTitle.Render(mark+"New inviters") + st.Dim.Render(fmt.Sprintf("  %d shown of %d flagged", m.rows.Len(), n))
		if f := m.filter.Value(); f != "" && !(m.filtering && m.filterPane == paneInviters) {
			title += st.Dim.Render("  filter ") + safe.StyledLine(f, 30, rf(st.Value), rf(st.Marker))
		}
		if v := m.triageView().only; v != "" {
			title += st.Dim.Render("  verdict ") + st.Value.Render(verdictLong(v))
		}
	} else {
		title = st.PaneTitle.Render(mark + "Guests invited by ")
		if m.selected == "" {
			title += st.Dim.Render("(none selected)")
		} else {
			title += safe.StyledLine(m.selected, m.width/2, rf(st.Value), rf(st.Marker)) +
				st.Dim.Render(fmt.Sprintf("  %s", plural(m.guests.Len(), "invite")))
			if f := m.guestFilter.Value(); f != "" {
				title += st.Dim.Render(fmt.Sprintf(" of %d  filter ", len(m.byUPN[m.selected]))) + safe.StyledLine(f, 30, rf(st.Value), rf(st.Marker))
			}
			// The inviter's note: analyst text that may quote hostile data.
			if note := m.current(inviterSubject(m.selected)).Note; note != "" {
				title += st.Dim.Render("  ✎ ") + safe.StyledLine(note, max(m.width/3, 10), rf(st.Value), rf(st.Marker))
			}
		}
	}
	return ansi.Truncate(title, m.width, "…")
}

func (m Model) messageLine() string {
	st := m.styles
	switch {
	case m.asking != promptNone:
		return m.prompt.view(st, m.width)
	case m.filtering && m.filterPane == paneGuests:
		return m.guestFilter.view(st, m.width)
	case m.filtering:
		return m.filter.view(st, m.width)
	case m.message == "":
		return ""
	case m.msgErr:
		return st.Error.Render("✗ ") + safe.StyledLine(m.message, m.width-2, rf(st.Error), rf(st.Marker))
	}
	return safe.StyledLine(m.message, m.width, rf(st.Message), rf(st.Marker))
}

func (m Model) statusInfo() StatusInfo {
	if top := m.pages.top(); top != nil {
		info := top.Status()
		info.Querying = info.Querying || m.runBusy || m.sensBusy
		return info
	}
	if m.opening {
		return StatusInfo{NoPosition: true, Querying: true}
	}
	info := StatusInfo{Querying: m.runBusy || m.sensBusy, Filter: m.filter.Value()}
	if m.res != nil {
		info.QueryTime = m.res.Elapsed
	}
	t := m.inviters
	if m.focus == paneGuests {
		t = m.guests
	}
	info.Row, info.Rows = t.Cursor()+1, t.Len()
	if m.sortCol >= 0 {
		info.SortColumn = inviterColumns()[m.sortCol].Title
		info.SortDesc = m.sortDesc
	}
	return info
}
