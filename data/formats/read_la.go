package formats

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"github.com/guesthunt/guesthunt/data"
)

// newLANDJSONReader reads a Log Analytics JSON export written one row a line.
func newLANDJSONReader(r io.Reader) RecordReader {
	return &jsonRecordReader{src: newLineSource(r), toRecord: laRecordFromText}
}

// newLAArrayReader reads a Log Analytics JSON export written as one array of
// rows. The array streams: only one row is in memory at a time.
func newLAArrayReader(r io.Reader) RecordReader {
	return &jsonRecordReader{src: newArraySource(r, laRowShape), toRecord: laRecordFromText}
}

func laRecordFromText(raw []byte) (data.Record, error) {
	obj, err := parseObject(raw)
	if err != nil {
		return data.Record{}, err
	}
	return RecordFromLA(obj)
}

// RecordFromLA maps one row keyed by AuditLogs column names (exactly, else
// ignoring case). Columns the table does not have are left out of the
// Record; they stay visible in the raw text.
func RecordFromLA(obj map[string]json.RawMessage) (data.Record, error) {
	f := fields{exact: obj}
	tg, err := requiredTime("TimeGenerated", f.get("TimeGenerated"))
	if err != nil {
		return data.Record{}, err
	}
	return data.Record{
		TenantId:            stringValue(f.get("TenantId")),
		SourceSystem:        stringValue(f.get("SourceSystem")),
		TimeGenerated:       tg,
		ResourceId:          stringValue(f.get("ResourceId")),
		OperationName:       stringValue(f.get("OperationName")),
		OperationVersion:    stringValue(f.get("OperationVersion")),
		Category:            stringValue(f.get("Category")),
		ResultType:          stringValue(f.get("ResultType")),
		ResultSignature:     stringValue(f.get("ResultSignature")),
		ResultDescription:   stringValue(f.get("ResultDescription")),
		DurationMs:          longValue(f.get("DurationMs")),
		CorrelationId:       stringValue(f.get("CorrelationId")),
		Resource:            stringValue(f.get("Resource")),
		ResourceGroup:       stringValue(f.get("ResourceGroup")),
		ResourceProvider:    stringValue(f.get("ResourceProvider")),
		Identity:            stringValue(f.get("Identity")),
		Level:               stringValue(f.get("Level")),
		Location:            stringValue(f.get("Location")),
		AdditionalDetails:   dynamicValue(f.get("AdditionalDetails")),
		Id:                  stringValue(f.get("Id")),
		InitiatedBy:         dynamicValue(f.get("InitiatedBy")),
		LoggedByService:     stringValue(f.get("LoggedByService")),
		Result:              stringValue(f.get("Result")),
		ResultReason:        stringValue(f.get("ResultReason")),
		TargetResources:     dynamicValue(f.get("TargetResources")),
		AADTenantId:         stringValue(f.get("AADTenantId")),
		ActivityDisplayName: stringValue(f.get("ActivityDisplayName")),
		ActivityDateTime:    optionalTime(f.get("ActivityDateTime")),
		AADOperationType:    stringValue(f.get("AADOperationType")),
		Type:                stringValue(f.get("Type")),
	}, nil
}

// arraySource yields the elements of a document that is one JSON array;
// also of several arrays one after another, and of bare records between
// them, as PowerShell's ConvertTo-Json | Out-File -Append writes pages.
type arraySource struct {
	stream
	t     *tokStream
	shape recordShape
	docs  int
}

func newArraySource(r io.Reader, shape recordShape) *arraySource {
	return &arraySource{t: newTokStream(r), shape: shape}
}

func (a *arraySource) next() ([]byte, jsonPos, error) { return a.stream.next(a.step) }

func (a *arraySource) step() ([]byte, jsonPos, error) {
	t := a.t
	for {
		if t.pending != nil || t.deferred != nil {
			return t.recordOrFail(a.shape, true, a.count)
		}
		if len(t.stack) > 0 { // inside an array of records
			if t.more() {
				return t.recordOrFail(a.shape, true, a.count)
			}
			tok, err := t.token() // the closing bracket
			if err != nil {
				return nil, jsonPos{}, t.fail(err, a.count)
			}
			if tok != delimTok(']') {
				return nil, jsonPos{}, t.fail(fmt.Errorf("unexpected %s", describeToken(tok)), a.count)
			}
			continue
		}
		c, ok := t.s.skipSpace()
		switch {
		case !ok && t.s.readErr != nil:
			return nil, jsonPos{}, t.fail(t.s.readErr, a.count)
		case !ok && a.docs == 0:
			return nil, jsonPos{}, errors.New("the file is empty: expected a JSON array")
		case !ok:
			return nil, jsonPos{}, io.EOF
		case c == '[':
			t.token()
			a.docs++
		case c == '{' || a.docs > 0:
			// A bare record (a one-record page), or damage between documents.
			a.docs++
			return t.recordOrFail(a.shape, true, a.count)
		default:
			found := describeByte(c)
			if tok, err := t.token(); err == nil {
				found = describeToken(tok)
			}
			return nil, jsonPos{}, fmt.Errorf("%w: expected a JSON array, found %s", ErrNotAuditLog, found)
		}
	}
}
