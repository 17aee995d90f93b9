package hunt

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/guesthunt/guesthunt/data"
	"github.com/guesthunt/guesthunt/ui/textsafe"
)

// Table is a result as columns and rows of cells, the shape every output
// format starts from (alert rows, ad-hoc SQL results).
type Table struct {
	Columns []string
	Rows    [][]any
}

// AlertTable lays the result out in Sentinel's column order.
func (r *Result) AlertTable() Table {
	t := Table{Columns: AlertColumns(), Rows: make([][]any, len(r.Rows))}
	for i, a := range r.Rows {
		t.Rows[i] = a.Values()
	}
	return t
}

// WriteJSON writes one JSON array of row objects keyed by column name, in
// column order. Dynamic cells stay JSON; absent values are null.
func WriteJSON(w io.Writer, t Table) error {
	bw := bufio.NewWriter(w)
	bw.WriteString("[")
	for i, row := range t.Rows {
		if i > 0 {
			bw.WriteString(",")
		}
		bw.WriteString("\n")
		if err := writeObject(bw, t.Columns, row); err != nil {
			return err
		}
	}
	if len(t.Rows) > 0 {
		bw.WriteString("\n")
	}
	bw.WriteString("]\n")
	return bw.Flush()
}

// WriteNDJSON writes one row object a line.
func WriteNDJSON(w io.Writer, t Table) error {
	bw := bufio.NewWriter(w)
	for _, row := range t.Rows {
		if err := writeObject(bw, t.Columns, row); err != nil {
			return err
		}
		bw.WriteString("\n")
	}
	return bw.Flush()
}

func writeObject(w *bufio.Writer, cols []string, row []any) error {
	w.WriteString("{")
	for i, c := range cols {
		if i > 0 {
			w.WriteString(",")
		}
		writeJSONString(w, c)
		w.WriteString(":")
		if err := writeJSONValue(w, row[i]); err != nil {
			return fmt.Errorf("column %s: %w", c, err)
		}
	}
	w.WriteString("}")
	return nil
}

func writeJSONValue(w *bufio.Writer, v any) error {
	switch x := v.(type) {
	case nil:
		w.WriteString("null")
	case string:
		writeJSONString(w, x)
	case time.Time:
		if x.IsZero() {
			w.WriteString("null")
		} else {
			writeJSONString(w, data.FormatTime(x))
		}
	case *int64:
		if x == nil {
			w.WriteString("null")
		} else {
			w.WriteString(strconv.FormatInt(*x, 10))
		}
	case json.RawMessage:
		if x == nil || !json.Valid(x) {
			if x == nil {
				w.WriteString("null")
				return nil
			}
			writeJSONString(w, string(x))
			return nil
		}
		writeRawJSON(w, x)
	default:
		b, err := json.Marshal(x)
		if err != nil {
			return err
		}
		w.Write(b)
	}
	return nil
}

// writeJSONString escapes like encoding/json (invalid UTF-8 becomes U+FFFD)
// without HTML escaping, and also escapes every other hostile rune
// (textsafe.JSONEscape: C1, bidi, zero-width, lookalike spaces, tags) that
// encoding/json passes through, so the output is safe to cat on a terminal
// and still decodes to the raw value.
func writeJSONString(w *bufio.Writer, s string) {
	w.WriteByte('"')
	for _, r := range s { // ranging replaces invalid UTF-8 with U+FFFD
		switch {
		case r == '"':
			w.WriteString(`\"`)
		case r == '\\':
			w.WriteString(`\\`)
		case r == '\n':
			w.WriteString(`\n`)
		case r == '\r':
			w.WriteString(`\r`)
		case r == '\t':
			w.WriteString(`\t`)
		case textsafe.JSONEscape(r):
			textsafe.WriteJSONRune(w, r)
		default:
			w.WriteRune(r)
		}
	}
	w.WriteByte('"')
}

// writeRawJSON copies valid JSON, escaping the hostile runes that may sit
// raw inside its strings (anywhere else they would be invalid JSON).
func writeRawJSON(w *bufio.Writer, raw json.RawMessage) {
	w.WriteString(textsafe.EscapeJSON(string(raw)))
}

// WriteCSV writes RFC 4180 CSV with a header. Every cell goes through
// SpreadsheetSafe: hostile runes as \u escapes, formulas neutralised.
func WriteCSV(w io.Writer, t Table) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(t.Columns); err != nil {
		return err
	}
	cells := make([]string, len(t.Columns))
	for _, row := range t.Rows {
		for i, v := range row {
			cells[i] = SpreadsheetSafe(CellText(v))
		}
		if err := cw.Write(cells); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// CellText renders a cell as plain text (times as Kusto writes them,
// dynamic values as their JSON text, absent values as "").
func CellText(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case time.Time:
		return data.FormatTime(x)
	case *int64:
		if x == nil {
			return ""
		}
		return strconv.FormatInt(*x, 10)
	case json.RawMessage:
		return string(x)
	case []byte:
		return string(x)
	case fmt.Stringer:
		return x.String()
	default:
		b, err := json.Marshal(x)
		if err != nil {
			return fmt.Sprint(x)
		}
		return string(b)
	}
}

// SpreadsheetSafe renders a CSV cell (textsafe.CSV): a backslash as "\\",
// hostile runes as \uXXXX (so a CSV printed to a terminal cannot drive it),
// and a leading apostrophe on cells that Excel, LibreOffice or Google Sheets
// would evaluate as a formula (OWASP CSV injection guidance) or that start
// with an apostrophe. textsafe.UnCSV gives the raw value back.
func SpreadsheetSafe(s string) string { return textsafe.CSV(s) }
