package hunt

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"
)

// fixtureBody is a rule answer in the Log Analytics API shape, written by
// hand: columns in another order than Sentinel's and typed, an extra hidden
// column (_ResourceId), and three rows spelling the same event three ways:
// as the docs' example (numbers, dynamic as JSON text), as the REST spec's
// example (numbers as strings) with dynamic as decoded objects, and with
// fewer fractional digits.
const fixtureBody = `{"tables":[{"name":"PrimaryResult","columns":[
{"name":"Id","type":"string"},{"name":"TimeGenerated","type":"datetime"},{"name":"OperationName","type":"string"},
{"name":"Result","type":"string"},{"name":"TargetUserPrincipalName","type":"string"},{"name":"TargetAadUserId","type":"string"},
{"name":"InitiatingUserPrincipalName","type":"string"},{"name":"InitiatingAadUserId","type":"string"},
{"name":"InitiatingIPAddress","type":"string"},{"name":"TenantId","type":"string"},{"name":"SourceSystem","type":"string"},
{"name":"ResourceId","type":"string"},{"name":"OperationVersion","type":"string"},{"name":"Category","type":"string"},
{"name":"ResultType","type":"string"},{"name":"ResultSignature","type":"string"},{"name":"ResultDescription","type":"string"},
{"name":"DurationMs","type":"long"},{"name":"CorrelationId","type":"string"},{"name":"Resource","type":"string"},
{"name":"ResourceGroup","type":"string"},{"name":"ResourceProvider","type":"string"},{"name":"Identity","type":"string"},
{"name":"Level","type":"string"},{"name":"Location","type":"string"},{"name":"AdditionalDetails","type":"dynamic"},
{"name":"InitiatedBy","type":"dynamic"},{"name":"LoggedByService","type":"string"},{"name":"ResultReason","type":"string"},
{"name":"TargetResources","type":"dynamic"},{"name":"AADTenantId","type":"string"},{"name":"ActivityDisplayName","type":"string"},
{"name":"ActivityDateTime","type":"datetime"},{"name":"AADOperationType","type":"string"},{"name":"Type","type":"string"},
{"name":"invitingUser","type":"string"},{"name":"invitedUserPrincipalName","type":"string"},
{"name":"InitiatingAccountName","type":"string"},{"name":"InitiatingAccountUPNSuffix","type":"string"},
{"name":"TargetAccountName","type":"string"},{"name":"TargetAccountUPNSuffix","type":"string"},
{"name":"_ResourceId","type":"string"}],
"rows":[
["e1","2026-10-15T11:22:33.1234567Z","Invite external user","success","g_x.org#EXT#@c.com","g1","a@c.com","u1","10.0.0.1",
 "t1","Azure AD","","1.0","UserManagement","","","",1730000000000000001,"corr","Microsoft.aadiam","","","x","4","",
 "[{\"key\":\"invitedUserEmailAddress\",\"value\":\"g@x.org\"}]",
 "{\"user\":{\"id\":\"u1\",\"ipAddress\":\"10.0.0.1\",\"userPrincipalName\":\"a@c.com\"}}","Invited Users","",
 "[{\"id\":\"g1\",\"userPrincipalName\":\"g_x.org#EXT#@c.com\"}]","t1","Invite external user","2026-10-15T11:22:33.1234567Z","Invite","AuditLogs",
 "a@c.com","g_x.org#EXT#@c.com","a","c.com","g_x.org#EXT#","c.com","/hidden"],
["e1","2026-10-15T11:22:33.1234567Z","Invite external user","success","g_x.org#EXT#@c.com","g1","a@c.com","u1","10.0.0.1",
 "t1","Azure AD","","1.0","UserManagement","","","","1730000000000000001","corr","Microsoft.aadiam","","","x","4","",
 [{"key":"invitedUserEmailAddress","value":"g@x.org"}],
 {"user":{"id":"u1","ipAddress":"10.0.0.1","userPrincipalName":"a@c.com"}},"Invited Users",null,
 [{"id":"g1","userPrincipalName":"g_x.org#EXT#@c.com"}],"t1","Invite external user","2026-10-15 11:22:33.1234567+00:00","Invite","AuditLogs",
 "a@c.com","g_x.org#EXT#@c.com","a","c.com","g_x.org#EXT#","c.com","/hidden"],
["e2","2026-10-15T11:22:33Z","Invite external user","success","","","a@c.com","","",
 null,null,null,null,null,null,null,null,null,null,null,null,null,null,4,null,
 null,"{ \"user\" : { \"userPrincipalName\" : \"a@c.com\" } }",null,null,"",null,null,null,null,null,
 "a@c.com","","a","c.com","","","/hidden"]
]}]}`

func fixtureTable(t *testing.T, useNumber bool) RemoteTable {
	return decodeLA(t, []byte(fixtureBody), useNumber)
}

