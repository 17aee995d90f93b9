package ui

import (
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
)

// Views as pages, after soft-serve: the main page (the two panes, drawn by
// the root model itself, which owns the result they show) is at the bottom;
// every other view — event detail, why-flagged, KQL, the load report, a row
// page, pivots, help — is a Page pushed on top of it. The root routes a key
// to an open input first, then to the global keys (ctrl+c, ?, esc and q,
// which close the top page), then to the top page. The hint bar and the help
// screen come from the top page's own bindings, so a page never shows keys
// that do nothing there.

// pageKind names a page, for tests and for answers addressed to one.
type pageKind int

const (
	pageMain pageKind = iota
	pageDetail
	pageWhy
	pageKQL
	pageHelp
	pageLoadReport
	pageRow
	pagePivot
	pageReport
	pageScore
	pageTimeline
	pageTrail
	pageTrailStep
)

// pageEnv is what every page draws with: the session's styles and keys and
// the body's size (the screen minus header, message line and status bar).
type pageEnv struct {
	st            Styles
	keys          KeyMap
	width, height int
}

// Page is one view above the main page. Pages are values: Update returns
// the page as changed.
type Page interface {
	Kind() pageKind
	// Update handles a key, mouse or paste event meant for this page, or an
	// answer from the engine (a page ignores answers that are not its own).
	Update(env pageEnv, msg tea.Msg) (Page, tea.Cmd)
	// View draws the body: exactly env.height lines of at most env.width cells.
	View(env pageEnv) string
	// Resize lays the page out again for a new size or theme.
	Resize(env pageEnv) Page
	// Sections are the page's own key bindings, for the help screen and the
	// hint bar (entries with a Hint are shown in the bar).
	Sections(k KeyMap) []HelpSection
	// Status is the status bar's left side while the page is on top.
	Status() StatusInfo
}

// statusMsg puts a line in the message line; pages say things through it.
type statusMsg struct {
	text  string
	isErr bool
}

func sayCmd(text string, isErr bool) tea.Cmd {
	return func() tea.Msg { return statusMsg{text: text, isErr: isErr} }
}

// pageStack is the pages above the main page, bottom first. It is replaced,
// never changed in place, because models are values.
type pageStack []Page

func (s pageStack) top() Page {
	if len(s) == 0 {
		return nil
	}
	return s[len(s)-1]
}

func (s pageStack) push(p Page) pageStack {
	return append(s[:len(s):len(s)], p)
}

func (s pageStack) pop() pageStack {
	if len(s) == 0 {
		return s
	}
	return s[: len(s)-1 : len(s)-1]
}

// withTop replaces the top page.
func (s pageStack) withTop(p Page) pageStack {
	out := append(pageStack(nil), s...)
	out[len(out)-1] = p
	return out
}

// each applies f to every page (answers reach pages under help too).
func (s pageStack) each(f func(Page) (Page, tea.Cmd)) (pageStack, tea.Cmd) {
	if len(s) == 0 {
		return s, nil
	}
	out := make(pageStack, len(s))
	var cmds []tea.Cmd
	for i, p := range s {
		var cmd tea.Cmd
		out[i], cmd = f(p)
		cmds = append(cmds, cmd)
	}
	return out, tea.Batch(cmds...)
}

// topKind is the kind of the page on top, pageMain when none is open.
func (m Model) topKind() pageKind {
	if p := m.pages.top(); p != nil {
		return p.Kind()
	}
	return pageMain
}

// onPage reports whether the page on top is of kind k.
func (m Model) onPage(k pageKind) bool { return m.topKind() == k }

// env is the body's size and the session's look for pages.
func (m Model) env() pageEnv {
	return pageEnv{st: m.styles, keys: m.keys, width: m.width, height: max(m.height-m.headerHeight()-chromeLines, 1)}
}

// openPage pushes p, sized for the screen.
func (m Model) openPage(p Page) Model {
	m.pages = m.pages.push(p.Resize(m.env()))
	return m
}

// closePage pops the top page.
func (m Model) closePage() Model {
	m.pages = m.pages.pop()
	return m
}

// resizePages lays every page out again.
func (m *Model) resizePages() {
	env := m.env()
	m.pages, _ = m.pages.each(func(p Page) (Page, tea.Cmd) { return p.Resize(env), nil })
}

// deliver hands an engine answer to every page; each takes only its own.
func (m Model) deliver(msg tea.Msg) (Model, tea.Cmd) {
	env := m.env()
	var cmd tea.Cmd
	m.pages, cmd = m.pages.each(func(p Page) (Page, tea.Cmd) { return p.Update(env, msg) })
	return m, cmd
}

// sections are the active page's bindings: the main page's, or the top page's.
func (m Model) sections() []HelpSection {
	if p := m.pages.top(); p != nil {
		return p.Sections(m.keys)
	}
	if m.opening || m.openErr != "" {
		// Nothing to act on yet: only what works.
		return []HelpSection{{Title: "Loading", Entries: []HelpEntry{
			{Binding: m.keys.LoadReport, Hint: "load report"}, {Binding: m.keys.Help, Hint: "help"}, {Binding: m.keys.Quit, Hint: "quit"},
		}}}
	}
	return m.keys.Sections()
}

// anyOf reports whether a page of kind k is open anywhere in the stack.
func (s pageStack) anyOf(k pageKind) bool {
	for _, p := range s {
		if p.Kind() == k {
			return true
		}
	}
	return false
}

// moveCursor applies a list's cursor keys to c in [0, last]: prev and next
// one step (the axis is the page's: days across, steps down), home and end.
// moved is false for any other key.
func moveCursor(msg tea.KeyPressMsg, prev, next key.Binding, k KeyMap, c, last int) (int, bool) {
	switch {
	case key.Matches(msg, prev):
		return max(c-1, 0), true
	case key.Matches(msg, next):
		return min(c+1, last), true
	case key.Matches(msg, k.Home):
		return 0, true
	case key.Matches(msg, k.End):
		return last, true
	}
	return c, false
}
