package formats

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"errors"
	"io"
	"strings"
	"testing"
	"time"
	"unicode/utf16"
)

// psGraphRecord is a camelCase Graph record, pretty-printed with CRLF.
func psGraphRecord(id string) string {
	return strings.ReplaceAll(`{
    "id": "`+id+`",
    "activityDateTime": "2024-03-05T10:15:30.1234567Z",
    "activityDisplayName": "Invite external user",
    "initiatedBy": {
        "user": {
            "id": "u1",
            "userPrincipalName": "alice@contoso.com"
        }
    },
    "targetResources": [
        {
            "id": "g1",
            "userPrincipalName": "eve_gmail.com#EXT#@contoso.onmicrosoft.com"
        }
    ]
}`, "\n", "\r\n")
}

// Extractor-Suite appends pretty-printed arrays and bare objects; all are read.
func TestAppendedArraysAndBareObjects(t *testing.T) {
	file := byteOrderMark + psGraphRecord("a") + "\r\n" +
		"[\r\n" + psGraphRecord("b") + ",\r\n" + psGraphRecord("c") + "\r\n]\r\n" +
		psGraphRecord("d") + "\r\n" +
		"[\r\n" + psGraphRecord("e") + "\r\n]\r\n"
	f, err := detectBytes([]byte(file), 64<<10)
	if err != nil || f != FormatGraphExtractor {
		t.Fatalf("detected %q, %v", f, err)
	}
	results, fatal := drainJSONReader(t, newGraphArrayReader(strings.NewReader(file)), 20)
	if fatal != nil {
		t.Fatal(fatal)
	}
	var ids []string
	var lines []int64
	for _, r := range results {
		if r.err != nil {
			t.Fatalf("record %d: %v", r.raw.Ordinal, r.err)
		}
		ids = append(ids, r.rec.Id)
		lines = append(lines, r.raw.Line)
	}
	// Each record is 17 lines; the arrays add a line before and after.
	if strings.Join(ids, "") != "abcde" || !equalInts(lines, []int64{1, 19, 36, 54, 72}) {
		t.Errorf("ids %v lines %v", ids, lines)
	}
	if results[1].raw.Column != 1 || !bytes.HasPrefix(results[1].raw.Raw, []byte("{\r\n    \"id\": \"b\"")) {
		t.Errorf("record b at column %d: %q", results[1].raw.Column, results[1].raw.Raw[:20])
	}
}

func equalInts(a, b []int64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func utf16Bytes(s string, little bool) []byte {
	out := []byte{0xfe, 0xff}
	if little {
		out = []byte{0xff, 0xfe}
	}
	for _, u := range utf16.Encode([]rune(s)) {
		if little {
			out = append(out, byte(u), byte(u>>8))
		} else {
			out = append(out, byte(u>>8), byte(u))
		}
	}
	return out
}

func gzipped(t *testing.T, b []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write(b)
	zw.Close()
	return buf.Bytes()
}

// UTF-16 text with a byte-order mark, compressed or not, reads as UTF-8.
func TestUTF16Decompress(t *testing.T) {
	text := "[\r\n" + psGraphRecord("é😀") + "\r\n]\r\n"
	cases := map[string][]byte{
		"LE":      utf16Bytes(text, true),
		"BE":      utf16Bytes(text, false),
		"LE gzip": gzipped(t, utf16Bytes(text, true)),
	}
	for name, in := range cases {
		t.Run(name, func(t *testing.T) {
			r, _, err := Decompress(bytes.NewReader(in))
			if err != nil {
				t.Fatal(err)
			}
			br := bufio.NewReaderSize(r, 64<<10)
			if f, err := DetectFormat(br); err != nil || f != FormatGraphArray {
				t.Fatalf("detected %q, %v", f, err)
			}
			results, fatal := drainJSONReader(t, newGraphArrayReader(br), 10)
			if fatal != nil || len(results) != 1 || results[0].err != nil || results[0].rec.Id != "é😀" || results[0].raw.Line != 2 {
				t.Fatalf("%+v %v", results, fatal)
			}
		})
	}
	// Half a character at the end is a cut-off file.
	r, _, _ := Decompress(bytes.NewReader(utf16Bytes("{}", true)[:5]))
	if _, err := io.ReadAll(r); !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Errorf("odd byte: %v", err)
	}
	// A lone surrogate becomes U+FFFD.
	r, _, _ = Decompress(bytes.NewReader([]byte{0xff, 0xfe, 0x00, 0xd8, 'x', 0}))
	if b, _ := io.ReadAll(r); string(b) != "\ufffdx" {
		t.Errorf("lone surrogate: %q", b)
	}
}

