package formats

import (
	"encoding/json"
	"io"

	"github.com/guesthunt/guesthunt/data"
)

// newGraphPageReader reads Microsoft Graph directoryAudits API pages
// ({"@odata.context":...,"value":[...],"@odata.nextLink":...}): one page, or
// several saved back to back or one a line.
func newGraphPageReader(r io.Reader) RecordReader {
	return &jsonRecordReader{src: newEnvelopeSource(r, "value", graphRecordShape), toRecord: graphRecordFromText}
}

// newGraphArrayReader reads one JSON array of directoryAudit records
// (Microsoft-Extractor-Suite).
func newGraphArrayReader(r io.Reader) RecordReader {
	return &jsonRecordReader{src: newArraySource(r, graphRecordShape), toRecord: graphRecordFromText}
}

// newGraphNDJSONReader reads one directoryAudit record a line (Untitled Goose Tool).
func newGraphNDJSONReader(r io.Reader) RecordReader {
	return &jsonRecordReader{src: newLineSource(r), toRecord: graphRecordFromText}
}

func graphRecordFromText(raw []byte) (data.Record, error) {
	obj, err := parseObject(raw)
	if err != nil {
		return data.Record{}, err
	}
	return recordFromGraph(obj)
}

// recordFromGraph maps a directoryAudit resource. Graph does not carry the
// workspace columns (TenantId, ResourceId, ...), which stay empty; its
// activityDateTime stands in for TimeGenerated.
func recordFromGraph(obj map[string]json.RawMessage) (data.Record, error) {
	f := fields{exact: obj}
	if kind := graphRecordKind(&f); kind != "" {
		return data.Record{}, &SkipError{Kind: kind}
	}
	at, err := graphTime(f.get("activityDateTime"))
	if err != nil {
		return data.Record{}, err
	}
	activity := stringValue(f.get("activityDisplayName"))
	dynamic := dynamicValue
	if isPascalRecord(obj) {
		dynamic = func(raw json.RawMessage) json.RawMessage { return camelDynamic(dynamicValue(raw)) }
	}
	return data.Record{
		TimeGenerated:       at,
		OperationName:       activity,
		Category:            stringValue(f.get("category")),
		CorrelationId:       stringValue(f.get("correlationId")),
		AdditionalDetails:   dynamic(f.get("additionalDetails")),
		Id:                  stringValue(f.get("id")),
		InitiatedBy:         dynamic(f.get("initiatedBy")),
		LoggedByService:     stringValue(f.get("loggedByService")),
		Result:              stringValue(f.get("result")),
		ResultReason:        stringValue(f.get("resultReason")),
		TargetResources:     dynamic(f.get("targetResources")),
		ActivityDisplayName: activity,
		ActivityDateTime:    at,
		AADOperationType:    stringValue(f.get("operationType")),
		Type:                "AuditLogs",
	}, nil
}
