package ui

import (
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
)

// scrollPane shows pre-rendered lines (already sanitized and styled) in a
// window of height lines, for the event detail and why-flagged views.
type scrollPane struct {
	lines  []string
	offset int
	height int
	width  int
}

func (s *scrollPane) setContent(lines []string) {
	s.lines = lines
	s.offset = 0
}

// reflow swaps in the same content laid out anew (after a resize or a theme
// change), keeping the reader's place as far as the new length allows.
func (s *scrollPane) reflow(lines []string) {
	s.lines = lines
	s.scroll(0)
}

func (s *scrollPane) setSize(w, h int) {
	s.width, s.height = w, h
	s.scroll(0)
}

func (s *scrollPane) scroll(d int) {
	s.offset = max(0, min(s.offset+d, len(s.lines)-s.height))
}

func (s *scrollPane) update(msg tea.Msg, k KeyMap) {
	switch msg := msg.(type) {
	case tea.KeyPressMsg:
		switch {
		case key.Matches(msg, k.Up):
			s.scroll(-1)
		case key.Matches(msg, k.Down):
			s.scroll(1)
		case key.Matches(msg, k.PageUp):
			s.scroll(-max(s.height-1, 1))
		case key.Matches(msg, k.PageDown):
			s.scroll(max(s.height-1, 1))
		case key.Matches(msg, k.Home):
			s.offset = 0
		case key.Matches(msg, k.End):
			s.scroll(len(s.lines))
		}
	case tea.MouseWheelMsg:
		switch msg.Button {
		case tea.MouseWheelUp:
			s.scroll(-3)
		case tea.MouseWheelDown:
			s.scroll(3)
		}
	}
}

// view draws exactly height lines, each cut to width.
func (s scrollPane) view() string {
	out := make([]string, s.height)
	for i := range out {
		if j := s.offset + i; j < len(s.lines) {
			out[i] = ansi.Truncate(s.lines[j], s.width, "…")
		}
	}
	return strings.Join(out, "\n")
}

// position is "lines a-b of n" for the status bar.
func (s scrollPane) position() (first, last, total int) {
	return s.offset + 1, min(s.offset+s.height, len(s.lines)), len(s.lines)
}
