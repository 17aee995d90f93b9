package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/guesthunt/guesthunt/data"
	"github.com/guesthunt/guesthunt/hunt"
	"github.com/guesthunt/guesthunt/ui/safe"
	"github.com/guesthunt/guesthunt/ui/textsafe"
)

// writeReplayJSON writes an array of runs. Each run's rows are hunt's JSON
// verbatim (hunt.WriteJSON of the same table), so a run's "rows" equal
// "hunt --as-of <asOf> --format json" byte for byte.
func writeReplayJSON(w io.Writer, r *hunt.Replay) error {
	bw := bufio.NewWriter(w)
	bw.WriteString("[")
	for i, run := range r.Runs {
		if i > 0 {
			bw.WriteString(",")
		}
		var rows bytes.Buffer
		if err := hunt.WriteJSON(&rows, (&hunt.Result{Rows: run.Rows}).AlertTable()); err != nil {
			return err
		}
		fmt.Fprintf(bw, "\n{\"asOf\":%q,\"covered\":%t,\"rows\":", data.FormatTime(run.AsOf), run.Covered)
		bw.Write(bytes.TrimSuffix(rows.Bytes(), []byte("\n")))
		bw.WriteString(`,"newInviters":`)
		bw.WriteString(jsonStrings(run.New))
		bw.WriteString(`,"goneInviters":`)
		bw.WriteString(jsonStrings(run.Gone))
		bw.WriteString("}")
	}
	if len(r.Runs) > 0 {
		bw.WriteString("\n")
	}
	bw.WriteString("]\n")
	return bw.Flush()
}

// jsonStrings encodes UPNs as a JSON array ([] for none), hostile runes
// escaped as in hunt's JSON so that the output is safe on a terminal.
func jsonStrings(s []string) string {
	if s == nil {
		s = []string{}
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(s); err != nil {
		return "[]" // a []string always encodes
	}
	return textsafe.EscapeJSON(strings.TrimSuffix(b.String(), "\n"))
}

// replayCSVColumns are the csv format's columns, one row per run.
var replayCSVColumns = []string{"asOf", "covered", "rows", "inviters", "newInviters", "goneInviters"}

func writeReplayCSV(w io.Writer, r *hunt.Replay) error {
	t := hunt.Table{Columns: replayCSVColumns}
	for _, run := range r.Runs {
		t.Rows = append(t.Rows, []any{data.FormatTime(run.AsOf), strconv.FormatBool(run.Covered),
			strconv.Itoa(len(run.Rows)), strconv.Itoa(len(run.Inviters)),
			strings.Join(run.New, " "), strings.Join(run.Gone, " ")})
	}
	return hunt.WriteCSV(w, t) // spreadsheet-safe cells, as hunt's csv
}

// writeReplayTable prints one line per run: its instant, coverage, counts
// and the newly firing inviters, the list cut to the terminal's width.
func writeReplayTable(io streams, r *hunt.Replay) error {
	header := []string{"AsOf " + hunt.TableTimeLabel, "Covered", "Rows", "Inviters", "New", "Gone", "NewInviters"}
	lines := [][]string{header}
	for _, run := range r.Runs {
		covered := "yes"
		if !run.Covered {
			covered = "NO"
		}
		lines = append(lines, []string{hunt.TableTime(run.AsOf), covered, strconv.Itoa(len(run.Rows)),
			strconv.Itoa(len(run.Inviters)), strconv.Itoa(len(run.New)), strconv.Itoa(len(run.Gone)),
			strings.Join(run.New, ", ")})
	}
	// Every column but the last is short and fixed; the list gets the rest
	// of a terminal's width (at least 20 cells), or 200 cells when piped.
	listWidth := 200
	if width := terminalWidth(io.out); width > 0 {
		used := 0
		for i := range len(header) - 1 {
			w := 0
			for _, l := range lines {
				w = max(w, len(l[i]))
			}
			used += w + 2
		}
		listWidth = max(width-used, 20)
	}
	tw := tabwriter.NewWriter(io.out, 0, 0, 2, ' ', 0)
	for _, l := range lines {
		cells := make([]string, len(l))
		for i, c := range l {
			width := 48
			if i == len(l)-1 {
				width = listWidth
			}
			cells[i] = safe.Line(c, width) // UPNs come from the data
		}
		fmt.Fprintln(tw, strings.TrimRight(strings.Join(cells, "\t"), "\t"))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintf(io.out, "(%d runs)\n", len(r.Runs))
	return nil
}
