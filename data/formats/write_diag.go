package formats

import (
	"bufio"

	"github.com/guesthunt/guesthunt/data"
)

// diagRecord is r as Azure Monitor diagnostic settings stream it (storage
// PT1H.json line or Event Hub record). The top-level category is always
// "AuditLogs"; the real one sits in properties.
func diagRecord(r *data.Record) jsonObject {
	resourceID := r.ResourceId
	if resourceID == "" && r.AADTenantId != "" {
		resourceID = "/tenants/" + r.AADTenantId + "/providers/Microsoft.aadiam"
	}
	rec := jsonObject{
		{"time", firstTime(r.TimeGenerated, r.ActivityDateTime)},
		{"resourceId", resourceID},
		{"operationName", firstString(r.OperationName, r.ActivityDisplayName)},
		{"operationVersion", r.OperationVersion},
		{"category", "AuditLogs"},
		{"tenantId", r.AADTenantId},
		{"resultSignature", r.ResultSignature},
	}
	if r.DurationMs != nil {
		rec = append(rec, jsonField{"durationMs", *r.DurationMs})
	}
	_, by := initiator(r.InitiatedBy)
	if ip := jsonText(by, "ipAddress"); ip != "" {
		rec = append(rec, jsonField{"callerIpAddress", ip})
	}
	rec = append(rec, jsonField{"correlationId", r.CorrelationId})
	if r.Identity != "" {
		rec = append(rec, jsonField{"identity", r.Identity})
	}
	if r.Level != "" {
		rec = append(rec, jsonField{"Level", levelValue(r.Level)})
	}
	return append(rec, jsonField{"properties", directoryAudit(r)})
}

func writeDiagNDJSON(w *bufio.Writer, recs []data.Record) error {
	return writeJSONLines(w, len(recs), func(i int) any { return diagRecord(&recs[i]) })
}

// writeDiagRecords writes the Event Hub envelope {"records":[...]}.
func writeDiagRecords(w *bufio.Writer, recs []data.Record) error {
	w.WriteString(`{"records":`)
	if err := writeJSONArrayBody(w, len(recs), func(i int) any { return diagRecord(&recs[i]) }); err != nil {
		return err
	}
	w.WriteString("}\n")
	return nil
}
