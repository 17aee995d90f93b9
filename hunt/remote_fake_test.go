package hunt

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/guesthunt/guesthunt/data"
)

var _ Kusto = (*fakeKusto)(nil)

// fakeKusto answers queries from memory: a function of the query text.
type fakeKusto struct {
	mu        sync.Mutex
	answer    func(query string) (RemoteTable, error)
	queries   []string
	envelopes [][2]time.Time
}

func (f *fakeKusto) Query(ctx context.Context, query string, envelope [2]time.Time) (RemoteTable, error) {
	f.mu.Lock()
	f.queries = append(f.queries, query)
	f.envelopes = append(f.envelopes, envelope)
	f.mu.Unlock()
	if err := ctx.Err(); err != nil {
		return RemoteTable{}, err
	}
	return f.answer(query)
}

// laColumn is one column of a Log Analytics API table.
type laColumn struct {
	Name string `json:"name"`
	Type string `json:"type"`
}

// laBody writes a Log Analytics query API response body.
func laBody(t testing.TB, cols []laColumn, rows [][]any) []byte {
	t.Helper()
	body := map[string]any{"tables": []any{map[string]any{"name": "PrimaryResult", "columns": cols, "rows": rows}}}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(body); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// decodeLA decodes a response body the way azlogs does (encoding/json into
// []any cells: numbers float64, objects map[string]any), or with
// json.Number when useNumber.
func decodeLA(t testing.TB, body []byte, useNumber bool) RemoteTable {
	t.Helper()
	var resp struct {
		Tables []struct {
			Name    string     `json:"name"`
			Columns []laColumn `json:"columns"`
			Rows    [][]any    `json:"rows"`
		} `json:"tables"`
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	if useNumber {
		dec.UseNumber()
	}
	if err := dec.Decode(&resp); err != nil || len(resp.Tables) != 1 {
		t.Fatalf("decode LA body: %v (%d tables)", err, len(resp.Tables))
	}
	tb := resp.Tables[0]
	rt := RemoteTable{Rows: tb.Rows, Raw: body}
	for _, c := range tb.Columns {
		rt.Columns = append(rt.Columns, c.Name)
		rt.Types = append(rt.Types, c.Type)
	}
	return rt
}

// kustoType is the Kusto type of an alert column.
func kustoType(col string) string {
	switch col {
	case "TimeGenerated", "ActivityDateTime":
		return "datetime"
	case "DurationMs":
		return "long"
	case "AdditionalDetails", "InitiatedBy", "TargetResources":
		return "dynamic"
	}
	return "string"
}

// kustoCell is how Kusto writes an alert cell in the LA API: datetime as a
// seven-digit string, dynamic as its JSON text in a string, long as a
// number, null for absent values.
func kustoCell(v any) any {
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

// tableOf serialises alerts as Kusto would answer the rule: the 41 columns
// in Sentinel's order, plus any extra columns (filled with "x"), through a
// real JSON round trip.
func tableOf(t testing.TB, alerts []Alert, useNumber bool, extra ...string) RemoteTable {
	t.Helper()
	var cols []laColumn
	for _, c := range AlertColumns() {
		cols = append(cols, laColumn{c, kustoType(c)})
	}
	for _, c := range extra {
		cols = append(cols, laColumn{c, "string"})
	}
	rows := make([][]any, 0, len(alerts))
	for _, a := range alerts {
		var row []any
		for _, v := range a.Values() {
			row = append(row, kustoCell(v))
		}
		for range extra {
			row = append(row, "x")
		}
		rows = append(rows, row)
	}
	return decodeLA(t, laBody(t, cols, rows), useNumber)
}

// requireSameAlerts compares alerts field by field: all 41 columns exactly
// (dynamic text byte for byte, times to the nanosecond).
func requireSameAlerts(t testing.TB, got, want []Alert) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%d rows, want %d", len(got), len(want))
	}
	for i := range want {
		gv, wv := got[i].Values(), want[i].Values()
		for c, name := range AlertColumns() {
			if !exactCell(gv[c], wv[c]) {
				t.Errorf("row %d (Id %s) column %s: got %s, want %s", i+1, want[i].Id, name, showCell(gv[c]), showCell(wv[c]))
			}
		}
	}
}

func exactCell(a, b any) bool {
	switch x := a.(type) {
	case time.Time:
		y := b.(time.Time)
		return x.Equal(y) && x.IsZero() == y.IsZero()
	case *int64:
		y := b.(*int64)
		return (x == nil) == (y == nil) && (x == nil || *x == *y)
	case json.RawMessage:
		y := b.(json.RawMessage)
		return (x == nil) == (y == nil) && bytes.Equal(x, y)
	}
	return a == b
}

func showCell(v any) string {
	switch x := v.(type) {
	case *int64:
		if x == nil {
			return "nil"
		}
		return fmt.Sprint(*x)
	case json.RawMessage:
		if x == nil {
			return "nil"
		}
		return string(x)
	case time.Time:
		return x.Format(time.RFC3339Nano)
	}
	return fmt.Sprintf("%q", v)
}

// answerRule answers the rule query with table and the history query with
// history; anything else fails.
func answerRule(table, history RemoteTable) func(string) (RemoteTable, error) {
	return func(q string) (RemoteTable, error) {
		switch {
		case strings.Contains(q, "summarize LatestEarlier"):
			return history, nil
		case strings.Contains(q, "inviting_users"):
			return table, nil
		}
		return RemoteTable{}, fmt.Errorf("fake: unexpected query %q", q)
	}
}
