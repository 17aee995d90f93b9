package live

import (
	"bytes"
	"encoding/json"
	"fmt"
)

// exactRows decodes the primary table's rows again from the raw body, for
// push-down: the SDK's decoding turns every long into a float64 (exact only
// to 2^53) and every dynamic object into a Go map (whose key order, and so
// the text the loaders would store, is lost). Here numbers stay
// json.Number and a dynamic object or array stays its exact JSON text
// (json.RawMessage), as a hand export's loader would keep it.
func exactRows(raw []byte, columns, types []string) ([][]any, error) {
	var body struct {
		Tables []struct {
			Name    string `json:"name"`
			Columns []struct {
				Name string `json:"name"`
			} `json:"columns"`
			Rows [][]json.RawMessage `json:"rows"`
		} `json:"tables"`
	}
	if err := json.Unmarshal(raw, &body); err != nil {
		return nil, fmt.Errorf("read the response's rows: %w", err)
	}
	if len(body.Tables) == 0 {
		return nil, fmt.Errorf("the response holds no table")
	}
	t := body.Tables[0]
	for _, x := range body.Tables {
		if x.Name == "PrimaryResult" {
			t = x
			break
		}
	}
	if len(t.Columns) != len(columns) {
		return nil, fmt.Errorf("the response's table has %d columns, the decoded one %d", len(t.Columns), len(columns))
	}
	rows := make([][]any, len(t.Rows))
	for i, r := range t.Rows {
		row := make([]any, len(r))
		for k, cell := range r {
			v, err := exactCell(cell, k < len(types) && types[k] == "dynamic")
			if err != nil {
				return nil, fmt.Errorf("row %d, column %s: %w", i+1, columnName(columns, k), err)
			}
			row[k] = v
		}
		rows[i] = row
	}
	return rows, nil
}

func exactCell(cell json.RawMessage, dynamic bool) (any, error) {
	trimmed := bytes.TrimSpace(cell)
	if dynamic && len(trimmed) > 0 && (trimmed[0] == '{' || trimmed[0] == '[') {
		return json.RawMessage(trimmed), nil
	}
	dec := json.NewDecoder(bytes.NewReader(trimmed))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	return v, nil
}

func columnName(columns []string, k int) string {
	if k < len(columns) {
		return columns[k]
	}
	return fmt.Sprintf("#%d", k+1)
}
