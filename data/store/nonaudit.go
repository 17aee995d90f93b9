package store

import "strings"

// Collections mix tables: an Event Hub capture or a storage account holds
// sign-ins beside audit logs, a Log Analytics union export has a Type
// column, a Graph collection folder holds signIns and provisioning records.
// Only AuditLogs records are audit events; the others are counted by kind
// and kept out of AuditLogs (FORMATS.md, "Records that are not audit events").

// otherTables are Log Analytics tables and diagnostic categories that Entra
// and Sentinel collections put beside AuditLogs, lower-cased.
var otherTables = []string{
	"signinlogs", "aadnoninteractiveusersigninlogs", "aadserviceprincipalsigninlogs",
	"aadmanagedidentitysigninlogs", "aadprovisioninglogs", "adfssigninlogs", "aaduserriskevents",
	"aadriskyusers", "aadriskyserviceprincipals", "aadserviceprincipalriskevents",
	"microsoftgraphactivitylogs", "networkaccesstraffic", "enrichedoffice365auditlogs",
	"aadcustomsecurityattributeauditlogs", "officeactivity", "securityevent", "azureactivity",
	// diagnostic-settings categories
	"noninteractiveusersigninlogs", "serviceprincipalsigninlogs", "managedidentitysigninlogs",
	"provisioninglogs", "riskyusers", "userriskevents", "networkaccesstrafficlogs",
	"riskyserviceprincipals", "serviceprincipalriskevents", "remotenetworkhealthlogs",
	"b2crequestlogs", "customsecurityattributeauditlogs",
	// Graph resources beside directoryAudits (formats.GraphKindSQL)
	"signins", "provisioning", "riskdetections",
}

// nonAuditSQL is true for a stored row that is not an audit event. Every
// format's rows are judged by it once stored, so all paths decide alike: a
// Type naming another table, or any Type but AuditLogs on a row without the
// audit shape (no InitiatedBy, no TargetResources). A Type other than
// AuditLogs on an audit-shaped row is kept: exports that mv-expand
// TargetResources overwrite Type with the target's type ("Application").
func nonAuditSQL(e string) string {
	quoted := make([]string, len(otherTables))
	for i, t := range otherTables {
		quoted[i] = sqlString(t)
	}
	typ := e + ".Type"
	return "(" + typ + " <> '' AND lower(" + typ + ") <> 'auditlogs' AND (lower(" + typ + ") IN (" + strings.Join(quoted, ", ") +
		") OR (" + e + ".InitiatedBy IS NULL AND " + e + ".TargetResources IS NULL)))"
}
