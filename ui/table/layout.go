package table

import (
	"cmp"
	"fmt"
	"slices"

	"github.com/guesthunt/guesthunt/ui/safe"
)

// gap is the blank between columns.
const gap = 1

// plan is one screen's column layout.
type plan struct {
	widths      []int // per column; 0 = not drawn
	left, right int   // hidden columns before and after the cursor column
	lpad, rpad  int   // cells reserved for the hidden-column indicators
}

// indicator texts: how many columns the cursor can still reach each way.
func leftMark(n int) string  { return fmt.Sprintf("◀ %d", n) }
func rightMark(n int) string { return fmt.Sprintf("%d ▶", n) }

// markCost is the room an indicator takes, gap included (0 = none).
func markCost(n int) int {
	if n == 0 {
		return 0
	}
	return len(fmt.Sprint(n)) + 2 + gap
}

// minForMarks: below this width the indicators would crowd out the data.
const minForMarks = 24

// plan lays the columns out for rows (the ones on screen, already fetched):
// natural widths are measured from them, so the cost does not grow with the
// row count. The hidden-column indicators take room only on a side where
// something is hidden, which changes what fits: a few passes settle it.
func (m Model) plan(rows [][]string) plan {
	nat, capped := m.naturalWidths(rows)
	red := m.redundant(len(rows))
	try := func(lpad, rpad int) plan {
		p := plan{lpad: lpad, rpad: rpad}
		p.widths = fit(m.cols, nat, capped, red, m.ccol, max(m.width-lpad-rpad, 0))
		for i, w := range p.widths {
			switch {
			case w > 0:
			case i < m.ccol:
				p.left++
			default:
				p.right++
			}
		}
		return p
	}
	p := try(0, 0)
	if m.width < minForMarks {
		return p
	}
	most := [2]int{}
	for range 4 {
		l, r := markCost(p.left), markCost(p.right)
		if l == p.lpad && r == p.rpad {
			return p
		}
		most = [2]int{max(most[0], l), max(most[1], r)}
		p = try(l, r)
	}
	// Not settled: room for the widest indicators seen (a mark that does not
	// fit its room is left out, see headerLine).
	return try(most[0], most[1])
}

// naturalWidths is each column's width when its values on screen and its
// title are whole: at least Width, at most Max (when set; capped says a
// value is wider, so the column is cut whatever room there is).
func (m Model) naturalWidths(rows [][]string) (nat []int, capped []bool) {
	nat, capped = make([]int, len(m.cols)), make([]bool, len(m.cols))
	for i, c := range m.cols {
		w := safe.Width(c.Title)
		if i == m.sortCol {
			w += 2 // the sort indicator
		}
		for _, r := range rows {
			if i < len(r) {
				w = max(w, safe.Width(r[i]))
			}
		}
		w = max(w, c.Width)
		if limit := max(c.Max, c.Width); c.Max > 0 && w > limit {
			w, capped[i] = limit, true
		}
		nat[i] = max(w, 1)
	}
	return nat, capped
}

// redundant reports the columns whose every value on screen adds nothing,
// as the source judges it (Redundancy); none without rows on screen.
func (m Model) redundant(shown int) []bool {
	red := make([]bool, len(m.cols))
	r, ok := m.src.(Redundancy)
	if !ok || shown == 0 {
		return red
	}
	for c := range m.cols {
		red[c] = true
		for i := m.offset; i < m.offset+shown && red[c]; i++ {
			red[c] = r.RedundantCell(i, c)
		}
	}
	return red
}

// fit gives columns widths within width. The cursor column comes first, then
// the others by priority, redundant ones last. A column gets its natural
// width when that fits; one that may be cut (not Whole) gets its Width
// instead, and grows back only with what is left once every column that
// fits whole is placed, so a value is never cut while a lower-priority
// column takes the room it needed. A capped column is cut anyway, so it
// starts at its Width too. Leftover room goes to Flex columns.
func fit(cols []Column, nat []int, capped, red []bool, cur, width int) []int {
	n := len(cols)
	w := make([]int, n)
	if n == 0 || width <= 0 {
		return w
	}
	order := make([]int, 0, n)
	for i := range n {
		if i != cur {
			order = append(order, i)
		}
	}
	slices.SortStableFunc(order, func(a, b int) int {
		return cmp.Or(cmp.Compare(b2i(red[a]), b2i(red[b])), cmp.Compare(cols[a].Priority, cols[b].Priority))
	})
	if cur >= 0 && cur < n {
		order = append([]int{cur}, order...)
	}
	left, shown := width, 0
	take := func(c, x int) {
		if shown > 0 {
			left -= gap
		}
		w[c] = x
		left -= x
		shown++
	}
	cost := func(x int) int {
		if shown > 0 {
			return x + gap
		}
		return x
	}
	var cut []int // placed narrower than natural, in priority order
	grow := func() {
		for _, c := range cut {
			add := min(nat[c]-w[c], left)
			w[c] += add
			left -= add
		}
		cut = nil
	}
	grown := false
	for k, c := range order {
		if red[c] && !grown && k > 0 {
			grow() // redundant columns only get what cut values do not need
			grown = true
		}
		floor := nat[c]
		if !cols[c].Whole {
			floor = min(max(cols[c].Width, 1), nat[c])
		}
		switch {
		case cost(nat[c]) <= left && !(capped[c] && !cols[c].Whole):
			take(c, nat[c])
		case cost(floor) <= left:
			take(c, floor)
			cut = append(cut, c)
		case shown == 0:
			// The cursor column is always drawn, cut if it must be.
			take(c, left)
		}
	}
	grow()
	spreadFlex(cols, w, left)
	return w
}

// spreadFlex shares spare room among the drawn Flex columns by weight.
func spreadFlex(cols []Column, w []int, spare int) {
	flex, last := 0, -1
	for i, c := range cols {
		if w[i] > 0 && c.Flex > 0 {
			flex += c.Flex
			last = i
		}
	}
	if flex == 0 || spare <= 0 {
		return
	}
	given := 0
	for i, c := range cols {
		if w[i] > 0 && c.Flex > 0 {
			add := spare * c.Flex / flex
			w[i] += add
			given += add
		}
	}
	w[last] += spare - given // rounding remainder
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// colAt returns the column under x (relative to the table's left edge), or -1.
func (p plan) colAt(x int) int {
	pos := p.lpad
	for i, w := range p.widths {
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
