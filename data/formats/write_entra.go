package formats

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/guesthunt/guesthunt/data"
)

// The Entra admin center's "Download" CSV has a fixed shape: this many
// targets, modified properties per target and additional details.
const (
	entraTargets            = 3
	entraModifiedProperties = 5
	entraAdditionalDetails  = 6
)

// entraActorColumns are the columns before the first target.
var entraActorColumns = []string{
	"Date (UTC)", "CorrelationId", "Service", "Category", "Activity", "Result", "ResultReason",
	"User Agent", "ActorType", "ActorDisplayName", "ActorObjectId", "ActorUserPrincipalName",
	"IPAddress", "ActorHomeTenantId", "ActorHomeTenantName", "ActorServicePrincipalId",
	"ActorServicePrincipalName",
}

// entraWriterHeader returns the 86 column names of the Entra download CSV.
func entraWriterHeader() []string {
	h := append([]string(nil), entraActorColumns...)
	for n := 1; n <= entraTargets; n++ {
		p := fmt.Sprintf("Target%d", n)
		h = append(h, p+"Type", p+"DisplayName", p+"ObjectId", p+"UserPrincipalName")
		for m := 1; m <= entraModifiedProperties; m++ {
			mp := fmt.Sprintf("%sModifiedProperty%d", p, m)
			h = append(h, mp+"Name", mp+"OldValue", mp+"NewValue")
		}
	}
	for k := 1; k <= entraAdditionalDetails; k++ {
		h = append(h, fmt.Sprintf("AdditionalDetail%dKey", k), fmt.Sprintf("AdditionalDetail%dValue", k))
	}
	return h
}

// utf8BOM starts the Entra download, as Excel expects.
const utf8BOM = "\uFEFF"

func writeEntraCSV(w *bufio.Writer, recs []data.Record) error {
	w.WriteString(utf8BOM)
	cw := csv.NewWriter(w)
	if err := cw.Write(entraWriterHeader()); err != nil {
		return err
	}
	for n := range recs {
		if err := cw.Write(entraRow(&recs[n])); err != nil {
			return fmt.Errorf("record %d: %w", n+1, err)
		}
	}
	cw.Flush()
	return cw.Error()
}

// entraRow flattens r into the download's columns. Whatever does not fit
// (a fourth target, a sixth modified property) is dropped, as the portal does.
func entraRow(r *data.Record) []string {
	userAgent, details := splitUserAgent(jsonObjects(r.AdditionalDetails))
	row := []string{
		firstTime(r.ActivityDateTime, r.TimeGenerated), r.CorrelationId, r.LoggedByService,
		r.Category, firstString(r.OperationName, r.ActivityDisplayName), r.Result, r.ResultReason,
		userAgent,
	}
	kind, by := initiator(r.InitiatedBy)
	switch kind {
	case "user":
		row = append(row, "User", jsonText(by, "displayName"), jsonText(by, "id"),
			jsonText(by, "userPrincipalName"), jsonText(by, "ipAddress"),
			jsonText(by, "homeTenantId"), jsonText(by, "homeTenantName"), "", "")
	case "app":
		row = append(row, "App", jsonText(by, "displayName"), "", "", jsonText(by, "ipAddress"),
			"", "", jsonText(by, "servicePrincipalId"), jsonText(by, "servicePrincipalName"))
	default:
		row = append(row, make([]string, 9)...)
	}
	targets := jsonObjects(r.TargetResources)
	for n := 0; n < entraTargets; n++ {
		row = append(row, entraTargetCells(targets, n)...)
	}
	for k := 0; k < entraAdditionalDetails; k++ {
		if k < len(details) {
			row = append(row, jsonText(details[k], "key"), jsonText(details[k], "value"))
		} else {
			row = append(row, "", "")
		}
	}
	return row
}

// entraTargetCells are the 4 + 3*5 cells of target n (zero-based).
func entraTargetCells(targets []map[string]json.RawMessage, n int) []string {
	cells := make([]string, 4+3*entraModifiedProperties)
	if n >= len(targets) {
		return cells
	}
	t := targets[n]
	cells[0] = firstString(jsonText(t, "type"), jsonText(t, "Type"))
	cells[1] = jsonText(t, "displayName")
	cells[2] = jsonText(t, "id")
	cells[3] = jsonText(t, "userPrincipalName")
	var props []map[string]json.RawMessage
	if raw, ok := t["modifiedProperties"]; ok {
		props = jsonObjects(raw)
	}
	for m := 0; m < entraModifiedProperties && m < len(props); m++ {
		cells[4+3*m] = jsonText(props[m], "displayName")
		cells[5+3*m] = jsonText(props[m], "oldValue")
		cells[6+3*m] = jsonText(props[m], "newValue")
	}
	return cells
}

// splitUserAgent takes the first "User-Agent" detail out of the list: the
// download shows it in its own column, not again among the details.
func splitUserAgent(details []map[string]json.RawMessage) (string, []map[string]json.RawMessage) {
	for i, d := range details {
		if strings.EqualFold(jsonText(d, "key"), "User-Agent") {
			rest := append(append([]map[string]json.RawMessage(nil), details[:i]...), details[i+1:]...)
			return jsonText(d, "value"), rest
		}
	}
	return "", details
}

// jsonObjects reads a JSON array of objects; anything else (null, invalid
// text, a scalar) gives none, and non-object elements are skipped.
func jsonObjects(raw json.RawMessage) []map[string]json.RawMessage {
	var items []json.RawMessage
	if isNullDynamic(raw) || json.Unmarshal(raw, &items) != nil {
		return nil
	}
	var objs []map[string]json.RawMessage
	for _, item := range items {
		var obj map[string]json.RawMessage
		if json.Unmarshal(item, &obj) == nil && obj != nil {
			objs = append(objs, obj)
		}
	}
	return objs
}
