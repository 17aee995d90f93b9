package main

import (
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/term"

	"github.com/guesthunt/guesthunt/hunt"
	"github.com/guesthunt/guesthunt/ui/safe"
)

// Columns an alert table can lose first on a narrow terminal: the same for
// every row of the rule (OperationName, Result) or an id beside a name.
var droppableColumns = []string{"InitiatingAadUserId", "TargetAadUserId", "Result", "OperationName"}

// fitColumns decides which columns a terminal of width cells shows and how
// wide (caps, cells clipped with an ellipsis): first the droppable columns
// go, then the widest columns narrow (never below minColumnWidth, never a
// time), then columns go from the right.
func fitColumns(cols []string, caps []int, width int) []bool {
	const minColumnWidth, gap = 20, 2
	keep := make([]bool, len(cols))
	for i := range keep {
		keep[i] = true
	}
	total := func() int {
		sum, n := 0, 0
		for i, k := range keep {
			if k {
				sum += caps[i]
				n++
			}
		}
		return sum + gap*max(n-1, 0)
	}
	for _, name := range droppableColumns {
		for i, c := range cols {
			if c == name && total() > width {
				keep[i] = false
			}
		}
	}
	for total() > width {
		widest := -1
		for i, c := range cols {
			if keep[i] && c != "TimeGenerated" && caps[i] > minColumnWidth && (widest < 0 || caps[i] > caps[widest]) {
				widest = i
			}
		}
		if widest < 0 {
			break
		}
		caps[widest]--
	}
	for i := len(cols) - 1; i > 0 && total() > width; i-- {
		keep[i] = false
	}
	return keep
}

// terminalWidth is w's width in cells when it is a terminal, 0 otherwise
// (piped output keeps every column).
func terminalWidth(w io.Writer) int {
	f, ok := w.(*os.File)
	if !ok || !term.IsTerminal(f.Fd()) {
		return 0
	}
	width, _, err := term.GetSize(f.Fd())
	if err != nil {
		return 0
	}
	return width
}

// writeTable prints a result in the chosen format. The table format is for
// people: the first tableColumns columns, every cell sanitised and clipped,
// and on a terminal only as many columns as fit its width.
func writeTable(io streams, format string, t hunt.Table, tableColumns int) error {
	switch format {
	case "json":
		return hunt.WriteJSON(io.out, t)
	case "ndjson":
		return hunt.WriteNDJSON(io.out, t)
	case "csv":
		return hunt.WriteCSV(io.out, t)
	}
	cols := t.Columns
	if tableColumns > 0 && len(cols) > tableColumns {
		cols = cols[:tableColumns]
	}
	raw, header := tableCells(t, cols)
	caps := make([]int, len(cols))
	for i := range cols {
		caps[i] = lipgloss.Width(safe.Line(header[i], 48))
		for _, row := range raw {
			caps[i] = max(caps[i], lipgloss.Width(safe.Line(row[i], 48)))
		}
	}
	keep := make([]bool, len(cols))
	for i := range keep {
		keep[i] = true
	}
	if width := terminalWidth(io.out); width > 0 {
		keep = fitColumns(cols, caps, width)
	}
	tw := tabwriter.NewWriter(io.out, 0, 0, 2, ' ', 0)
	line := func(cells []string) {
		var out []string
		for i, c := range cells {
			if keep[i] {
				out = append(out, safe.Line(c, caps[i])) // column names, too, may quote the data
			}
		}
		fmt.Fprintln(tw, strings.Join(out, "\t"))
	}
	line(header)
	for _, row := range raw {
		line(row)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	var hidden []string
	for i, c := range cols {
		if !keep[i] {
			hidden = append(hidden, safe.Line(c, 48))
		}
	}
	if len(hidden) > 0 {
		fmt.Fprintf(io.out, "(not shown, the terminal is too narrow: %s; --format csv or json has every column)\n", strings.Join(hidden, ", "))
	}
	fmt.Fprintf(io.out, "(%d rows)\n", len(t.Rows))
	return nil
}

// tableCells renders the cells people read: instants as hunt.TableTime (UTC,
// to the second), and each column that holds one labelled "(UTC)" in its
// header, since the cells carry no zone.
func tableCells(t hunt.Table, cols []string) (cells [][]string, header []string) {
	header = append([]string(nil), cols...)
	isTime := make([]bool, len(cols))
	cells = make([][]string, len(t.Rows))
	for r, row := range t.Rows {
		cells[r] = make([]string, len(cols))
		for i := range cols {
			if i >= len(row) {
				continue // a short row is blank, never a panic
			}
			if ts, ok := row[i].(time.Time); ok {
				cells[r][i], isTime[i] = hunt.TableTime(ts), true
				continue
			}
			cells[r][i] = hunt.CellText(row[i])
		}
	}
	for i, ok := range isTime {
		if ok {
			header[i] += " " + hunt.TableTimeLabel
		}
	}
	return cells, header
}
