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
	return &jsonRecordReader{src: newArraySource(r), toRecord: laRecordFromText}
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

// arraySource yields the elements of a document that is one JSON array.
type arraySource struct {
	s       *jsonStream
	started bool
	sticky
}

func newArraySource(r io.Reader) *arraySource {
	return &arraySource{s: newJSONStream(r)}
}

func (a *arraySource) next() ([]byte, int64, error) { return a.sticky.next(a.step) }

func (a *arraySource) step() ([]byte, int64, error) {
	if !a.started {
		tok, err := a.s.token()
		if err == io.EOF {
			return nil, 0, errors.New("the file is empty: expected a JSON array")
		}
		if err != nil {
			return nil, 0, a.s.fail(err, 0)
		}
		if tok != json.Delim('[') {
			return nil, 0, fmt.Errorf("%w: expected a JSON array, found %s", ErrNotAuditLog, describeToken(tok))
		}
		a.started = true
	}
	if a.s.more() {
		raw, line, err := a.s.value()
		if err != nil {
			return nil, 0, a.s.fail(err, a.count)
		}
		return raw, line, nil
	}
	if _, err := a.s.token(); err != nil { // the closing bracket
		return nil, 0, a.s.fail(err, a.count)
	}
	if err := a.s.end(a.count); err != nil {
		return nil, 0, err
	}
	return nil, 0, io.EOF
}
