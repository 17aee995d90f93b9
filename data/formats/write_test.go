package formats

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/guesthunt/guesthunt/data"
)

// writeTestHostileName carries what an attacker may put in a guest's display name:
// an ANSI colour, a right-to-left override, a zero-width space, markup, a
// CSV delimiter, a quote and a newline.
const writeTestHostileName = "Eve \x1b[31mAdmin\x1b[0m \u202Egpj.exe\u200b <b>&\"x\",\ny"

var writeTestSevenDigitTime = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{7}Z$`)

func writeTestRecords() []data.Record {
	t0 := time.Date(2021, 8, 2, 13, 29, 25, 983123400, time.UTC)
	zero := int64(0)
	invite := data.Record{
		TenantId: "11111111-1111-1111-1111-111111111111", SourceSystem: "Azure AD",
		TimeGenerated: t0, ResourceId: "/tenants/22222222-2222-2222-2222-222222222222/providers/Microsoft.aadiam",
		OperationName: "Invite external user", OperationVersion: "1.0", Category: "UserManagement",
		ResultSignature: "None", DurationMs: &zero, CorrelationId: "c0ffee00-0000-4000-8000-000000000001",
		Resource: "Microsoft.aadiam", ResourceGroup: "Microsoft.aadiam", Level: "4",
		AdditionalDetails: json.RawMessage(`[{"key":"invitedUserEmailAddress","value":"eve@gmail.com"},{"key":"User-Agent","value":"Mozilla/5.0 (X11)"}]`),
		Id:                "Invited Users_c0ffee00-0000-4000-8000-000000000001_ABCDE_12345678",
		InitiatedBy:       json.RawMessage(`{"user":{"id":"a1","displayName":null,"userPrincipalName":"alice@example.com","ipAddress":"203.0.113.7","roles":[]}}`),
		LoggedByService:   "Invited Users", Result: "success",
		TargetResources: writeTestJSON([]any{map[string]any{
			"id": "g1", "displayName": writeTestHostileName, "type": "User",
			"userPrincipalName":  "eve_gmail.com#EXT#@example.onmicrosoft.com",
			"modifiedProperties": []any{}, "administrativeUnits": []any{},
		}}),
		AADTenantId: "22222222-2222-2222-2222-222222222222", ActivityDisplayName: "Invite external user",
		ActivityDateTime: t0, AADOperationType: "Add", Type: "AuditLogs",
	}
	bare := data.Record{
		TimeGenerated: t0.Add(time.Hour), OperationName: "Update user", Category: "UserManagement",
		Id: "Directory_bare", Result: "failure", ResultReason: writeTestHostileName, Level: "Informational",
	}
	var details []map[string]string
	for _, k := range []string{"a", "User-Agent", "b", "c", "d", "e", "f", "g"} {
		details = append(details, map[string]string{"key": k, "value": "v-" + k})
	}
	var targets []any
	for n := 1; n <= 4; n++ {
		var props []any
		for m := 1; m <= 6; m++ {
			props = append(props, map[string]any{"displayName": "P", "oldValue": nil, "newValue": `"x"`})
		}
		targets = append(targets, map[string]any{"id": "t", "displayName": "T", "Type": "Group", "modifiedProperties": props})
	}
	app := data.Record{
		TimeGenerated: t0.Add(2 * time.Hour), ActivityDateTime: t0.Add(2 * time.Hour),
		OperationName: "Update user", Id: "Directory_app", Result: "success",
		Identity:          "Microsoft Invitation Acceptance Portal",
		InitiatedBy:       json.RawMessage(`{"app":{"appId":null,"displayName":"Microsoft Invitation Acceptance Portal","servicePrincipalId":"sp1","servicePrincipalName":null}}`),
		AdditionalDetails: writeTestJSON(details),
		TargetResources:   writeTestJSON(targets),
	}
	broken := data.Record{
		TimeGenerated: t0.Add(3 * time.Hour), OperationName: "Add user", Id: "Directory_broken",
		TargetResources: json.RawMessage(`not json at all`), InitiatedBy: json.RawMessage(`null`),
	}
	return []data.Record{invite, bare, app, broken}
}

func writeTestJSON(v any) json.RawMessage {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return b
}

func writeTestBytes(t *testing.T, f Format, recs []data.Record) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := WriteRecords(&buf, f, recs); err != nil {
		t.Fatalf("WriteRecords(%s): %v", f, err)
	}
	return buf.Bytes()
}

// writeTestKeyOrder returns the keys of a JSON object in document order.
func writeTestKeyOrder(t *testing.T, obj []byte) []string {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(obj))
	if _, err := dec.Token(); err != nil {
		t.Fatal(err)
	}
	var keys []string
	for dec.More() {
		k, err := dec.Token()
		if err != nil {
			t.Fatal(err)
		}
		keys = append(keys, k.(string))
		var skip json.RawMessage
		if err := dec.Decode(&skip); err != nil {
			t.Fatal(err)
		}
	}
	return keys
}

func writeTestCheckLARow(t *testing.T, line []byte, want *data.Record) {
	t.Helper()
	var row map[string]any
	if err := json.Unmarshal(line, &row); err != nil {
		t.Fatalf("row is not JSON: %v\n%s", err, line)
	}
	// Schema order, nothing empty.
	order := map[string]int{}
	for i, c := range data.AuditLogsColumns {
		order[c.Name] = i
	}
	keys := writeTestKeyOrder(t, line)
	for i := 1; i < len(keys); i++ {
		if order[keys[i-1]] >= order[keys[i]] {
			t.Errorf("columns out of schema order: %v", keys)
		}
	}
	for k, v := range row {
		if v == "" || v == nil {
			t.Errorf("empty column %s written", k)
		}
	}
	if s, _ := row["TimeGenerated"].(string); !writeTestSevenDigitTime.MatchString(s) {
		t.Errorf("TimeGenerated %q is not 7-digit ISO", s)
	}
	if want.InitiatedBy != nil && !isNullDynamic(want.InitiatedBy) {
		if s, ok := row["InitiatedBy"].(string); !ok || s != string(want.InitiatedBy) {
			t.Errorf("InitiatedBy = %#v, want JSON text %s", row["InitiatedBy"], want.InitiatedBy)
		}
	} else if _, ok := row["InitiatedBy"]; ok {
		t.Errorf("null InitiatedBy written")
	}
	if want.DurationMs != nil {
		if n, ok := row["DurationMs"].(float64); !ok || int64(n) != *want.DurationMs {
			t.Errorf("DurationMs = %#v", row["DurationMs"])
		}
	}
}

func TestWriteLANDJSON(t *testing.T) {
	recs := writeTestRecords()
	out := writeTestBytes(t, FormatLANDJSON, recs)
	lines := bytes.Split(bytes.TrimSuffix(out, []byte("\n")), []byte("\n"))
	if len(lines) != len(recs) {
		t.Fatalf("%d lines, want %d", len(lines), len(recs))
	}
	for i, line := range lines {
		writeTestCheckLARow(t, line, &recs[i])
	}
	if !bytes.Contains(out, []byte(`"TimeGenerated":"2021-08-02T13:29:25.9831234Z"`)) {
		t.Errorf("time not in 7-digit form:\n%s", lines[0])
	}
	if !bytes.Contains(out, []byte("<b>&")) {
		t.Errorf("HTML characters were escaped")
	}
}

func TestWriteLAJSON(t *testing.T) {
	recs := writeTestRecords()
	var rows []json.RawMessage
	if err := json.Unmarshal(writeTestBytes(t, FormatLAJSON, recs), &rows); err != nil {
		t.Fatal(err)
	}
	if len(rows) != len(recs) {
		t.Fatalf("%d rows, want %d", len(rows), len(recs))
	}
	for i, row := range rows {
		writeTestCheckLARow(t, row, &recs[i])
	}
	var empty []any
	if err := json.Unmarshal(writeTestBytes(t, FormatLAJSON, nil), &empty); err != nil || len(empty) != 0 {
		t.Errorf("empty input: %v %v", empty, err)
	}
}

func TestWriteLAAPI(t *testing.T) {
	recs := writeTestRecords()
	var resp struct {
		Tables []struct {
			Name    string
			Columns []struct{ Name, Type string }
			Rows    [][]any
		}
	}
	if err := json.Unmarshal(writeTestBytes(t, FormatLAAPI, recs), &resp); err != nil {
		t.Fatal(err)
	}
	if len(resp.Tables) != 1 || resp.Tables[0].Name != "PrimaryResult" {
		t.Fatalf("tables: %+v", resp.Tables)
	}
	tab := resp.Tables[0]
	if len(tab.Columns) != 30 || len(tab.Rows) != len(recs) {
		t.Fatalf("%d columns, %d rows", len(tab.Columns), len(tab.Rows))
	}
	types := map[string]string{}
	for i, c := range tab.Columns {
		if c.Name != data.AuditLogsColumns[i].Name {
			t.Errorf("column %d = %s", i, c.Name)
		}
		types[c.Name] = c.Type
	}
	if types["TimeGenerated"] != "datetime" || types["DurationMs"] != "long" || types["InitiatedBy"] != "dynamic" || types["Id"] != "string" {
		t.Errorf("column types: %v", types)
	}
	for i, row := range tab.Rows {
		if len(row) != 30 {
			t.Fatalf("row %d has %d cells", i, len(row))
		}
	}
	if s := tab.Rows[0][2].(string); !writeTestSevenDigitTime.MatchString(s) {
		t.Errorf("time %q", s)
	}
	if tab.Rows[0][20] != string(recs[0].InitiatedBy) {
		t.Errorf("InitiatedBy cell = %#v", tab.Rows[0][20])
	}
	if tab.Rows[1][20] != nil || tab.Rows[1][10] != nil || tab.Rows[1][27] != nil {
		t.Errorf("absent values not null: %v", tab.Rows[1])
	}
	if tab.Rows[1][0] != "" {
		t.Errorf("empty string column = %#v", tab.Rows[1][0])
	}
}

func writeTestReadCSV(t *testing.T, out []byte) [][]string {
	t.Helper()
	r := csv.NewReader(bytes.NewReader(out))
	rows, err := r.ReadAll() // also checks every row has the header's field count
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

func TestWriteLACSV(t *testing.T) {
	recs := writeTestRecords()
	rows := writeTestReadCSV(t, writeTestBytes(t, FormatLACSV, recs))
	if len(rows) != len(recs)+1 {
		t.Fatalf("%d rows", len(rows))
	}
	if strings.Join(rows[0], ",") != strings.Join(data.AuditLogsColumnNames(), ",") {
		t.Errorf("header %v", rows[0])
	}
	if got := rows[1][2]; got != "2021-08-02T13:29:25.9831234Z" {
		t.Errorf("TimeGenerated %q", got)
	}
	if rows[1][20] != string(recs[0].InitiatedBy) || rows[2][20] != "" {
		t.Errorf("InitiatedBy cells %q %q", rows[1][20], rows[2][20])
	}
	if rows[2][23] != writeTestHostileName {
		t.Errorf("hostile ResultReason did not survive CSV quoting: %q", rows[2][23])
	}
	if rows[1][10] != "0" || rows[2][10] != "" {
		t.Errorf("DurationMs cells %q %q", rows[1][10], rows[2][10])
	}
}

func TestWriteLAPortalCSV(t *testing.T) {
	recs := writeTestRecords()
	rows := writeTestReadCSV(t, writeTestBytes(t, FormatLAPortalCSV, recs))
	if rows[0][2] != "TimeGenerated [UTC]" || rows[0][27] != "ActivityDateTime [UTC]" || rows[0][4] != "OperationName" {
		t.Errorf("header %v", rows[0])
	}
	if got := rows[1][2]; got != "8/2/2021, 1:29:25.983 PM" {
		t.Errorf("portal time %q", got)
	}
	if got := formatPortalTime(time.Date(2023, 9, 7, 6, 3, 23, 829999999, time.UTC)); got != "9/7/2023, 6:03:23.829 AM" {
		t.Errorf("portal time %q", got)
	}
	if got := formatPortalTime(time.Date(2023, 12, 17, 0, 5, 0, 0, time.UTC)); got != "12/17/2023, 12:05:00.000 AM" {
		t.Errorf("portal midnight %q", got)
	}
	if rows[2][27] != "" {
		t.Errorf("absent ActivityDateTime = %q", rows[2][27])
	}
}

func writeTestCheckAudit(t *testing.T, obj map[string]any, want *data.Record) {
	t.Helper()
	keys := []string{"id", "category", "correlationId", "result", "resultReason", "activityDisplayName",
		"activityDateTime", "loggedByService", "operationType", "initiatedBy", "targetResources", "additionalDetails"}
	for _, k := range keys {
		if _, ok := obj[k]; !ok {
			t.Errorf("%s missing", k)
		}
	}
	if obj["id"] != want.Id {
		t.Errorf("id %v", obj["id"])
	}
	if s, _ := obj["activityDateTime"].(string); !writeTestSevenDigitTime.MatchString(s) {
		t.Errorf("activityDateTime %q", s)
	}
	if want.InitiatedBy != nil && !isNullDynamic(want.InitiatedBy) {
		if _, ok := obj["initiatedBy"].(map[string]any); !ok {
			t.Errorf("initiatedBy not embedded as an object: %#v", obj["initiatedBy"])
		}
	} else if obj["initiatedBy"] != nil {
		t.Errorf("null initiatedBy = %#v", obj["initiatedBy"])
	}
}

func TestWriteGraph(t *testing.T) {
	recs := writeTestRecords()
	var page struct {
		Context string `json:"@odata.context"`
		Value   []map[string]any
	}
	if err := json.Unmarshal(writeTestBytes(t, FormatGraph, recs), &page); err != nil {
		t.Fatal(err)
	}
	if !strings.HasSuffix(page.Context, "#auditLogs/directoryAudits") || len(page.Value) != len(recs) {
		t.Fatalf("page %q with %d records", page.Context, len(page.Value))
	}
	for i := range recs {
		writeTestCheckAudit(t, page.Value[i], &recs[i])
	}
	if page.Value[3]["targetResources"] != "not json at all" {
		t.Errorf("invalid dynamic text = %#v", page.Value[3]["targetResources"])
	}
	target := page.Value[0]["targetResources"].([]any)[0].(map[string]any)
	if target["displayName"] != writeTestHostileName {
		t.Errorf("hostile display name changed: %q", target["displayName"])
	}

	var arr []map[string]any
	if err := json.Unmarshal(writeTestBytes(t, FormatGraphArray, recs), &arr); err != nil || len(arr) != len(recs) {
		t.Fatalf("graph-array: %d records, %v", len(arr), err)
	}
	lines := bytes.Split(bytes.TrimSpace(writeTestBytes(t, FormatGraphNDJSON, recs)), []byte("\n"))
	if len(lines) != len(recs) {
		t.Fatalf("graph-ndjson: %d lines", len(lines))
	}
	for i, line := range lines {
		var obj map[string]any
		if err := json.Unmarshal(line, &obj); err != nil {
			t.Fatal(err)
		}
		writeTestCheckAudit(t, obj, &recs[i])
	}
}

func TestWriteDiag(t *testing.T) {
	recs := writeTestRecords()
	lines := bytes.Split(bytes.TrimSpace(writeTestBytes(t, FormatDiag, recs)), []byte("\n"))
	if len(lines) != len(recs) {
		t.Fatalf("%d lines", len(lines))
	}
	var first map[string]any
	if err := json.Unmarshal(lines[0], &first); err != nil {
		t.Fatal(err)
	}
	if first["category"] != "AuditLogs" || first["Level"] != float64(4) || first["callerIpAddress"] != "203.0.113.7" ||
		first["tenantId"] != recs[0].AADTenantId || first["resourceId"] != recs[0].ResourceId || first["operationVersion"] != "1.0" {
		t.Errorf("envelope: %v", first)
	}
	if s, _ := first["time"].(string); !writeTestSevenDigitTime.MatchString(s) {
		t.Errorf("time %q", s)
	}
	props := first["properties"].(map[string]any)
	writeTestCheckAudit(t, props, &recs[0])
	if props["category"] != "UserManagement" {
		t.Errorf("properties.category %v", props["category"])
	}

	var env struct{ Records []map[string]any }
	if err := json.Unmarshal(writeTestBytes(t, FormatDiagRecords, recs), &env); err != nil {
		t.Fatal(err)
	}
	if len(env.Records) != len(recs) {
		t.Fatalf("%d records", len(env.Records))
	}
	if env.Records[1]["Level"] != "Informational" {
		t.Errorf("textual level = %#v", env.Records[1]["Level"])
	}
	for i := range recs {
		writeTestCheckAudit(t, env.Records[i]["properties"].(map[string]any), &recs[i])
	}
}

func TestWriteEntraCSV(t *testing.T) {
	recs := writeTestRecords()
	out := writeTestBytes(t, FormatEntraCSV, recs)
	if !bytes.HasPrefix(out, []byte("\xEF\xBB\xBF")) {
		t.Fatal("no UTF-8 byte-order mark")
	}
	rows := writeTestReadCSV(t, out[3:])
	if len(rows) != len(recs)+1 {
		t.Fatalf("%d rows", len(rows))
	}
	header := rows[0]
	if len(header) != 86 {
		t.Fatalf("%d columns, want 86", len(header))
	}
	col := map[string]int{}
	for i, h := range header {
		col[h] = i
	}
	for _, h := range []string{"Date (UTC)", "User Agent", "ActorServicePrincipalName", "Target1Type",
		"Target1ModifiedProperty5NewValue", "Target3UserPrincipalName", "AdditionalDetail6Value"} {
		if _, ok := col[h]; !ok {
			t.Errorf("column %q missing", h)
		}
	}
	if header[85] != "AdditionalDetail6Value" || header[17] != "Target1Type" {
		t.Errorf("column order: %v", header)
	}
	inv, app := rows[1], rows[3]
	checks := []struct {
		row       []string
		col, want string
	}{
		{inv, "Date (UTC)", "2021-08-02T13:29:25.9831234Z"},
		{inv, "Service", "Invited Users"},
		{inv, "Activity", "Invite external user"},
		{inv, "ActorType", "User"},
		{inv, "ActorObjectId", "a1"},
		{inv, "ActorUserPrincipalName", "alice@example.com"},
		{inv, "ActorDisplayName", ""},
		{inv, "IPAddress", "203.0.113.7"},
		{inv, "User Agent", "Mozilla/5.0 (X11)"},
		{inv, "AdditionalDetail1Key", "invitedUserEmailAddress"},
		{inv, "AdditionalDetail1Value", "eve@gmail.com"},
		{inv, "AdditionalDetail2Key", ""},
		{inv, "Target1DisplayName", writeTestHostileName},
		{inv, "Target1UserPrincipalName", "eve_gmail.com#EXT#@example.onmicrosoft.com"},
		{inv, "Target1ObjectId", "g1"},
		{app, "ActorType", "App"},
		{app, "ActorDisplayName", "Microsoft Invitation Acceptance Portal"},
		{app, "ActorServicePrincipalId", "sp1"},
		{app, "User Agent", "v-User-Agent"},
		{app, "AdditionalDetail2Key", "b"},
		{app, "AdditionalDetail6Key", "f"},
		{app, "Target3Type", "Group"},
		{app, "Target2ModifiedProperty5OldValue", ""},
		{app, "Target2ModifiedProperty5NewValue", `"x"`},
		{rows[4], "ActorType", ""},
		{rows[4], "Target1Type", ""},
	}
	for _, c := range checks {
		if got := c.row[col[c.col]]; got != c.want {
			t.Errorf("%s = %q, want %q", c.col, got, c.want)
		}
	}
}

func TestWriteRecordsRefusesParquet(t *testing.T) {
	if err := WriteRecords(&bytes.Buffer{}, FormatParquet, writeTestRecords()); err == nil ||
		!strings.Contains(err.Error(), "WriteFile") {
		t.Errorf("err = %v", err)
	}
	if err := WriteRecords(&bytes.Buffer{}, Format("xml"), nil); err == nil {
		t.Error("unknown format accepted")
	}
}

func TestWriteFileEveryFormat(t *testing.T) {
	recs := writeTestRecords()
	dir := t.TempDir()
	for _, f := range Formats {
		if f == FormatParquet {
			continue
		}
		path := filepath.Join(dir, string(f))
		if err := WriteFile(path, f, recs); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		got, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, writeTestBytes(t, f, recs)) {
			t.Errorf("%s: file differs from WriteRecords output", f)
		}
	}
}

func TestWriteJSONStringMatchesEncodingJSON(t *testing.T) {
	for _, s := range []string{"", "plain", writeTestHostileName, "tab\tcr\rbs\bff\fnul\x00del\x7f", "\u2028\u2029",
		"bad utf8 \xff\xfe end", "\xc3", "C1 \u0085 bidi \u202a\u2066", "emoji 😀", `<>&'"\`} {
		want, err := marshalNoHTMLEscape(s)
		if err != nil {
			t.Fatal(err)
		}
		if got := appendJSONString(nil, s); string(got) != string(want) {
			t.Errorf("%q: got %s, want %s", s, got, want)
		}
	}
}
