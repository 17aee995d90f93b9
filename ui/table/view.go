package table

import (
	"strings"

	"charm.land/lipgloss/v2"
	"github.com/guesthunt/guesthunt/ui/safe"
)

// View draws exactly height lines of exactly width cells: the header, the
// visible rows, then blank lines.
func (m Model) View() string {
	if m.width <= 0 || m.height <= 0 {
		return ""
	}
	var b strings.Builder
	b.WriteString(m.headerLine())
	n := m.src.Len()
	body := m.bodyHeight()
	for i := 0; i < body; i++ {
		b.WriteByte('\n')
		row := m.offset + i
		switch {
		case n == 0 && i == 0:
			segs, w := safe.Fit(m.empty, m.width)
			b.WriteString(m.styles.Empty.Render(safe.Join(segs, nil, nil)) + strings.Repeat(" ", m.width-w))
		case row < n:
			b.WriteString(m.rowLine(row))
		default:
			b.WriteString(strings.Repeat(" ", m.width))
		}
	}
	return b.String()
}

func (m Model) headerLine() string {
	titles := make([]string, len(m.cols))
	for i, c := range m.cols {
		titles[i] = c.Title
		if i == m.sortCol {
			// The indicator must survive truncation, so the title is cut first.
			ind := " ▲"
			if m.sortDesc {
				ind = " ▼"
			}
			titles[i] = safe.Line(c.Title, m.widths[i]-2) + ind
		}
	}
	return m.line(titles, m.styles.Header)
}

func (m Model) rowLine(i int) string {
	st := m.styles.Cell
	if i == m.cursor {
		st = m.styles.SelectedBlurred
		if m.focused {
			st = m.styles.Selected
		}
	}
	return m.line(m.src.Row(i), st)
}

// line lays cells out in their columns. Plain text, padding and gaps are
// gathered and rendered with the row style in one go; each marker is rendered
// with the marker style laid over the row style, so a selected row keeps its
// highlight across markers.
func (m Model) line(cells []string, st lipgloss.Style) string {
	var out, run strings.Builder
	flush := func() {
		if run.Len() > 0 {
			out.WriteString(st.Render(run.String()))
			run.Reset()
		}
	}
	mark := m.styles.Marker.Inherit(st)
	used := 0
	for i, w := range m.widths {
		if w <= 0 {
			continue
		}
		if i > 0 && used > 0 {
			run.WriteString(strings.Repeat(" ", gap))
			used += gap
		}
		cell := ""
		if i < len(cells) {
			cell = cells[i]
		}
		segs, cw := safe.Fit(cell, w)
		for _, sg := range segs {
			if sg.Marker || (sg.Raw == "" && sg.Text == safe.Ellipsis) {
				flush()
				out.WriteString(mark.Render(sg.Text))
				continue
			}
			run.WriteString(sg.Text)
		}
		run.WriteString(strings.Repeat(" ", w-cw))
		used += w
	}
	if used < m.width {
		run.WriteString(strings.Repeat(" ", m.width-used))
	}
	flush()
	return out.String()
}
