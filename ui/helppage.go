package ui

import (
	"strings"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
)

// helpPage lists the bindings of the page it was opened over, generated
// from the keymap, so help cannot drift from what the keys do. Sections are
// packed side by side when they fit the body; otherwise they are listed one
// after another and the page scrolls, so no binding is ever cut off.
type helpPage struct {
	over     string
	sections []HelpSection
	scroll   scrollPane
}

func newHelpPage(over pageKind, sections []HelpSection) helpPage {
	return helpPage{over: pageTitle(over), sections: sections}
}

func (h helpPage) Kind() pageKind { return pageHelp }

func (h helpPage) Resize(env pageEnv) Page {
	h.scroll.setSize(env.width, env.height)
	h.scroll.reflow(helpLines(h.over, h.sections, env.st, env.width, env.height))
	return h
}

func (h helpPage) Update(env pageEnv, msg tea.Msg) (Page, tea.Cmd) {
	switch msg.(type) {
	case tea.KeyPressMsg, tea.MouseWheelMsg:
		h.scroll.update(msg, env.keys)
	}
	return h, nil
}

func (h helpPage) View(pageEnv) string { return h.scroll.view() }

func (h helpPage) Status() StatusInfo {
	first, _, total := h.scroll.position()
	if total <= h.scroll.height {
		return StatusInfo{NoPosition: true}
	}
	return StatusInfo{Row: first, Rows: total, Unit: "line"}
}

func (h helpPage) Sections(k KeyMap) []HelpSection {
	return []HelpSection{{Title: "Help", Entries: []HelpEntry{
		{Binding: k.Close, Hint: "close"}, {Binding: k.Help}, {Binding: k.Down, Hint: "scroll"}, {Binding: k.ForceQuit},
	}}}
}

// helpLines lays the help out for width x height: packed in columns when
// that fits, else one section after another (the page then scrolls).
func helpLines(page string, sections []HelpSection, st Styles, width, height int) []string {
	if packed, fits := helpPacked(page, sections, st, width, height); fits {
		return strings.Split(packed, "\n")
	}
	lines := []string{st.HelpTitle.Render("guesthunt keys") + st.Dim.Render(" · "+page+" page  (esc, q or ? to close; ↓ scrolls)")}
	for _, sec := range sections {
		lines = append(lines, "")
		lines = append(lines, helpBlock(sec, st)...)
	}
	for i, l := range lines {
		lines[i] = ansi.Truncate(l, width, "…")
	}
	return lines
}
