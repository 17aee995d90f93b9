package table

import (
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
)

// wheelStep is how many rows one wheel notch moves.
const wheelStep = 3

// Update moves the cursor on navigation keys (when focused), the mouse wheel
// and clicks. A click on a title returns a HeaderClickMsg command.
func (m Model) Update(msg tea.Msg) (Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.KeyPressMsg:
		if !m.focused {
			return m, nil
		}
		page := max(m.bodyHeight(), 1)
		switch {
		case key.Matches(msg, m.keys.Up):
			m.SetCursor(m.cursor - 1)
		case key.Matches(msg, m.keys.Down):
			m.SetCursor(m.cursor + 1)
		case key.Matches(msg, m.keys.PageUp):
			m.pageBy(-page)
		case key.Matches(msg, m.keys.PageDown):
			m.pageBy(page)
		case key.Matches(msg, m.keys.Home):
			m.SetCursor(0)
		case key.Matches(msg, m.keys.End):
			m.SetCursor(m.src.Len() - 1)
		case key.Matches(msg, m.keys.Left):
			m.SetSelectedColumn(m.ccol - 1)
		case key.Matches(msg, m.keys.Right):
			m.SetSelectedColumn(m.ccol + 1)
		}
	case tea.MouseWheelMsg:
		if !m.inside(msg.X, msg.Y) {
			return m, nil
		}
		switch msg.Button {
		case tea.MouseWheelUp:
			m.SetCursor(m.cursor - wheelStep)
		case tea.MouseWheelDown:
			m.SetCursor(m.cursor + wheelStep)
		}
	case tea.MouseClickMsg:
		if msg.Button != tea.MouseLeft || !m.inside(msg.X, msg.Y) {
			return m, nil
		}
		y := msg.Y - m.y
		col := m.plan(m.visibleRows()).colAt(msg.X - m.x)
		if y == 0 {
			if col >= 0 {
				return m, func() tea.Msg { return HeaderClickMsg{Col: col} }
			}
			return m, nil
		}
		if row := m.offset + y - 1; row < m.src.Len() {
			m.SetCursor(row)
			if col >= 0 {
				m.ccol = col // a click picks the cell, as the column keys do
			}
		}
	}
	return m, nil
}

// pageBy moves cursor and view together, like a pager.
func (m *Model) pageBy(d int) {
	n := m.src.Len()
	body := m.bodyHeight()
	m.offset = max(0, min(m.offset+d, n-body))
	m.SetCursor(m.cursor + d)
}

func (m Model) inside(x, y int) bool {
	return x >= m.x && x < m.x+m.width && y >= m.y && y < m.y+m.height
}
