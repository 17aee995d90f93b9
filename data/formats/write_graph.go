package formats

import (
	"bufio"
	"time"

	"github.com/guesthunt/guesthunt/data"
)

// graphContext is the @odata.context of a directoryAudits page.
const graphContext = "https://graph.microsoft.com/v1.0/$metadata#auditLogs/directoryAudits"

// firstTime is a, or b when a is absent: Graph and diagnostic records carry
// one timestamp where Log Analytics has two.
func firstTime(a, b time.Time) string {
	if a.IsZero() {
		return data.FormatTime(b)
	}
	return data.FormatTime(a)
}

func firstString(a, b string) string {
	if a == "" {
		return b
	}
	return a
}

// directoryAudit is r as a Graph directoryAudit resource, which is also the
// "properties" of a diagnostic-settings record. Dynamic values are embedded
// as JSON, not as text.
func directoryAudit(r *data.Record) jsonObject {
	return jsonObject{
		{"id", r.Id},
		{"category", r.Category},
		{"correlationId", r.CorrelationId},
		{"result", r.Result},
		{"resultReason", r.ResultReason},
		{"activityDisplayName", firstString(r.ActivityDisplayName, r.OperationName)},
		{"activityDateTime", firstTime(r.ActivityDateTime, r.TimeGenerated)},
		{"loggedByService", r.LoggedByService},
		{"operationType", r.AADOperationType},
		{"initiatedBy", embeddedDynamic(r.InitiatedBy)},
		{"targetResources", embeddedDynamic(r.TargetResources)},
		{"additionalDetails", embeddedDynamic(r.AdditionalDetails)},
	}
}

// writeGraphPage writes all records as one API page without a nextLink.
func writeGraphPage(w *bufio.Writer, recs []data.Record) error {
	w.WriteString(`{"@odata.context":"` + graphContext + `","value":`)
	if err := writeJSONArrayBody(w, len(recs), func(i int) any { return directoryAudit(&recs[i]) }); err != nil {
		return err
	}
	w.WriteString("}\n")
	return nil
}

func writeGraphArray(w *bufio.Writer, recs []data.Record) error {
	if err := writeJSONArrayBody(w, len(recs), func(i int) any { return directoryAudit(&recs[i]) }); err != nil {
		return err
	}
	w.WriteByte('\n')
	return nil
}

func writeGraphNDJSON(w *bufio.Writer, recs []data.Record) error {
	return writeJSONLines(w, len(recs), func(i int) any { return directoryAudit(&recs[i]) })
}
