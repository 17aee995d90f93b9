package data

// Column is one column of the canonical AuditLogs table.
type Column struct {
	Name string
	Type string // DuckDB type
}

// Kinds of column, by DuckDB type.
const (
	TypeString  = "VARCHAR"
	TypeTime    = "TIMESTAMP_NS" // Kusto datetimes tick in 100 ns; TIMESTAMP would keep only µs
	TypeLong    = "BIGINT"
	TypeDynamic = "JSON"
)

// AuditLogsColumns are Sentinel's AuditLogs columns, in Sentinel's order.
var AuditLogsColumns = []Column{
	{"TenantId", TypeString},
	{"SourceSystem", TypeString},
	{"TimeGenerated", TypeTime},
	{"ResourceId", TypeString},
	{"OperationName", TypeString},
	{"OperationVersion", TypeString},
	{"Category", TypeString},
	{"ResultType", TypeString},
	{"ResultSignature", TypeString},
	{"ResultDescription", TypeString},
	{"DurationMs", TypeLong},
	{"CorrelationId", TypeString},
	{"Resource", TypeString},
	{"ResourceGroup", TypeString},
	{"ResourceProvider", TypeString},
	{"Identity", TypeString},
	{"Level", TypeString},
	{"Location", TypeString},
	{"AdditionalDetails", TypeDynamic},
	{"Id", TypeString},
	{"InitiatedBy", TypeDynamic},
	{"LoggedByService", TypeString},
	{"Result", TypeString},
	{"ResultReason", TypeString},
	{"TargetResources", TypeDynamic},
	{"AADTenantId", TypeString},
	{"ActivityDisplayName", TypeString},
	{"ActivityDateTime", TypeTime},
	{"AADOperationType", TypeString},
	{"Type", TypeString},
}

// Provenance columns: which loaded file a row came from and its record number
// there. They follow the AuditLogs columns in the AuditLogs view.
const (
	ColSourceID     = "_SourceId"     // INTEGER, key of _Sources
	ColSourceRecord = "_SourceRecord" // BIGINT, 1-based record number within the file
)

// AuditLogsColumnNames returns the canonical column names in order.
func AuditLogsColumnNames() []string {
	names := make([]string, len(AuditLogsColumns))
	for i, c := range AuditLogsColumns {
		names[i] = c.Name
	}
	return names
}
