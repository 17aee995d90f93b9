package formats

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"github.com/guesthunt/guesthunt/data"
)

// canonicalCells returns r's columns in AuditLogsColumns order, typed as
// string, time.Time, *int64 or json.RawMessage.
func canonicalCells(r *data.Record) []any {
	return []any{
		r.TenantId, r.SourceSystem, r.TimeGenerated, r.ResourceId, r.OperationName,
		r.OperationVersion, r.Category, r.ResultType, r.ResultSignature, r.ResultDescription,
		r.DurationMs, r.CorrelationId, r.Resource, r.ResourceGroup, r.ResourceProvider,
		r.Identity, r.Level, r.Location, r.AdditionalDetails, r.Id,
		r.InitiatedBy, r.LoggedByService, r.Result, r.ResultReason, r.TargetResources,
		r.AADTenantId, r.ActivityDisplayName, r.ActivityDateTime, r.AADOperationType, r.Type,
	}
}

// laRow is one row of a Log Analytics JSON export: columns in schema order,
// empty and null columns left out, dynamic columns as JSON text.
func laRow(r *data.Record) jsonObject {
	cells := canonicalCells(r)
	row := make(jsonObject, 0, len(cells))
	for i, cell := range cells {
		name := data.AuditLogsColumns[i].Name
		switch v := cell.(type) {
		case string:
			if v != "" {
				row = append(row, jsonField{name, v})
			}
		case time.Time:
			if !v.IsZero() {
				row = append(row, jsonField{name, data.FormatTime(v)})
			}
		case *int64:
			if v != nil {
				row = append(row, jsonField{name, *v})
			}
		case json.RawMessage:
			if text, ok := dynamicText(v); ok {
				row = append(row, jsonField{name, text})
			}
		}
	}
	return row
}

func writeLANDJSON(w *bufio.Writer, recs []data.Record) error {
	return writeJSONLines(w, len(recs), func(i int) any { return laRow(&recs[i]) })
}

func writeLAJSON(w *bufio.Writer, recs []data.Record) error {
	if err := writeJSONArrayBody(w, len(recs), func(i int) any { return laRow(&recs[i]) }); err != nil {
		return err
	}
	w.WriteByte('\n')
	return nil
}

// laAPIType is the Kusto type name the query API reports for a column.
func laAPIType(duckType string) string {
	switch duckType {
	case data.TypeTime:
		return "datetime"
	case data.TypeLong:
		return "long"
	case data.TypeDynamic:
		return "dynamic"
	}
	return "string"
}

// laAPICells is one row of an API response: every column present, strings
// as "" when empty (Kusto strings are never null), other absent values null,
// dynamic values as JSON text.
func laAPICells(r *data.Record) []any {
	return tableCells(r, func(v json.RawMessage) any {
		if text, ok := dynamicText(v); ok {
			return text
		}
		return nil
	})
}

// tableCells is one row of a table response (LA API, Kusto): every column,
// dynamic ones as the response spells them.
func tableCells(r *data.Record, dynamic func(json.RawMessage) any) []any {
	cells := canonicalCells(r)
	out := make([]any, len(cells))
	for i, cell := range cells {
		switch v := cell.(type) {
		case string:
			out[i] = v
		case time.Time:
			if !v.IsZero() {
				out[i] = data.FormatTime(v)
			}
		case *int64:
			if v != nil {
				out[i] = *v
			}
		case json.RawMessage:
			out[i] = dynamic(v)
		}
	}
	return out
}

func writeLAAPI(w *bufio.Writer, recs []data.Record) error {
	columns := make([]any, len(data.AuditLogsColumns))
	for i, c := range data.AuditLogsColumns {
		columns[i] = jsonObject{{"name", c.Name}, {"type", laAPIType(c.Type)}}
	}
	head, err := marshalNoHTMLEscape(columns)
	if err != nil {
		return err
	}
	w.WriteString(`{"tables":[{"name":"PrimaryResult","columns":`)
	w.Write(head)
	w.WriteString(`,"rows":`)
	if err := writeJSONArrayBody(w, len(recs), func(i int) any { return laAPICells(&recs[i]) }); err != nil {
		return err
	}
	w.WriteString("}]}\n")
	return nil
}

// portalTimeLayout is how the Log Analytics portal's "Export to CSV" spells a
// time in an en-US browser: "9/7/2023, 6:03:23.829 AM" (milliseconds only).
const portalTimeLayout = "1/2/2006, 3:04:05.000 PM"

func formatPortalTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(portalTimeLayout)
}

// writeLACSV writes the Log Analytics CSV export; portal selects the
// portal's "[UTC]" headers and locale times.
func writeLACSV(w *bufio.Writer, recs []data.Record, portal bool) error {
	cw := csv.NewWriter(w)
	header := make([]string, len(data.AuditLogsColumns))
	for i, c := range data.AuditLogsColumns {
		header[i] = c.Name
		if portal && c.Type == data.TypeTime {
			header[i] = c.Name + " [UTC]"
		}
	}
	if err := cw.Write(header); err != nil {
		return err
	}
	row := make([]string, len(data.AuditLogsColumns))
	for n := range recs {
		for i, cell := range canonicalCells(&recs[n]) {
			row[i] = ""
			switch v := cell.(type) {
			case string:
				row[i] = v
			case time.Time:
				if portal {
					row[i] = formatPortalTime(v)
				} else {
					row[i] = data.FormatTime(v)
				}
			case *int64:
				if v != nil {
					row[i] = strconv.FormatInt(*v, 10)
				}
			case json.RawMessage:
				row[i], _ = dynamicText(v)
			}
		}
		if err := cw.Write(row); err != nil {
			return fmt.Errorf("record %d: %w", n+1, err)
		}
	}
	cw.Flush()
	return cw.Error()
}
