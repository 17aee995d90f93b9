package ui

import (
	"strings"

	tea "charm.land/bubbletea/v2"
)

// pagerPage is a page of pre-rendered lines that scrolls: the event detail,
// why-flagged, the KQL, the load report, a row page. Its content is laid
// out anew for every width and theme by render; while an answer is awaited
// (seq > 0) it says "loading…".
type pagerPage struct {
	kind pageKind
	// seq is the request whose answer fills the page; 0 once filled.
	seq    int
	render func(st Styles, width int) []string
	// accept takes an engine answer; ok=false when it is not this page's.
	accept func(msg tea.Msg, seq int) (render func(Styles, int) []string, clip *clipText, ok bool)
	clip   *clipText // what y copies; nil: nothing
	scroll scrollPane
	extra  []HelpEntry // the page's own keys beyond scrolling, copy and back
	onKey  func(p pagerPage, env pageEnv, msg tea.KeyPressMsg) (pagerPage, tea.Cmd, bool)
}

// clipText is what a page copies with y, already in the form to copy.
type clipText struct {
	what, text string
	// sanitized: text came through textsafe.Clipboard(Record); say so when
	// it differs from the value.
	note string
}

func (p pagerPage) Kind() pageKind { return p.kind }

// clipboard is what y copies on this page (the root does the copying, so
// the message line says what went).
func (p pagerPage) clipboard() *clipText { return p.clip }

func (p pagerPage) loading() bool { return p.seq > 0 }

func (p pagerPage) Resize(env pageEnv) Page {
	p.scroll.setSize(env.width, env.height)
	if p.render != nil {
		p.scroll.reflow(p.render(env.st, env.width))
	}
	return p
}

func (p pagerPage) Update(env pageEnv, msg tea.Msg) (Page, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.KeyPressMsg:
		if p.onKey != nil {
			q, cmd, done := p.onKey(p, env, msg)
			if done {
				return q, cmd
			}
		}
		p.scroll.update(msg, env.keys)
	case tea.MouseWheelMsg:
		p.scroll.update(msg, env.keys)
	default:
		if p.accept != nil && p.seq > 0 {
			if render, clip, ok := p.accept(msg, p.seq); ok {
				p.seq, p.render, p.clip = 0, render, clip
				p.scroll.setContent(render(env.st, env.width))
			}
		}
	}
	return p, nil
}

func (p pagerPage) View(env pageEnv) string {
	if p.loading() {
		body := make([]string, max(env.height, 1))
		body[0] = env.st.Dim.Render("loading…")
		return strings.Join(body, "\n")
	}
	return p.scroll.view()
}

func (p pagerPage) Sections(k KeyMap) []HelpSection {
	page := []HelpEntry{}
	if p.clip != nil {
		page = append(page, HelpEntry{Binding: k.Copy, Hint: "copy"})
	}
	page = append(page, p.extra...)
	page = append(page, HelpEntry{Binding: k.Close, Hint: "back"}, HelpEntry{Binding: k.Help, Hint: "help"}, HelpEntry{Binding: k.ForceQuit})
	return []HelpSection{
		{Title: "Scrolling", Entries: []HelpEntry{
			{Binding: k.Up}, {Binding: k.Down, Hint: "scroll"}, {Binding: k.PageUp}, {Binding: k.PageDown}, {Binding: k.Home}, {Binding: k.End},
		}},
		{Title: pageTitle(p.kind), Entries: page},
	}
}

func (p pagerPage) Status() StatusInfo {
	first, _, total := p.scroll.position()
	return StatusInfo{Row: first, Rows: total, Querying: p.loading(), Unit: "line"}
}

// pageTitle names a page in help.
func pageTitle(k pageKind) string {
	switch k {
	case pageDetail:
		return "Event detail"
	case pageWhy:
		return "Why flagged"
	case pageKQL:
		return "Rule KQL"
	case pageHelp:
		return "Help"
	case pageLoadReport:
		return "Load report"
	case pageRow:
		return "Row"
	case pagePivot:
		return "Pivot"
	case pageReport:
		return "Report"
	case pageScore:
		return "Score"
	case pageTimeline:
		return "Timeline"
	case pageTrail:
		return "Guest trail"
	case pageTrailStep:
		return "Trail step"
	}
	return "Main"
}

// lines returns the page's content as laid out now (tests read it).
func (p pagerPage) lines() []string { return p.scroll.lines }
