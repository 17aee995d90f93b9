// Package table is a small virtualized table: it asks its Source only for the
// rows on screen, so a 100,000-row result costs the same per key press as a
// 40-row one. Sorting and filtering belong to the source (DuckDB); the table
// only shows which column is sorted. Which columns are drawn, and how wide,
// is decided at each draw by priority from the rows on screen (layout.go);
// a column cursor reaches the ones that do not fit.
package table

import (
	"charm.land/bubbles/v2/key"
	"charm.land/lipgloss/v2"
)

// Column describes one column. Which columns are drawn, and how wide, is
// decided at each draw from the values on screen (see fit in layout.go).
type Column struct {
	Title string
	// Width is the narrowest the column is drawn when its values must be
	// cut, and the least it is ever drawn.
	Width int
	// Max caps the natural width (0 = none), so one hostile long value does
	// not take the screen; the row page shows it whole.
	Max int
	// Flex > 0 shares spare width with the other drawn flex columns.
	Flex int
	// Priority: lower is kept first when not every column fits (ties keep
	// column order).
	Priority int
	// Whole columns are drawn whole or not at all (a cut IP or domain reads
	// as another one).
	Whole bool
}

// Styles are applied by the table only; cells carry no styling of their own,
// which is what keeps the selected row readable.
type Styles struct {
	Header          lipgloss.Style
	Cell            lipgloss.Style
	Selected        lipgloss.Style // cursor row while the table has focus
	SelectedBlurred lipgloss.Style // cursor row while another pane has focus
	Marker          lipgloss.Style // laid over the row style for safe.* markers
	Empty           lipgloss.Style
	Cursor          lipgloss.Style // the column cursor's cell, laid over Selected
}

// KeyMap holds the bindings the table acts on; the owner builds it from its
// own keymap so help and behaviour cannot disagree.
type KeyMap struct {
	Up, Down, PageUp, PageDown, Home, End key.Binding
	// Left and Right move the column cursor, bringing hidden columns in.
	Left, Right key.Binding
}

// HeaderClickMsg reports a click on a column title (e.g. to sort by it).
type HeaderClickMsg struct{ Col int }

// Model is the table state. The zero value is not usable; call New.
type Model struct {
	cols     []Column
	src      Source
	keys     KeyMap
	styles   Styles
	empty    string
	cursor   int
	ccol     int // column cursor: the cell a pivot or copy acts on
	offset   int
	width    int
	height   int
	x, y     int
	sortCol  int
	sortDesc bool
	focused  bool
}

// New returns a focused, empty table.
func New(cols []Column, keys KeyMap, styles Styles) Model {
	m := Model{
		cols:    cols,
		src:     Rows(nil),
		keys:    keys,
		styles:  styles,
		empty:   "no rows",
		sortCol: -1,
		focused: true,
	}
	m.ccol = keyColumn(cols)
	return m
}

// SetSource replaces the rows, keeping the cursor in range.
func (m *Model) SetSource(src Source) {
	if src == nil {
		src = Rows(nil)
	}
	m.src = src
	m.SetCursor(m.cursor)
}

// Source returns the current row source.
func (m Model) Source() Source { return m.src }

// SetColumns replaces the columns.
func (m *Model) SetColumns(cols []Column) {
	if len(cols) != len(m.cols) {
		m.ccol = keyColumn(cols)
	}
	m.cols = cols
	m.ccol = max(0, min(m.ccol, len(cols)-1))
}

// keyColumn is the top-priority column, where the column cursor starts.
func keyColumn(cols []Column) int {
	best := 0
	for i, c := range cols {
		if c.Priority < cols[best].Priority {
			best = i
		}
	}
	return best
}

// SelectedColumn is the index of the column under the column cursor.
func (m Model) SelectedColumn() int { return m.ccol }

// SetSelectedColumn moves the column cursor, clamped.
func (m *Model) SetSelectedColumn(c int) { m.ccol = max(0, min(c, len(m.cols)-1)) }

// CellValue is the raw (unsanitized) value of a cell, for filtering and
// pivoting: the source's CellValue when it has one (a list drawn as
// "first +2" gives every item), else the cell Row gives. Draw it only
// through ui/safe.
func (m Model) CellValue(row, col int) string {
	if row < 0 || row >= m.src.Len() || col < 0 {
		return ""
	}
	if v, ok := m.src.(Valuer); ok {
		return v.CellValue(row, col)
	}
	if cells := m.src.Row(row); col < len(cells) {
		return cells[col]
	}
	return ""
}

// SetSize sets the outer size; the header takes one line of height.
func (m *Model) SetSize(width, height int) {
	m.width, m.height = max(width, 0), max(height, 0)
	m.SetCursor(m.cursor)
}

// SetOrigin tells the table where its top-left cell is on screen, so mouse
// events in screen coordinates can be mapped to rows.
func (m *Model) SetOrigin(x, y int) { m.x, m.y = x, y }

// SetSort sets the sort indicator: col < 0 for none.
func (m *Model) SetSort(col int, desc bool) { m.sortCol, m.sortDesc = col, desc }

// Sort returns the indicated sort column (-1 for none) and direction.
func (m Model) Sort() (col int, desc bool) { return m.sortCol, m.sortDesc }

// SetStyles replaces the styles (the background colour or NO_COLOR became
// known after the table was made).
func (m *Model) SetStyles(st Styles) { m.styles = st }

// SetEmptyText sets what an empty table says.
func (m *Model) SetEmptyText(s string) { m.empty = s }

// Focus, Blur and Focused control whether keys move the cursor.
func (m *Model) Focus()       { m.focused = true }
func (m *Model) Blur()        { m.focused = false }
func (m Model) Focused() bool { return m.focused }

// Cursor is the index of the selected row (0 when empty).
func (m Model) Cursor() int { return m.cursor }

// Offset is the index of the first visible row.
func (m Model) Offset() int { return m.offset }

// Len is the number of rows.
func (m Model) Len() int { return m.src.Len() }

// SetCursor moves the cursor, clamped, and scrolls as little as possible to
// keep it visible.
func (m *Model) SetCursor(i int) {
	n := m.src.Len()
	m.cursor = max(0, min(i, n-1))
	body := m.bodyHeight()
	if body <= 0 {
		m.offset = m.cursor
		return
	}
	if m.cursor < m.offset {
		m.offset = m.cursor
	}
	if m.cursor >= m.offset+body {
		m.offset = m.cursor - body + 1
	}
	// Never leave blank lines below the last row while rows are scrolled off.
	m.offset = max(0, min(m.offset, n-body))
}

func (m Model) bodyHeight() int { return max(m.height-1, 0) }
