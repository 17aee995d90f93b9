package ui

import (
	"image/color"

	"charm.land/lipgloss/v2"
	"github.com/guesthunt/guesthunt/ui/table"
)

// Styles holds every style the workbench draws with. It is a value built per
// session (SSH sessions differ in background and NO_COLOR), never a global.
type Styles struct {
	App     lipgloss.Style
	Title   lipgloss.Style
	Label   lipgloss.Style // "baseline", "as of", …
	Value   lipgloss.Style // the parameter values
	Dim     lipgloss.Style
	Demo    lipgloss.Style // the DEMO badge: synthetic data must never pass for real
	Warning lipgloss.Style
	Error   lipgloss.Style
	// Marker is laid over text for safe.* markers (control, bidi, invisible
	// characters), so they stand apart from data that only looks like them.
	Marker lipgloss.Style

	Table table.Styles

	StatusBar lipgloss.Style
	HintKey   lipgloss.Style
	HintDesc  lipgloss.Style

	HelpTitle   lipgloss.Style
	HelpSection lipgloss.Style
	HelpKey     lipgloss.Style
	HelpDesc    lipgloss.Style

	StripBar       lipgloss.Style
	StripUncovered lipgloss.Style
	StripCurrent   lipgloss.Style

	// The timeline: invites, a day that alerted (its bars and NEW), the
	// cursor's ▲.
	TimelineBar    lipgloss.Style
	TimelineAlert  lipgloss.Style
	TimelineCursor lipgloss.Style

	// The detail view's record: JSON keys and string values apart from
	// numbers and punctuation, so a long record can be scanned.
	JSONKey    lipgloss.Style
	JSONString lipgloss.Style
	PaneTitle  lipgloss.Style
	Message    lipgloss.Style // the line above the status bar: what just changed
}

// NewStyles builds the styles for a background (isDark, from
// tea.BackgroundColorMsg) or, with noColor, without any colour at all: only
// bold, underline and reverse, which every terminal can show.
func NewStyles(isDark, noColor bool) Styles {
	if noColor {
		return plainStyles()
	}
	ld := lipgloss.LightDark(isDark)
	c := func(light, dark string) color.Color { return ld(lipgloss.Color(light), lipgloss.Color(dark)) }
	var (
		accent  = c("#4B2FB0", "#B8A6FF")
		text    = c("#1A1A1A", "#E8E8E8")
		dim     = c("#5F5F5F", "#9A9A9A")
		warn    = c("#8A4B00", "#FFB454")
		bad     = c("#B00020", "#FF7070")
		marker  = c("#A0006E", "#FF79C6")
		selBg   = c("#D6CCFF", "#41367A")
		selFg   = c("#000000", "#FFFFFF")
		blurBg  = c("#E2E2E2", "#303030")
		barFg   = c("#2F6FB0", "#6CB6FF")
		unCovFg = c("#A8A8A8", "#5A5A5A")
	)
	s := lipgloss.NewStyle()
	return Styles{
		App:     s.Foreground(text),
		Title:   s.Bold(true).Foreground(accent),
		Label:   s.Foreground(dim),
		Value:   s.Bold(true).Foreground(text),
		Dim:     s.Foreground(dim),
		Demo:    s.Bold(true).Foreground(c("#FFFFFF", "#000000")).Background(warn),
		Warning: s.Bold(true).Foreground(warn),
		Error:   s.Bold(true).Foreground(bad),
		Marker:  s.Bold(true).Foreground(marker),
		Table: table.Styles{
			Header:          s.Bold(true).Foreground(accent),
			Cell:            s.Foreground(text),
			Selected:        s.Bold(true).Foreground(selFg).Background(selBg),
			SelectedBlurred: s.Foreground(text).Background(blurBg),
			Cursor:          s.Bold(true).Underline(true).Foreground(selFg).Background(selBg),
			Marker:          s.Bold(true).Foreground(marker),
			Empty:           s.Italic(true).Foreground(dim),
		},
		StatusBar:      s.Foreground(text).Background(blurBg),
		HintKey:        s.Bold(true).Foreground(accent),
		HintDesc:       s.Foreground(dim),
		HelpTitle:      s.Bold(true).Foreground(accent),
		HelpSection:    s.Bold(true).Underline(true).Foreground(text),
		HelpKey:        s.Bold(true).Foreground(accent),
		HelpDesc:       s.Foreground(text),
		StripBar:       s.Foreground(barFg),
		StripUncovered: s.Foreground(unCovFg),
		StripCurrent:   s.Bold(true).Foreground(warn),
		TimelineBar:    s.Foreground(barFg),
		TimelineAlert:  s.Bold(true).Foreground(bad),
		TimelineCursor: s.Bold(true).Foreground(warn),
		JSONKey:        s.Foreground(accent),
		JSONString:     s.Foreground(c("#1F6F3F", "#8FD694")),
		PaneTitle:      s.Bold(true).Foreground(text),
		Message:        s.Foreground(text),
	}
}

// plainStyles honours NO_COLOR: meaning is carried by attributes and glyphs
// (the strip marks uncovered days with ░), never by colour.
func plainStyles() Styles {
	s := lipgloss.NewStyle()
	return Styles{
		Title:   s.Bold(true),
		Value:   s.Bold(true),
		Demo:    s.Bold(true).Reverse(true),
		Warning: s.Bold(true),
		Error:   s.Bold(true).Reverse(true),
		Marker:  s.Bold(true).Underline(true),
		Table: table.Styles{
			Header:          s.Bold(true).Underline(true),
			Selected:        s.Reverse(true),
			SelectedBlurred: s.Underline(true),
			Cursor:          s.Reverse(true).Underline(true).Bold(true),
			Marker:          s.Bold(true).Underline(true),
		},
		StatusBar:    s.Reverse(true),
		HintKey:      s.Bold(true),
		HelpTitle:    s.Bold(true),
		HelpSection:  s.Bold(true).Underline(true),
		HelpKey:      s.Bold(true),
		StripCurrent: s.Bold(true).Reverse(true),
		// Alerted days differ by glyph (bars, not ·); bold adds weight.
		TimelineAlert:  s.Bold(true),
		TimelineCursor: s.Bold(true),
		JSONKey:        s.Bold(true),
		PaneTitle:      s.Bold(true),
	}
}