func TestAlertsFromTableVariantEncodings(t *testing.T) {
	for _, useNumber := range []bool{false, true} {
		tbl := fixtureTable(t, useNumber)
		if !useNumber {
			// The long literal came as float64 1.73e18, rounded: refused,
			// naming the cell, rather than stored wrong.
			_, err := AlertsFromTable(tbl)
			var ce *CellError
			if !errors.As(err, &ce) || ce.Row != 1 || ce.Column != "DurationMs" || !strings.Contains(err.Error(), "2^53") {
				t.Fatalf("float64 above 2^53: got %v", err)
			}
			tbl.Rows[0][17] = "1730000000000000001" // as the REST spec's example sends it
		}
		got, err := AlertsFromTable(tbl)
		if err != nil {
			t.Fatalf("useNumber %v: %v", useNumber, err)
		}
		if len(got) != 3 {
			t.Fatalf("%d rows", len(got))
		}
		a, b, c := got[0], got[1], got[2]
		want := time.Date(2026, 10, 15, 11, 22, 33, 123456700, time.UTC)
		if !a.TimeGenerated.Equal(want) || !b.ActivityDateTime.Equal(want) {
			t.Errorf("7-digit datetimes: %v %v", a.TimeGenerated, b.ActivityDateTime)
		}
		if a.DurationMs == nil || *a.DurationMs != 1730000000000000001 || b.DurationMs == nil || *b.DurationMs != 1730000000000000001 {
			t.Errorf("long lost precision: %v %v", a.DurationMs, b.DurationMs)
		}
		// Dynamic as text and as an object (keys already sorted here) give
		// the same text the loaders keep.
		for _, col := range []struct {
			name string
			x, y json.RawMessage
		}{{"AdditionalDetails", a.AdditionalDetails, b.AdditionalDetails}, {"InitiatedBy", a.InitiatedBy, b.InitiatedBy},
			{"TargetResources", a.TargetResources, b.TargetResources}} {
			if string(col.x) != string(col.y) {
				t.Errorf("%s: text %s, object %s", col.name, col.x, col.y)
			}
		}
		requireSameAlerts(t, []Alert{b}, []Alert{withProvenance(a, 2)})
		// Nulls are the loaders' empty values; JSON text is kept as the loaders keep it.
		if c.TenantId != "" || c.DurationMs != nil || c.AdditionalDetails != nil || c.TargetResources != nil ||
			!c.ActivityDateTime.IsZero() || c.Level != "4" {
			t.Errorf("nulls: %+v", c)
		}
		if string(c.InitiatedBy) != `{ "user" : { "userPrincipalName" : "a@c.com" } }` {
			t.Errorf("InitiatedBy %s", c.InitiatedBy)
		}
		if !c.TimeGenerated.Equal(time.Date(2026, 10, 15, 11, 22, 33, 0, time.UTC)) {
			t.Errorf("0-digit datetime %v", c.TimeGenerated)
		}
		if a.SourceRecord != 1 || c.SourceRecord != 3 || a.SourceID != 0 {
			t.Errorf("provenance %d/%d %d", a.SourceID, a.SourceRecord, c.SourceRecord)
		}
	}
	ws := TableWarnings(fixtureTable(t, false))
	if len(ws) != 1 || !strings.Contains(ws[0].Text, "_ResourceId") || ws[0].Kind.String() != "remote-columns" {
		t.Errorf("warnings %+v", ws)
	}
}

func withProvenance(a Alert, rec int64) Alert {
	a.SourceRecord = rec
	return a
}

// The same fixture with one key column left out fails naming it; a
// non-key column left out is shown empty and warned about.
func TestAlertsFromTableMissingColumns(t *testing.T) {
	drop := func(name string) RemoteTable {
		tbl := fixtureTable(t, true)
		for i, c := range tbl.Columns {
			if c == name {
				tbl.Columns = append(tbl.Columns[:i:i], tbl.Columns[i+1:]...)
				for r := range tbl.Rows {
					tbl.Rows[r] = append(tbl.Rows[r][:i:i], tbl.Rows[r][i+1:]...)
				}
			}
		}
		return tbl
	}
	for _, key := range RemoteKeyColumns {
		_, err := AlertsFromTable(drop(key))
		if err == nil || !strings.Contains(err.Error(), key) {
			t.Errorf("without %s: %v", key, err)
		}
	}
	tbl := drop("ResultReason")
	got, err := AlertsFromTable(tbl)
	if err != nil || len(got) != 3 {
		t.Fatalf("without ResultReason: %v", err)
	}
	ws := TableWarnings(tbl)
	if len(ws) != 2 || !strings.Contains(ws[0].Text, "ResultReason") || !strings.Contains(ws[0].Text, "shown empty") {
		t.Errorf("warnings %+v", ws)
	}
}

