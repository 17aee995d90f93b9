package table

import (
	"strings"

	"charm.land/lipgloss/v2"
	"github.com/guesthunt/guesthunt/ui/safe"
)

// visibleRows fetches the rows on screen, the only ones the table asks for.
func (m Model) visibleRows() [][]string {
	n := min(m.bodyHeight(), max(m.src.Len()-m.offset, 0))
	rows := make([][]string, n)
	for i := range rows {
		rows[i] = m.src.Row(m.offset + i)
	}
	return rows
}

// View draws exactly height lines of exactly width cells: the header, the
// visible rows, then blank lines.
func (m Model) View() string {
	if m.width <= 0 || m.height <= 0 {
		return ""
	}
	rows := m.visibleRows()
	p := m.plan(rows)
	var b strings.Builder
	b.WriteString(m.headerLine(p))
	n := m.src.Len()
	for i := range m.bodyHeight() {
		b.WriteByte('\n')
		switch {
		case n == 0 && i == 0:
			segs, w := safe.Fit(m.empty, m.width)
			b.WriteString(m.styles.Empty.Render(safe.Join(segs, nil, nil)) + strings.Repeat(" ", m.width-w))
		case i < len(rows):
			b.WriteString(m.rowLine(p, m.offset+i, rows[i]))
		default:
			b.WriteString(strings.Repeat(" ", m.width))
		}
	}
	return b.String()
}

// headerLine is the titles with the hidden-column indicators at either end.
func (m Model) headerLine(p plan) string {
	titles := make([]string, len(m.cols))
	for i, c := range m.cols {
		titles[i] = c.Title
		if i == m.sortCol && p.widths[i] > 0 {
			// The indicator must survive truncation, so the title is cut first.
			ind := " ▲"
			if m.sortDesc {
				ind = " ▼"
			}
			titles[i] = safe.Line(c.Title, p.widths[i]-2) + ind
		}
	}
	line := m.line(p, titles, m.styles.Header, -1, false)
	if p.lpad == 0 && p.rpad == 0 {
		return line
	}
	mark := m.styles.Marker.Inherit(m.styles.Header)
	var b strings.Builder
	if p.lpad > 0 {
		b.WriteString(mark.Render(fitMark(leftMark, p.left, p.lpad, false)))
	}
	b.WriteString(line)
	if p.rpad > 0 {
		b.WriteString(mark.Render(fitMark(rightMark, p.right, p.rpad, true)))
	}
	return b.String()
}

// fitMark is the indicator for n hidden columns padded to w cells, blank
// when there are none or it does not fit with its gap.
func fitMark(text func(int) string, n, w int, alignRight bool) string {
	s := ""
	if n > 0 && markCost(n) <= w {
		s = text(n)
	}
	pad := strings.Repeat(" ", w-safe.Width(s))
	if alignRight {
		return pad + s
	}
	return s + pad
}

func (m Model) rowLine(p plan, i int, cells []string) string {
	st := m.styles.Cell
	cur := -1
	if i == m.cursor {
		st = m.styles.SelectedBlurred
		if m.focused {
			st = m.styles.Selected
			cur = m.ccol
		}
	}
	return m.line(p, cells, st, cur, true)
}

// line lays cells out in their columns, with the indicators' room as blank
// margins (rows, so a highlight spans the line) or left out (the header
// draws the indicators there). Plain text, padding and gaps are gathered
// and rendered with the row style in one go; each marker is rendered with
// the marker style laid over the row style, so a selected row keeps its
// highlight across markers. The text of cell cur (the column cursor on the
// selected row) takes the Cursor style.
func (m Model) line(p plan, cells []string, st lipgloss.Style, cur int, margins bool) string {
	var out, run strings.Builder
	flush := func(s lipgloss.Style) {
		if run.Len() > 0 {
			out.WriteString(s.Render(run.String()))
			run.Reset()
		}
	}
	width := m.width - p.lpad - p.rpad
	if margins {
		run.WriteString(strings.Repeat(" ", p.lpad))
		width += p.rpad
	}
	rowMark := m.styles.Marker.Inherit(st)
	used := 0
	for i, w := range p.widths {
		if w <= 0 {
			continue
		}
		if used > 0 {
			run.WriteString(strings.Repeat(" ", gap))
			used += gap
		}
		cell := ""
		if i < len(cells) {
			cell = cells[i]
		}
		cs, mark := st, rowMark
		if i == cur {
			flush(st)
			cs = m.styles.Cursor.Inherit(st)
			mark = m.styles.Marker.Inherit(cs)
		}
		segs, cw := safe.Fit(cell, w)
		for _, sg := range segs {
			if sg.Marker || (sg.Raw == "" && sg.Text == safe.Ellipsis) {
				flush(cs)
				out.WriteString(mark.Render(sg.Text))
				continue
			}
			run.WriteString(sg.Text)
		}
		if i == cur {
			flush(cs)
		}
		run.WriteString(strings.Repeat(" ", w-cw))
		used += w
	}
	if used < width {
		run.WriteString(strings.Repeat(" ", width-used))
	}
	flush(st)
	return out.String()
}
