package ui

import (
	tea "charm.land/bubbletea/v2"
)

// helpPage lists the bindings of the page it was opened over, generated
// from the keymap, so help cannot drift from what the keys do.
type helpPage struct {
	over     string
	sections []HelpSection
}

func newHelpPage(over pageKind, sections []HelpSection) helpPage {
	return helpPage{over: pageTitle(over), sections: sections}
}

func (h helpPage) Kind() pageKind                          { return pageHelp }
func (h helpPage) Resize(pageEnv) Page                     { return h }
func (h helpPage) Update(pageEnv, tea.Msg) (Page, tea.Cmd) { return h, nil }
func (h helpPage) Status() StatusInfo                      { return StatusInfo{} }
func (h helpPage) View(env pageEnv) string {
	return HelpView(h.over, h.sections, env.st, env.width, env.height)
}
func (h helpPage) Sections(k KeyMap) []HelpSection {
	return []HelpSection{{Title: "Help", Entries: []HelpEntry{
		{Binding: k.Close, Hint: "close"}, {Binding: k.Help}, {Binding: k.ForceQuit},
	}}}
}
