package data

import (
	"encoding/json"
	"time"
)

// Record is one AuditLogs row in the canonical (Log Analytics) shape. Every
// reader maps its format onto it and every writer maps it back out.
//
// Kusto strings are never null, so an absent string column is "". Dynamic
// columns keep their JSON text exactly (nil means absent/null). Times are UTC
// and carry at most 100 ns resolution (Kusto ticks); the zero time means absent.
type Record struct {
	TenantId            string
	SourceSystem        string
	TimeGenerated       time.Time
	ResourceId          string
	OperationName       string
	OperationVersion    string
	Category            string
	ResultType          string
	ResultSignature     string
	ResultDescription   string
	DurationMs          *int64
	CorrelationId       string
	Resource            string
	ResourceGroup       string
	ResourceProvider    string
	Identity            string
	Level               string
	Location            string
	AdditionalDetails   json.RawMessage
	Id                  string
	InitiatedBy         json.RawMessage
	LoggedByService     string
	Result              string
	ResultReason        string
	TargetResources     json.RawMessage
	AADTenantId         string
	ActivityDisplayName string
	ActivityDateTime    time.Time
	AADOperationType    string
	Type                string
}

// Tick is Kusto's datetime resolution.
const Tick = 100 * time.Nanosecond

// ToTick truncates t to Kusto's 100 ns resolution, in UTC.
func ToTick(t time.Time) time.Time {
	if t.IsZero() {
		return t
	}
	return t.UTC().Truncate(Tick)
}

// TimeLayout spells a time as Kusto, Log Analytics and Graph do: RFC 3339 in
// UTC with exactly seven fractional digits (100 ns ticks).
const TimeLayout = "2006-01-02T15:04:05.0000000Z"

// FormatTime spells t in TimeLayout, truncated to Kusto's ticks; the zero time is "".
func FormatTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return ToTick(t).Format(TimeLayout)
}
