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
