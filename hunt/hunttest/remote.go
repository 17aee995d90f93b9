// Package hunttest holds what tests of other packages need to stand in for
// the rule's data sources: here, a workspace's answer to the rule.
package hunttest

import (
	"encoding/json"
	"time"

	"github.com/guesthunt/guesthunt/data"
	"github.com/guesthunt/guesthunt/hunt"
)

// RemoteTable writes alerts as the Log Analytics API sends the rule's
// answer (the 41 columns in Sentinel's order; datetimes as strings, dynamic
// as JSON text, long as numbers) and decodes that through a real JSON round
// trip, as a fake workspace would hand it to hunt.AlertsFromTable.
func RemoteTable(alerts []hunt.Alert) (hunt.RemoteTable, error) {
	rows := [][]any{}
	for _, a := range alerts {
		var row []any
		for _, v := range a.Values() {
			row = append(row, cell(v))
		}
		rows = append(rows, row)
	}
	body, err := json.Marshal(rows)
	if err != nil {
		return hunt.RemoteTable{}, err
	}
	tbl := hunt.RemoteTable{Columns: hunt.AlertColumns(), Raw: body}
	return tbl, json.Unmarshal(body, &tbl.Rows)
}

func cell(v any) any {
	switch x := v.(type) {
	case time.Time:
		if x.IsZero() {
			return nil
		}
		return data.FormatTime(x)
	case *int64:
		if x == nil {
			return nil
		}
		return *x
	case json.RawMessage:
		if x == nil {
			return nil
		}
		return string(x)
	}
	return v
}