// Malformed cells are errors naming the row (1-based) and the column.
func TestAlertsFromTableMalformedCells(t *testing.T) {
	cases := []struct {
		col  string
		cell any
		want string
	}{
		{"TimeGenerated", "yesterday", "not a timestamp"},
		{"TimeGenerated", nil, "null"},
		{"TimeGenerated", 1.5, "want a string"},
		{"ActivityDateTime", "2026-02-30T00:00:00Z", "not a timestamp"},
		{"DurationMs", "12ms", "not a whole number"},
		{"DurationMs", 1.5, "not a whole number"},
		{"DurationMs", "99999999999999999999", "not a whole number"},
		{"DurationMs", map[string]any{}, "long: got an object"},
		{"Id", map[string]any{"a": 1.0}, "string: got an object"},
		{"Level", []any{}, "string: got an array"},
	}
	for _, c := range cases {
		tbl := fixtureTable(t, true)
		i := indexOf(tbl.Columns, c.col)
		tbl.Rows[1][i] = c.cell
		_, err := AlertsFromTable(tbl)
		var ce *CellError
		if !errors.As(err, &ce) || ce.Row != 2 || ce.Column != c.col || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s = %#v: got %v, want row 2 column %s %q", c.col, c.cell, err, c.col, c.want)
		}
	}
	tbl := fixtureTable(t, true)
	tbl.Rows[2] = tbl.Rows[2][:5]
	if _, err := AlertsFromTable(tbl); err == nil || !strings.Contains(err.Error(), "row 3") {
		t.Errorf("short row: %v", err)
	}
	tbl = fixtureTable(t, true)
	tbl.Columns[len(tbl.Columns)-1] = "Id"
	if _, err := AlertsFromTable(tbl); err == nil || !strings.Contains(err.Error(), `"Id" twice`) {
		t.Errorf("column twice: %v", err)
	}
}

func indexOf(cols []string, name string) int {
	for i, c := range cols {
		if c == name {
			return i
		}
	}
	return -1
}

// Edge cells, one decoder at a time.
func TestRemoteCells(t *testing.T) {
	long := func(cell any) string {
		n, err := remoteLong(cell)
		switch {
		case err != nil:
			return "error"
		case n == nil:
			return "nil"
		}
		return json.Number(strings.TrimSpace(string(must(json.Marshal(*n))))).String()
	}
	for cell, want := range map[any]string{
		"1730000000000000001": "1730000000000000001", json.Number("-9223372036854775808"): "-9223372036854775808",
		float64(1 << 53): "9007199254740992", float64(1<<53 + 2): "error", "": "nil", " 42 ": "42", "1e3": "1000",
		"9223372036854775808": "error", true: "error",
	} {
		if got := long(cell); got != want {
			t.Errorf("remoteLong(%#v) = %s, want %s", cell, got, want)
		}
	}
	if n, _ := remoteLong(nil); n != nil {
		t.Error("null long is not nil")
	}
	dyn := map[string]string{ // a string cell → stored text ("" = nil)
		``:                    ``,
		`null`:                ``,
		` [1, 2] `:            ` [1, 2] `,
		`not json`:            `"not json"`,
		`"quoted"`:            `"quoted"`,
		`{"a":"<&>"}`:         `{"a":"<&>"}`,
		"{\"a\":\"\\u00e9\"}": "{\"a\":\"\\u00e9\"}",
	}
	for in, want := range dyn {
		got, err := remoteDynamic(in)
		if err != nil || string(got) != want {
			t.Errorf("remoteDynamic(%q) = %s, %v; want %s", in, got, err, want)
		}
	}
	got, err := remoteDynamic(map[string]any{"b": "<x>", "a": []any{1.0, json.Number("2.50")}})
	if err != nil || string(got) != `{"a":[1,2.50],"b":"<x>"}` {
		t.Errorf("decoded object: %s %v", got, err)
	}
	for cell, want := range map[any]string{nil: "", "s": "s", 4.0: "4", json.Number("4"): "4", false: "false", 0.5: "0.5"} {
		if got, err := remoteString(cell); err != nil || got != want {
			t.Errorf("remoteString(%#v) = %q %v", cell, got, err)
		}
	}
}

func must(b []byte, err error) []byte {
	if err != nil {
		panic(err)
	}
	return b
}

// fieldPointers and Values list the same fields in the same order.
func TestFieldPointersMatchValues(t *testing.T) {
	var a Alert
	for i, p := range a.fieldPointers() {
		switch x := p.(type) {
		case *string:
			*x = AlertColumns()[i]
		case *time.Time:
			*x = time.Unix(int64(i), 0)
		case **int64:
			n := int64(i)
			*x = &n
		case *json.RawMessage:
			*x = json.RawMessage(`"` + AlertColumns()[i] + `"`)
		}
	}
	for i, v := range a.Values() {
		ok := false
		switch x := v.(type) {
		case string:
			ok = x == AlertColumns()[i]
		case time.Time:
			ok = x.Equal(time.Unix(int64(i), 0))
		case *int64:
			ok = x != nil && *x == int64(i)
		case json.RawMessage:
			ok = string(x) == `"`+AlertColumns()[i]+`"`
		}
		if !ok {
			t.Errorf("column %d %s: Values gives %v", i, AlertColumns()[i], v)
		}
	}
}

// The live client hands dynamic objects over as their exact text
// (json.RawMessage): kept byte for byte, key order and spacing included, as
// a hand export's loader keeps them.
func TestRemoteDynamicRawKeptVerbatim(t *testing.T) {
	raw := json.RawMessage(`{"user":{"userPrincipalName":"a@c.com", "id":"u1"}}`)
	got, err := remoteDynamic(raw)
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != string(raw) {
		t.Errorf("got %s, want %s", got, raw)
	}
}
