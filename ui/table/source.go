package table

// Source supplies rows on demand. Row is called only for visible rows; cells
// may be raw data: the table sanitizes every cell it draws.
type Source interface {
	Len() int
	Row(i int) []string
}

// Valuer is implemented by sources whose raw cell value is more than the
// text drawn (every item of a list drawn as "first +2").
type Valuer interface {
	CellValue(row, col int) string
}

// Redundancy is implemented by sources that know when a cell adds nothing
// (it repeats another column, or says what every row says). A column whose
// every cell on screen is redundant is the first to give way.
type Redundancy interface {
	RedundantCell(row, col int) bool
}

// Rows is a Source backed by a slice, for small tables and tests.
type Rows [][]string

// Len implements Source.
func (r Rows) Len() int { return len(r) }

// Row implements Source.
func (r Rows) Row(i int) []string { return r[i] }
