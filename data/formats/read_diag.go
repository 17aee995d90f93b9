package formats

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"

	"github.com/guesthunt/guesthunt/data"
)

// newDiagReader reads diagnostic-settings records one a line, as the
// storage-account export writes them (PT1H.json).
func newDiagReader(r io.Reader) RecordReader {
	return &jsonRecordReader{src: newLineSource(r), toRecord: diagRecordFromText}
}

// newDiagRecordsReader reads Event Hub envelopes {"records":[...]}: one, or
// several back to back or one a line, as capture tools write them.
func newDiagRecordsReader(r io.Reader) RecordReader {
	return &jsonRecordReader{src: newEnvelopeSource(r, "records", diagRecordShape), toRecord: diagRecordFromText}
}

func diagRecordFromText(raw []byte) (data.Record, error) {
	obj, err := parseObject(raw)
	if err != nil {
		return data.Record{}, err
	}
	return recordFromDiag(obj)
}

// recordFromDiag maps an Azure Monitor resource-log record. The top-level
// category is the constant "AuditLogs"; the audit category sits in properties.
func recordFromDiag(obj map[string]json.RawMessage) (data.Record, error) {
	f := fields{exact: obj}
	if c := bytes.TrimSpace(f.get("category")); len(c) > 0 && c[0] != '"' && string(c) != "null" {
		// Not a category at all: the record is damaged, not of another kind.
		return data.Record{}, fmt.Errorf("category is %s, not a string", describeValue(c))
	}
	if kind := diagRecordKind(f.get("category")); kind != "" {
		return data.Record{}, &SkipError{Kind: kind}
	}
	tg, err := requiredTime("time", f.get("time"))
	if err != nil {
		return data.Record{}, err
	}
	p := fields{exact: diagProperties(f.get("properties"))}
	activity := stringValue(p.get("activityDisplayName"))
	if activity == "" {
		activity = stringValue(f.get("operationName"))
	}
	correlation := stringValue(f.get("correlationId"))
	if correlation == "" {
		correlation = stringValue(p.get("correlationId"))
	}
	return data.Record{
		TimeGenerated:       tg,
		ResourceId:          stringValue(f.get("resourceId")),
		OperationName:       stringValue(f.get("operationName")),
		OperationVersion:    stringValue(f.get("operationVersion")),
		Category:            stringValue(p.get("category")),
		ResultType:          stringValue(f.get("resultType")),
		ResultSignature:     stringValue(f.get("resultSignature")),
		ResultDescription:   stringValue(f.get("resultDescription")),
		DurationMs:          longValue(f.get("durationMs")),
		CorrelationId:       correlation,
		Identity:            stringValue(f.get("identity")),
		Level:               stringValue(f.get("Level")), // fields falls back to "level"
		Location:            stringValue(f.get("location")),
		AdditionalDetails:   dynamicValue(p.get("additionalDetails")),
		Id:                  stringValue(p.get("id")),
		InitiatedBy:         dynamicValue(p.get("initiatedBy")),
		LoggedByService:     stringValue(p.get("loggedByService")),
		Result:              diagResult(p.get("result")),
		ResultReason:        stringValue(p.get("resultReason")),
		TargetResources:     dynamicValue(p.get("targetResources")),
		AADTenantId:         stringValue(f.get("tenantId")),
		ActivityDisplayName: activity,
		ActivityDateTime:    optionalTime(p.get("activityDateTime")),
		AADOperationType:    stringValue(p.get("operationType")),
		Type:                "AuditLogs",
	}, nil
}

// diagProperties returns the members of properties, which is an object or,
// in some pipelines, that object's JSON text in a string. Anything else
// gives no properties rather than a rejection: time alone makes a row.
func diagProperties(raw json.RawMessage) map[string]json.RawMessage {
	raw = bytes.TrimSpace(raw)
	if len(raw) > 0 && raw[0] == '"' {
		raw = dynamicValue(raw)
	}
	var obj map[string]json.RawMessage
	if json.Unmarshal(raw, &obj) != nil {
		return nil
	}
	return obj
}

// diagResult names the numbers old records write in properties.result (the
// Graph operationResult enumeration); a string is kept as is.
func diagResult(raw json.RawMessage) string {
	s := stringValue(raw)
	if t := bytes.TrimSpace(raw); len(t) > 0 && t[0] == '"' {
		return s
	}
	switch s {
	case "0":
		return "success"
	case "1":
		return "failure"
	case "2":
		return "timeout"
	case "3":
		return "unknownFutureValue"
	}
	return s
}
