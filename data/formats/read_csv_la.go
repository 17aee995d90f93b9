package formats

import (
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/guesthunt/guesthunt/data"
)

// newLACSVReader reads a Log Analytics CSV export (FormatLACSV) and the
// portal's "Export to CSV" (FormatLAPortalCSV), whose datetime headers end
// in " [UTC]" and whose times are browser-locale strings. Columns are found
// by their AuditLogs names; others are ignored, missing ones stay empty.
//
// Times: ISO 8601 as ParseTimestamp reads it, or a locale spelling
// (localetime.go), in either variant, because a re-saved export can mix
// them. Dynamic columns hold JSON text: valid JSON is kept as is, other
// non-empty text becomes a JSON string (what Kusto's parse_json gives back),
// an empty cell is null. A DurationMs that is not an integer is null.
func newLACSVReader(r io.Reader) RecordReader {
	return newCSVRecordReader(r, &laCSVLayout{})
}

// portalUTCSuffix ends the portal's datetime headers: "TimeGenerated [UTC]".
const portalUTCSuffix = " [UTC]"

type laCSVLayout struct {
	columns []int // cell index of each AuditLogsColumns entry, -1 if absent
	times   []int
}

func (l *laCSVLayout) useHeader(cells []string, line int64) error {
	h := newCSVHeader(cells, laHeaderName)
	l.columns = make([]int, len(data.AuditLogsColumns))
	l.times = nil
	hasTime := false
	for i, c := range data.AuditLogsColumns {
		l.columns[i] = h.index(c.Name)
		if c.Type == data.TypeTime && l.columns[i] >= 0 {
			l.times = append(l.times, l.columns[i])
			hasTime = hasTime || c.Name == "TimeGenerated"
		}
	}
	if !hasTime {
		return fmt.Errorf("%w: line %d: the CSV header has no TimeGenerated column "+
			`(a Log Analytics AuditLogs export names it "TimeGenerated" or "TimeGenerated [UTC]")`,
			ErrNotAuditLog, line)
	}
	return nil
}

// laHeaderName is a header cell without the portal's " [UTC]" suffix.
func laHeaderName(cell string) string {
	name := strings.TrimSpace(cell)
	if n := len(name) - len(portalUTCSuffix); n >= 0 && strings.EqualFold(name[n:], portalUTCSuffix) {
		name = strings.TrimSpace(name[:n])
	}
	return name
}

func (l *laCSVLayout) timeColumns() []int { return l.times }

func (l *laCSVLayout) record(cells []string, dates *fileDateOrder) (data.Record, error) {
	var rec data.Record
	for i, c := range data.AuditLogsColumns {
		cell := csvCell(cells, l.columns[i])
		switch c.Type {
		case data.TypeTime:
			if cell == "" && c.Name != "TimeGenerated" {
				continue
			}
			t, err := dates.parse(cell)
			if err != nil {
				return data.Record{}, fmt.Errorf("%s %v", c.Name, err)
			}
			if p := laTimeField(&rec, c.Name); p != nil {
				*p = t
			}
		case data.TypeLong: // DurationMs, the only one
			if n, err := strconv.ParseInt(strings.TrimSpace(cell), 10, 64); err == nil {
				rec.DurationMs = &n
			}
		case data.TypeDynamic:
			v, err := laDynamicCell(cell)
			if err != nil {
				return data.Record{}, fmt.Errorf("%s: %v", c.Name, err)
			}
			if p := laDynamicField(&rec, c.Name); p != nil {
				*p = v
			}
		default:
			if p := laStringField(&rec, c.Name); p != nil {
				*p = cell
			}
		}
	}
	return rec, nil
}

// laDynamicCell is a dynamic column's cell as JSON text.
func laDynamicCell(cell string) (json.RawMessage, error) {
	switch {
	case cell == "":
		return nil, nil
	case json.Valid([]byte(cell)):
		return json.RawMessage(cell), nil
	}
	return csvJSON(cell)
}

// laTimeField, laDynamicField and laStringField point at the
// Record field of a canonical column, or return nil for another name.
func laTimeField(r *data.Record, name string) *time.Time {
	switch name {
	case "TimeGenerated":
		return &r.TimeGenerated
	case "ActivityDateTime":
		return &r.ActivityDateTime
	}
	return nil
}

func laDynamicField(r *data.Record, name string) *json.RawMessage {
	switch name {
	case "AdditionalDetails":
		return &r.AdditionalDetails
	case "InitiatedBy":
		return &r.InitiatedBy
	case "TargetResources":
		return &r.TargetResources
	}
	return nil
}

func laStringField(r *data.Record, name string) *string {
	switch name {
	case "TenantId":
		return &r.TenantId
	case "SourceSystem":
		return &r.SourceSystem
	case "ResourceId":
		return &r.ResourceId
	case "OperationName":
		return &r.OperationName
	case "OperationVersion":
		return &r.OperationVersion
	case "Category":
		return &r.Category
	case "ResultType":
		return &r.ResultType
	case "ResultSignature":
		return &r.ResultSignature
	case "ResultDescription":
		return &r.ResultDescription
	case "CorrelationId":
		return &r.CorrelationId
	case "Resource":
		return &r.Resource
	case "ResourceGroup":
		return &r.ResourceGroup
	case "ResourceProvider":
		return &r.ResourceProvider
	case "Identity":
		return &r.Identity
	case "Level":
		return &r.Level
	case "Location":
		return &r.Location
	case "Id":
		return &r.Id
	case "LoggedByService":
		return &r.LoggedByService
	case "Result":
		return &r.Result
	case "ResultReason":
		return &r.ResultReason
	case "AADTenantId":
		return &r.AADTenantId
	case "ActivityDisplayName":
		return &r.ActivityDisplayName
	case "AADOperationType":
		return &r.AADOperationType
	case "Type":
		return &r.Type
	}
	return nil
}
