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
	has := func(name string) bool { return len(f.get(name)) > 0 }
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

// diagRecordKind is the category of a diagnostic-settings record when it is
// not AuditLogs ("" for audit logs and for records that name none).
func diagRecordKind(category json.RawMessage) string {
	c := stringValue(category)
	if c == "" || strings.EqualFold(c, "AuditLogs") {
		return ""
	}
	return c
}
