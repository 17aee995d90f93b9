package hunt

import (
	"time"

	"github.com/guesthunt/guesthunt/data"
)

// Alert is one output row of the rule: one qualifying invite event, with
// every column Sentinel would show (AlertColumns gives their order).
type Alert struct {
	// The event's AuditLogs columns, as loaded. AlertColumns and Values put
	// them in Sentinel's order: project-reorder's TimeGenerated,
	// OperationName and Result first, the rest in table order.
	data.Record

	// The columns project-reorder adds from the event's dynamic columns.
	TargetUserPrincipalName     string // tostring(TargetResources[0].userPrincipalName)
	TargetAadUserId             string // tostring(TargetResources[0].id)
	InitiatingUserPrincipalName string // the inviter's UPN, never ""
	InitiatingAadUserId         string // tostring(InitiatedBy.user.id)
	InitiatingIPAddress         string // tostring(InitiatedBy.user.ipAddress)

	// The extended columns not named by project-reorder, in creation order.
	InvitingUser               string // = InitiatingUserPrincipalName
	InvitedUserPrincipalName   string // = TargetUserPrincipalName
	InitiatingAccountName      string
	InitiatingAccountUPNSuffix string
	TargetAccountName          string
	TargetAccountUPNSuffix     string

	// Provenance, not part of Kusto's output: the loaded file and the record
	// number within it.
	SourceID     int64
	SourceRecord int64

	// latestEarlier is the inviter's latest successful invite at or before
	// the window start (any distance back), for the inviter summaries.
	latestEarlier time.Time
}

// AlertColumns are the rule's output columns as Sentinel shows them:
// project-reorder's eight, then the other AuditLogs columns in table order,
// then the remaining extended columns in the order extend created them.
func AlertColumns() []string {
	return []string{
		"TimeGenerated", "OperationName", "Result", "TargetUserPrincipalName", "TargetAadUserId",
		"InitiatingUserPrincipalName", "InitiatingAadUserId", "InitiatingIPAddress",
		"TenantId", "SourceSystem", "ResourceId", "OperationVersion", "Category", "ResultType",
		"ResultSignature", "ResultDescription", "DurationMs", "CorrelationId", "Resource",
		"ResourceGroup", "ResourceProvider", "Identity", "Level", "Location", "AdditionalDetails",
		"Id", "InitiatedBy", "LoggedByService", "ResultReason", "TargetResources", "AADTenantId",
		"ActivityDisplayName", "ActivityDateTime", "AADOperationType", "Type",
		"invitingUser", "invitedUserPrincipalName", "InitiatingAccountName",
		"InitiatingAccountUPNSuffix", "TargetAccountName", "TargetAccountUPNSuffix",
	}
}

// Values returns the row's cells in AlertColumns order: times as time.Time,
// DurationMs as *int64 (nil when absent), dynamic columns as json.RawMessage.
func (a Alert) Values() []any {
	return []any{
		a.TimeGenerated, a.OperationName, a.Result, a.TargetUserPrincipalName, a.TargetAadUserId,
		a.InitiatingUserPrincipalName, a.InitiatingAadUserId, a.InitiatingIPAddress,
		a.TenantId, a.SourceSystem, a.ResourceId, a.OperationVersion, a.Category, a.ResultType,
		a.ResultSignature, a.ResultDescription, a.DurationMs, a.CorrelationId, a.Resource,
		a.ResourceGroup, a.ResourceProvider, a.Identity, a.Level, a.Location, a.AdditionalDetails,
		a.Id, a.InitiatedBy, a.LoggedByService, a.ResultReason, a.TargetResources, a.AADTenantId,
		a.ActivityDisplayName, a.ActivityDateTime, a.AADOperationType, a.Type,
		a.InvitingUser, a.InvitedUserPrincipalName, a.InitiatingAccountName,
		a.InitiatingAccountUPNSuffix, a.TargetAccountName, a.TargetAccountUPNSuffix,
	}
}
