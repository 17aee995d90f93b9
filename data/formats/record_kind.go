package formats

import (
	"encoding/json"
	"strings"
)

// Collections mix tables (FORMATS.md, "Records that are not audit events"):
// the readers of formats that hold other resources next to audit records
// say which records are not audit events with a *SkipError naming the kind.

// graphRecordKind tells a Graph directoryAudit record from the other Graph
// resources a collection folder holds; "" means an audit record.
func graphRecordKind(f *fields) string {
	has := func(name string) bool { v := f.get(name); return len(v) > 0 && string(v) != "null" }
	if has("activityDisplayName") || has("initiatedBy") {
		if has("provisioningAction") || has("jobId") || has("cycleId") {
			return "provisioning"
		}
		return ""
	}
	switch {
	case has("createdDateTime") && (has("appDisplayName") || has("status") || has("conditionalAccessStatus") || has("userPrincipalName")):
		return "signIns"
	case has("provisioningAction") || has("jobId") || has("cycleId"):
		return "provisioning"
	case has("riskEventType") || has("riskLevel") || has("riskState"):
		return "riskDetections"
	}
	return ""
}

// GraphShapeMembers are the members graphRecordKind looks at, for readers
// that classify Graph records elsewhere (the store's native path).
var GraphShapeMembers = []string{"activityDisplayName", "initiatedBy", "provisioningAction", "jobId", "cycleId",
	"createdDateTime", "appDisplayName", "status", "conditionalAccessStatus", "userPrincipalName",
	"riskEventType", "riskLevel", "riskState"}

// GraphKindSQL is graphRecordKind in SQL over a relation whose columns are
// GraphShapeMembers (NULL when absent or null), giving "AuditLogs" for an
// audit record. Keep the two in step: TestGraphKindSQL checks them.
func GraphKindSQL(col func(member string) string) string {
	has := func(names ...string) string {
		var parts []string
		for _, n := range names {
			parts = append(parts, col(n)+" IS NOT NULL")
		}
		return "(" + strings.Join(parts, " OR ") + ")"
	}
	return "CASE WHEN " + has("activityDisplayName", "initiatedBy") + " THEN CASE WHEN " + has("provisioningAction", "jobId", "cycleId") +
		" THEN 'provisioning' ELSE 'AuditLogs' END" +
		" WHEN " + col("createdDateTime") + " IS NOT NULL AND " + has("appDisplayName", "status", "conditionalAccessStatus", "userPrincipalName") + " THEN 'signIns'" +
		" WHEN " + has("provisioningAction", "jobId", "cycleId") + " THEN 'provisioning'" +
		" WHEN " + has("riskEventType", "riskLevel", "riskState") + " THEN 'riskDetections'" +
		" ELSE 'AuditLogs' END"
}

// GraphMembers maps canonical columns to the directoryAudit members they
// come from, as recordFromGraph reads them.
var GraphMembers = map[string]string{
	"TimeGenerated": "activityDateTime", "OperationName": "activityDisplayName", "Category": "category",
	"CorrelationId": "correlationId", "AdditionalDetails": "additionalDetails", "Id": "id",
	"InitiatedBy": "initiatedBy", "LoggedByService": "loggedByService", "Result": "result",
	"ResultReason": "resultReason", "TargetResources": "targetResources", "ActivityDisplayName": "activityDisplayName",
	"ActivityDateTime": "activityDateTime", "AADOperationType": "operationType",
}

// diagRecordKind is the category of a diagnostic-settings record when it is
// not AuditLogs ("" for audit logs and for records that name none).
func diagRecordKind(category json.RawMessage) string {
	c := stringValue(category)
	if c == "" || strings.EqualFold(c, "AuditLogs") {
		return ""
	}
	return c
}
