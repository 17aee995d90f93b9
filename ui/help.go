package ui

import (
	"strings"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"
)

// HelpView draws the help for one page from its sections (generated from
// the keymap), packing sections into as many columns as the height
// requires. It never exceeds width x height: what does not fit is cut, and
// the last line says so.
func HelpView(page string, sections []HelpSection, st Styles, width, height int) string {
	if width <= 0 || height <= 0 {
		return ""
	}
	out, _ := helpPacked(page, sections, st, width, height)
	return clip(out, width, height)
}

// helpPacked lays the sections out side by side for width x height, and
// says whether that shows everything uncut.
func helpPacked(page string, sections []HelpSection, st Styles, width, height int) (string, bool) {
	title := st.HelpTitle.Render("guesthunt keys") + st.Dim.Render(" · "+page+" page  (esc, q or ? to close)")
	body := height - 2 // title and blank line
	var cols [][]string
	var cur []string
	for _, sec := range sections {
		block := helpBlock(sec, st)
		if len(cur) > 0 && len(cur)+1+len(block) > body {
			cols = append(cols, cur)
			cur = nil
		}
		if len(cur) > 0 {
			cur = append(cur, "")
		}
		cur = append(cur, block...)
	}
	cols = append(cols, cur)

	rendered := make([]string, len(cols))
	for i, c := range cols {
		rendered[i] = strings.Join(c, "\n")
		if i < len(cols)-1 {
			rendered[i] = lipgloss.NewStyle().PaddingRight(4).Render(rendered[i])
		}
	}
	out := title + "\n\n" + lipgloss.JoinHorizontal(lipgloss.Top, rendered...)
	if lipgloss.Width(out) > width || lipgloss.Height(out) > height {
		// Too small for whole sections side by side: flow the lines down
		// and across, a section continuing in the next column.
		// Used only when it shows everything; otherwise the cut is marked.
		if c := title + "\n" + compactHelp(sections, st, height-1); lipgloss.Width(c) <= width {
			out = c
		}
	}
	return out, lipgloss.Width(out) <= width && lipgloss.Height(out) <= height
}

// compactHelp lays every help line out column by column, height lines a
// column, without blank lines, two cells apart.
func compactHelp(sections []HelpSection, st Styles, height int) string {
	var all []string
	for _, sec := range sections {
		all = append(all, helpBlock(sec, st)...)
	}
	height = max(height, 1)
	var cols []string
	for i := 0; i < len(all); i += height {
		col := strings.Join(all[i:min(i+height, len(all))], "\n")
		if i+height < len(all) {
			col = lipgloss.NewStyle().PaddingRight(2).Render(col)
		}
		cols = append(cols, col)
	}
	return lipgloss.JoinHorizontal(lipgloss.Top, cols...)
}

func helpBlock(sec HelpSection, st Styles) []string {
	kw := 0
	for _, e := range sec.Entries {
		kw = max(kw, ansi.StringWidth(e.Binding.Help().Key))
	}
	lines := []string{st.HelpSection.Render(sec.Title)}
	for _, e := range sec.Entries {
		if !e.Binding.Enabled() {
			continue // e.g. X outside an exercise
		}
		h := e.Binding.Help()
		pad := strings.Repeat(" ", kw-ansi.StringWidth(h.Key))
		lines = append(lines, st.HelpKey.Render(h.Key)+pad+"  "+st.HelpDesc.Render(h.Desc))
	}
	return lines
}

// clip cuts a block to width x height, marking lost lines with a final "…".
func clip(s string, width, height int) string {
	lines := strings.Split(s, "\n")
	if len(lines) > height {
		lines = append(lines[:height-1], "…")
	}
	for i, l := range lines {
		lines[i] = ansi.Truncate(l, width, "…")
	}
	return strings.Join(lines, "\n")
}
