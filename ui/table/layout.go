package table

// gap is the blank between columns.
const gap = 1

// layout computes column widths for the current width: fixed columns first,
// spare width to flex columns by weight. When even the fixed widths do not fit,
// columns are clipped from the right (width 0 = not drawn).
func (m *Model) layout() {
	m.widths = make([]int, len(m.cols))
	avail := m.width - gap*max(len(m.cols)-1, 0)
	need, flex := 0, 0
	for _, c := range m.cols {
		need += max(c.Width, 0)
		flex += max(c.Flex, 0)
	}
	if avail >= need {
		spare := avail - need
		given := 0
		last := -1
		for i, c := range m.cols {
			m.widths[i] = max(c.Width, 0)
			if c.Flex > 0 && flex > 0 {
				add := spare * c.Flex / flex
				m.widths[i] += add
				given += add
				last = i
			}
		}
		if last >= 0 {
			m.widths[last] += spare - given // rounding remainder
		}
		return
	}
	left := m.width
	for i, c := range m.cols {
		w := min(max(c.Width, 0), left)
		m.widths[i] = w
		left -= w + gap
		if left <= 0 {
			break
		}
	}
}

// colAt returns the column under screen-relative x, or -1.
func (m Model) colAt(x int) int {
	pos := 0
	for i, w := range m.widths {
		if w <= 0 {
			continue
		}
		if x >= pos && x < pos+w {
			return i
		}
		pos += w + gap
	}
	return -1
}
