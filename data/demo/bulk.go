package demo

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/guesthunt/guesthunt/data"
)

// Bulk emits n events of a large tenant over the 30 days before End(), in
// time order, for benchmarks: everyday directory noise with about 3% guest
// invites by a few hundred regular inviters, some failed, and a handful of
// new inviters in the last day. Records are produced one at a time so that a
// million of them never sit in memory together.
func Bulk(seed int64, n int, emit func(data.Record) error) error {
	rng := rand.New(rand.NewPCG(uint64(seed), 0xb01c))
	end := End()
	span := 30 * 24 * time.Hour
	const tenant = "5f1c0a2e-8d3b-4c6f-9a71-2b4e6d8f0c13"
	ops := []struct{ name, category, service, opType string }{
		{"Update user", "UserManagement", "Core Directory", "Update"},
		{"Add member to group", "GroupManagement", "Core Directory", "Assign"},
		{"Remove member from group", "GroupManagement", "Core Directory", "Unassign"},
		{"Update application", "ApplicationManagement", "Core Directory", "Update"},
		{"Add app role assignment to service principal", "ApplicationManagement", "Core Directory", "Assign"},
		{"Reset password (by admin)", "UserManagement", "Self-service Password Management", "Update"},
	}
	for i := 0; i < n; i++ {
		at := end.Add(-span + time.Duration(float64(span)*float64(i+1)/float64(n))).Truncate(data.Tick)
		user := rng.IntN(20000)
		corr := bulkGUID(rng)
		rec := data.Record{
			TenantId: tenant, SourceSystem: "Azure AD", TimeGenerated: at,
			ResourceId: "/tenants/" + tenant + "/providers/Microsoft.aadiam", OperationVersion: "1.0",
			ResultSignature: "None", DurationMs: new(int64), CorrelationId: corr, Resource: "Microsoft.aadiam",
			ResourceGroup: "Microsoft.aadiam", Level: "4", Result: "success", AADTenantId: tenant,
			ActivityDateTime: at, Type: "AuditLogs",
		}
		ip := fmt.Sprintf("198.51.100.%d", user%250)
		upn := fmt.Sprintf("user%05d@northwindtraders.example", user)
		switch {
		case i%33 == 0: // a guest invite
			inviter := rng.IntN(300)
			if i > n-n/30 && rng.IntN(40) == 0 {
				inviter = 300 + rng.IntN(50) // someone new, in the last day
			}
			upn = fmt.Sprintf("inviter%03d@northwindtraders.example", inviter)
			email := fmt.Sprintf("guest%07d@partner%02d.example", i, rng.IntN(60))
			rec.OperationName, rec.Category, rec.LoggedByService, rec.AADOperationType =
				"Invite external user", "UserManagement", "Invited Users", "Add"
			if rng.IntN(20) == 0 {
				rec.Result = "failure"
			}
			rec.Id = "Invited Users_" + corr + "_" + fmt.Sprint(i)
			rec.AdditionalDetails = bulkJSON([]map[string]string{{"key": "invitedUserEmailAddress", "value": email},
				{"key": "User-Agent", "value": "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36 Edg/130.0.0.0"}})
			rec.TargetResources = bulkJSON([]map[string]any{{"id": bulkGUID(rng), "displayName": nil, "type": "User",
				"userPrincipalName": guestUPN(email), "modifiedProperties": []any{}, "administrativeUnits": []any{}}})
		default:
			op := ops[rng.IntN(len(ops))]
			rec.OperationName, rec.Category, rec.LoggedByService, rec.AADOperationType = op.name, op.category, op.service, op.opType
			rec.Id = fmt.Sprintf("Directory_%s_%s_%d", corr, "BULK1", i)
			rec.AdditionalDetails = bulkJSON([]map[string]string{{"key": "User-Agent", "value": "Microsoft Azure Graph Client Library 1.0"}})
			rec.TargetResources = bulkJSON([]map[string]any{{"id": bulkGUID(rng), "displayName": nil, "type": "User",
				"userPrincipalName": fmt.Sprintf("user%05d@northwindtraders.example", rng.IntN(20000)),
				"modifiedProperties": []map[string]any{
					{"displayName": "AccountEnabled", "oldValue": "[false]", "newValue": "[true]"},
					{"displayName": "Included Updated Properties", "oldValue": nil, "newValue": "\"AccountEnabled\""}},
				"administrativeUnits": []any{}}})
		}
		rec.ActivityDisplayName = rec.OperationName
		rec.InitiatedBy = bulkJSON(map[string]any{"user": map[string]any{"id": bulkGUID(rng), "displayName": nil,
			"userPrincipalName": upn, "ipAddress": ip, "roles": []any{}}})
		if err := emit(rec); err != nil {
			return err
		}
	}
	return nil
}

func bulkGUID(rng *rand.Rand) string {
	a, b := rng.Uint64(), rng.Uint64()
	return fmt.Sprintf("%08x-%04x-%04x-%04x-%012x", a>>32, a>>16&0xffff, a&0xffff, b>>48, b&0xffffffffffff)
}

func bulkJSON(v any) json.RawMessage {
	b, _ := json.Marshal(v) // maps and slices of strings always marshal
	return b
}
