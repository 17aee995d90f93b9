package main

import (
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/guesthunt/guesthunt/hunt"
	"github.com/guesthunt/guesthunt/ui/safe"
)

// writeTable prints a result in the chosen format. The table format is for
// people: the first tableColumns columns, every cell sanitised and clipped.
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
	tw := tabwriter.NewWriter(io.out, 0, 0, 2, ' ', 0)
	heads := make([]string, len(cols))
	for i, c := range cols {
		heads[i] = safe.Line(c, 48) // sql column names may quote the data
	}
	fmt.Fprintln(tw, strings.Join(heads, "\t"))
	for _, row := range t.Rows {
		cells := make([]string, len(cols))
		for i := range cols {
			cells[i] = safe.Line(hunt.CellText(row[i]), 48)
		}
		fmt.Fprintln(tw, strings.Join(cells, "\t"))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintf(io.out, "(%d rows)\n", len(t.Rows))
	return nil
}