// graph-ps: PascalCase at every level, AdditionalProperties bags, UTF-16LE.
func TestGraphPSRecord(t *testing.T) {
	rec := `{
  "ActivityDateTime": "\/Date(1694066603829)\/",
  "ActivityDisplayName": "Invite external user",
  "AdditionalDetails": [{"Key": "invitedUserEmailAddress", "Value": "eve@gmail.com", "AdditionalProperties": {}}],
  "Id": "Invited Users_1",
  "InitiatedBy": {
    "App": null,
    "User": {"Id": "u1", "DisplayName": null, "IPAddress": "203.0.113.7", "UserPrincipalName": "alice@contoso.com",
             "AdditionalProperties": {"roles": [], "id": "not me"}},
    "AdditionalProperties": {}
  },
  "Result": "success",
  "TargetResources": [{"Id": "g1", "Type": "User", "UserPrincipalName": "eve_gmail.com#EXT#@contoso.onmicrosoft.com",
    "ModifiedProperties": [{"DisplayName": "Email", "OldValue": null, "NewValue": "\"Eve@x\"", "AdditionalProperties": {}}],
    "AdditionalProperties": {"administrativeUnits": []}}],
  "AdditionalProperties": {}
}`
	in := utf16Bytes(strings.ReplaceAll(rec, "\n", "\r\n"), true)
	r, _, err := Decompress(bytes.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	br := bufio.NewReaderSize(r, 64<<10)
	if f, err := DetectFormat(br); err != nil || f != FormatGraphPS {
		t.Fatalf("detected %q, %v", f, err)
	}
	results, fatal := drainJSONReader(t, newGraphArrayReader(br), 10)
	if fatal != nil || len(results) != 1 || results[0].err != nil {
		t.Fatalf("%+v %v", results, fatal)
	}
	got := results[0].rec
	if want := time.Date(2023, 9, 7, 6, 3, 23, 829e6, time.UTC); !got.TimeGenerated.Equal(want) {
		t.Errorf("time %v", got.TimeGenerated)
	}
	if s := string(got.InitiatedBy); s != `{"app":null,"user":{"id":"u1","displayName":null,"ipAddress":"203.0.113.7","userPrincipalName":"alice@contoso.com","roles":[]}}` {
		t.Errorf("InitiatedBy %s", s)
	}
	if s := string(got.TargetResources); s != `[{"id":"g1","type":"User","userPrincipalName":"eve_gmail.com#EXT#@contoso.onmicrosoft.com",`+
		`"modifiedProperties":[{"displayName":"Email","oldValue":null,"newValue":"\"Eve@x\""}],"administrativeUnits":[]}]` {
		t.Errorf("TargetResources %s", s)
	}
	if s := string(got.AdditionalDetails); s != `[{"key":"invitedUserEmailAddress","value":"eve@gmail.com"}]` {
		t.Errorf("AdditionalDetails %s", s)
	}
	// LA rows are never rewritten, though they have PascalCase columns.
	la, err := laRecordFromText([]byte(`{"TimeGenerated":"2024-01-01T00:00:00Z","ActivityDateTime":"2024-01-01T00:00:00Z","InitiatedBy":{"User":{"Id":"x"}}}`))
	if err != nil || string(la.InitiatedBy) != `{"User":{"Id":"x"}}` {
		t.Errorf("LA row rewritten: %s %v", la.InitiatedBy, err)
	}
}

func TestCamelName(t *testing.T) {
	for in, want := range map[string]string{
		"Id": "id", "IPAddress": "ipAddress", "UserPrincipalName": "userPrincipalName", "AppId": "appId",
		"ServicePrincipalId": "servicePrincipalId", "HomeTenantName": "homeTenantName", "ModifiedProperties": "modifiedProperties",
		"OldValue": "oldValue", "Key": "key", "UPN": "upn", "displayName": "displayName", "@odata.type": "@odata.type", "": "",
		"X1": "x1",
	} {
		if got := camelName(in); got != want {
			t.Errorf("camelName(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestParseMSDate(t *testing.T) {
	ms := time.Date(2023, 9, 7, 6, 3, 23, 829e6, time.UTC)
	for in, want := range map[string]time.Time{
		"/Date(1694066603829)/":      ms,
		"/Date(1694066603829+0200)/": ms, // the offset does not move the instant
		"/Date(1694066603829-0530)/": ms,
		"/Date(0)/":                  time.Unix(0, 0).UTC(),
		"/Date(-86400000)/":          time.Date(1969, 12, 31, 0, 0, 0, 0, time.UTC),
	} {
		got, err := parseMSDate(in)
		if err != nil || !got.Equal(want) || got.Location() != time.UTC {
			t.Errorf("%s: %v %v", in, got, err)
		}
	}
	for _, bad := range []string{"", "/Date()/", "/Date(12a)/", "/Date(1+02)/", "Date(1)", "/Date(1)", "/Date(99999999999999999999)/",
		"/Date(1+0200x)/", "/Date(+0200)/"} {
		if _, err := parseMSDate(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
	if _, err := graphRecordFromText([]byte(`{"activityDateTime":"/Date(bad)/"}`)); err == nil || !strings.Contains(err.Error(), "not a timestamp") {
		t.Errorf("bad /Date/: %v", err)
	}
}

// Kusto v1: the result table first, a status table after it.
func TestKustoV1Reader(t *testing.T) {
	file := `{"Tables":[{"TableName":"Table_0","Columns":[{"ColumnName":"TimeGenerated","DataType":"DateTime"},` +
		`{"ColumnName":"OperationName","DataType":"String"},{"ColumnName":"InitiatedBy","DataType":"Object"}],"Rows":[` + "\n" +
		`["2024-01-01T00:00:00Z","Invite external user","{\"user\":{\"userPrincipalName\":\"a@b\"}}"],` + "\n" +
		`["2024-01-01T00:01:00Z","Add user",{"user":{"userPrincipalName":"c@d"}}]` + "\n" +
		`]},{"TableName":"Table_1","Columns":[{"ColumnName":"Value","DataType":"String"}],"Rows":[["x"]]}]}`
	if f, err := detectBytes([]byte(file), 64<<10); err != nil || f != FormatKustoV1 {
		t.Fatalf("detected %q, %v", f, err)
	}
	results, fatal := drainJSONReader(t, newKustoV1Reader(strings.NewReader(file)), 10)
	if fatal != nil || len(results) != 2 {
		t.Fatalf("%d records, %v", len(results), fatal)
	}
	if results[0].rec.OperationName != "Invite external user" || string(results[1].rec.InitiatedBy) != `{"user":{"userPrincipalName":"c@d"}}` ||
		results[1].raw.Line != 3 || results[1].raw.Column != 1 {
		t.Errorf("%+v", results)
	}
}

// Kusto v2, progressive: TableHeader, TableFragments, TableCompletion and
// other frames around them.
func TestKustoV2Reader(t *testing.T) {
	cols := `"Columns":[{"ColumnName":"TimeGenerated","ColumnType":"datetime"},{"ColumnName":"OperationName","ColumnType":"string"}]`
	row := func(op string) string { return `["2024-01-01T00:00:00Z","` + op + `"]` }
	file := "[" + `{"FrameType":"DataSetHeader","IsProgressive":true,"Version":"v2.0"},` + "\n" +
		`{"FrameType":"DataTable","TableId":0,"TableKind":"QueryProperties","TableName":"@ExtendedProperties",` + cols + `,"Rows":[` + row("not me") + `]},` + "\n" +
		`{"FrameType":"TableHeader","TableId":1,"TableKind":"PrimaryResult","TableName":"PrimaryResult",` + cols + `},` + "\n" +
		`{"FrameType":"TableFragment","TableFragmentType":"DataAppend","TableId":1,"Rows":[` + row("a") + "," + row("b") + `]},` + "\n" +
		`{"FrameType":"TableProgress","TableId":1,"TableProgress":50.0},` + "\n" +
		`{"FrameType":"TableFragment","TableFragmentType":"DataAppend","TableId":1,"Rows":[` + row("c") + `]},` + "\n" +
		`{"FrameType":"TableCompletion","TableId":1,"RowCount":3},` + "\n" +
		`{"FrameType":"DataTable","TableId":2,"TableKind":"QueryCompletionInformation","TableName":"QueryCompletionInformation",` + cols + `,"Rows":[` + row("nor me") + `]},` + "\n" +
		`{"FrameType":"DataSetCompletion","HasErrors":false,"Cancelled":false}]`
	if f, err := detectBytes([]byte(file), 64<<10); err != nil || f != FormatKustoV2 {
		t.Fatalf("detected %q, %v", f, err)
	}
	results, fatal := drainJSONReader(t, newKustoV2Reader(strings.NewReader(file)), 10)
	if fatal != nil {
		t.Fatal(fatal)
	}
	var ops []string
	for _, r := range results {
		ops = append(ops, r.rec.OperationName)
	}
	if strings.Join(ops, ",") != "a,b,c" {
		t.Errorf("ops %v", ops)
	}
	// Non-progressive: the PrimaryResult DataTable.
	plain := `[{"FrameType":"DataSetHeader"},{"FrameType":"DataTable","TableKind":"PrimaryResult","TableName":"PrimaryResult",` + cols +
		`,"Rows":[` + row("x") + `]},{"FrameType":"DataSetCompletion"}]`
	results, fatal = drainJSONReader(t, newKustoV2Reader(strings.NewReader(plain)), 10)
	if fatal != nil || len(results) != 1 || results[0].rec.OperationName != "x" {
		t.Errorf("%+v %v", results, fatal)
	}
	// A damaged row costs only itself.
	damaged := strings.Replace(file, row("a"), `["2024-01-01T00:00:00Z" "a"]`, 1)
	results, fatal = drainJSONReader(t, newKustoV2Reader(strings.NewReader(damaged)), 10)
	if fatal != nil || len(results) != 3 || results[0].err == nil || results[1].rec.OperationName != "b" || results[2].rec.OperationName != "c" {
		t.Errorf("%+v %v", results, fatal)
	}
	if _, fatal := drainJSONReader(t, newKustoV2Reader(strings.NewReader(`{"tables":[]}`)), 10); fatal == nil || !errors.Is(fatal, ErrNotAuditLog) {
		t.Errorf("object as v2: %v", fatal)
	}
}

// An unknown JSON shape is described and the supported shapes listed.
func TestDetectRefusalListsShapes(t *testing.T) {
	_, err := detectBytes([]byte(`{"foo":1,"bar":{"baz":2}}`), 64<<10)
	msg := err.Error()
	for _, want := range []string{`JSON object with keys ["foo" "bar"]`, "supported JSON shapes:", "; Kusto REST v1", `{"records":[...]}`} {
		if !strings.Contains(msg, want) {
			t.Errorf("%q lacks %q", msg, want)
		}
	}
	for _, line := range strings.Split(msg, "\n")[1:] {
		if len(line) > 100 {
			t.Errorf("long line %q", line)
		}
	}
}
