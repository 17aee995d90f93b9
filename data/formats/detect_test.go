package formats

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"
)

func detectBytes(input []byte, bufSize int) (Format, error) {
	return DetectFormat(bufio.NewReaderSize(bytes.NewReader(input), bufSize))
}

func TestDetectFormatFixtures(t *testing.T) {
	cases := []struct {
		fixture string
		want    Format
	}{
		{"sentinel_goldensaml.ndjson", FormatLANDJSON},
		{"la_invites.ndjson", FormatLANDJSON},
		{"la_rows.json", FormatLAJSON},
		{"la_api.json", FormatLAAPI},
		{"graph_page.json", FormatGraph},
		{"graph_pages.ndjson", FormatGraph},
		{"graph_array.json", FormatGraphArray},
		{"graph.ndjson", FormatGraphNDJSON},
		{"diag_pt1h.json", FormatDiag},
		{"diag_records.json", FormatDiagRecords},
		{"diag_records_lines.json", FormatDiagRecords},
	}
	for _, c := range cases {
		t.Run(c.fixture, func(t *testing.T) {
			input := readJSONFixture(t, c.fixture)
			br := bufio.NewReaderSize(bytes.NewReader(input), 64<<10)
			got, err := DetectFormat(br)
			if err != nil || got != c.want {
				t.Fatalf("got %q, %v; want %q", got, err, c.want)
			}
			// Detection peeks: the reader still yields the whole file.
			if rest, _ := io.ReadAll(br); !bytes.Equal(rest, input) {
				t.Errorf("DetectFormat consumed input")
			}
			// The detected format's reader reads it without a fatal error.
			if _, fatal := drainJSONReader(t, jsonReaderFor(got, bytes.NewReader(input)), 100); fatal != nil {
				t.Errorf("reading as %s: %v", got, fatal)
			}
		})
	}
}

func TestDetectFormatContent(t *testing.T) {
	laRow := `{"TimeGenerated":"2024-01-01T00:00:00Z","OperationName":"Add user"}`
	cases := []struct {
		name  string
		input string
		want  Format
	}{
		{"parquet magic", "PAR1\x15\x04\x15\x00", FormatParquet},
		{"empty array", "[]", FormatLAJSON},
		{"empty array, BOM and space", "\ufeff\n  [\n]\n", FormatLAJSON},
		{"LA row with BOM", "\ufeff" + laRow + "\n", FormatLANDJSON},
		{"LA row without TimeGenerated", `{"OperationName":"Add user","Category":"UserManagement"}`, FormatLANDJSON},
		{"LA row with an extra value column", `{"value":"x","TimeGenerated":"2024-01-01T00:00:00Z"}`, FormatLANDJSON},
		{"NDJSON with a bad first line", "{\"TimeGen\n" + laRow + "\n", FormatLANDJSON},
		{"graph page, context first", `{"@odata.context":"https://graph.microsoft.com/v1.0/$metadata#auditLogs/directoryAudits","value":[]}`, FormatGraph},
		{"graph page without context", `{"value":[{"id":"1"}]}`, FormatGraph},
		{"graph page, huge context", `{"@odata.context":"` + strings.Repeat("x", 100<<10) + `","value":[]}`, FormatGraph},
		{"graph record", `{"id":"1","activityDateTime":"2024-01-01T00:00:00Z"}`, FormatGraphNDJSON},
		{"graph record, capitalised", `{"Id":"1","ActivityDisplayName":"Add user"}`, FormatGraphNDJSON},
		{"graph array", `[{"activityDisplayName":"Add user","initiatedBy":{"user":{"id":"1"}}}]`, FormatGraphArray},
		{"LA array, first row bigger than the peek", `[{"TimeGenerated":"2024-01-01T00:00:00Z","ResultReason":"` + strings.Repeat("y", 200<<10) + `"}]`, FormatLAJSON},
		{"diag record", `{"time":"2024-01-01T00:00:00Z","operationName":"Add user","properties":{}}`, FormatDiag},
		{"diag record by category", `{"properties":{"x":[1]},"category":"AuditLogs","time":"2024-01-01T00:00:00Z"}`, FormatDiag},
		{"diag envelope", `{"records":[]}`, FormatDiagRecords},
		{"API response", "{\n  \"tables\": [ ]\n}", FormatLAAPI},
		{"Entra CSV with BOM", "\ufeffDate (UTC),CorrelationId,Service,Category,Activity,Result,ResultReason,ActorType,ActorUserPrincipalName\r\n", FormatEntraCSV},
		{"Entra CSV, Activity only", "Date (UTC),Activity\n", FormatEntraCSV},
		{"portal CSV", "\"TimeGenerated [UTC]\",OperationName,\"ActivityDateTime [UTC]\"\n\"9/7/2023, 6:03:23.829 AM\",x,y\n", FormatLAPortalCSV},
		{"LA CSV", "TenantId,TimeGenerated,OperationName,InitiatedBy\n", FormatLACSV},
		{"LA CSV quoted header with BOM", "\ufeff\"TimeGenerated\",\"OperationName\"\r\n", FormatLACSV},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := detectBytes([]byte(c.input), 64<<10)
			if err != nil || got != c.want {
				t.Errorf("got %q, %v; want %q", got, err, c.want)
			}
		})
	}
}

func TestDetectFormatRefuses(t *testing.T) {
	cases := []struct {
		name  string
		input string
		says  string
	}{
		{"empty", "", "the file is empty"},
		{"white space", " \n\t\r\n", "the file is empty"},
		{"BOM only", "\ufeff", "the file is empty"},
		{"other JSON object", `{"a":1,"b":[1,2],"c":{"d":2}}`, `JSON object with keys ["a" "b" "c"]; expected Log Analytics rows, Graph directoryAudits or diagnostic-settings records`},
		{"hostile keys are escaped", "{\"\u202eevil\\u0007\":1}", `keys ["\u202eevil\a"]`},
		{"array of numbers", `[1,2,3]`, "JSON array whose first element is a number"},
		{"array of other objects", `[{"id":1}]`, `JSON array whose first element has keys ["id"]`},
		{"array of diag records", `[{"time":"2024-01-01T00:00:00Z","operationName":"x","properties":{}}]`, "JSON array of diagnostic-settings records"},
		{"invalid JSON", `{bad`, "invalid JSON"},
		{"cut-off array", `[`, "cut off before its first element"},
		{"plain text", "hello world\nsecond line\n", `text whose first line is "hello world"`},
		{"CSV of something else", "Name,Age\nBob,3\n", `text whose first line is "Name,Age"`},
		{"Entra CSV without Activity", "Date (UTC),Something\n", `text whose first line`},
		{"binary", "\x7fELF\x02\x01\x01\x00\x00", "binary data starting 7f 45 4c 46"},
		{"gzip", "\x1f\x8b\x08\x00", "gzip-compressed data"},
		{"UTF-16", "\xff\xfeT\x00i\x00", "UTF-16 text"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := detectBytes([]byte(c.input), 64<<10)
			if err == nil || !errors.Is(err, ErrNotAuditLog) || !strings.Contains(err.Error(), c.says) {
				t.Errorf("got %q, %v; want an ErrNotAuditLog saying %q", got, err, c.says)
			}
		})
	}
}

// A read error at the start (say, a truncated gzip) is reported as such.
func TestDetectFormatReadError(t *testing.T) {
	r := io.MultiReader(strings.NewReader("hel"), errReader{errors.New("disk on fire")})
	if _, err := DetectFormat(bufio.NewReader(r)); err == nil || !strings.Contains(err.Error(), "disk on fire") {
		t.Errorf("got %v", err)
	}
	z := gzipBytes(t, `{"TimeGenerated":"2024-01-01T00:00:00Z","OperationName":"x"}`+"\n"+strings.Repeat("padding", 1000))
	dr, _, err := Decompress(bytes.NewReader(z[:len(z)-10]))
	if err != nil {
		t.Fatal(err)
	}
	if f, err := DetectFormat(bufio.NewReader(dr)); f != FormatLANDJSON || err != nil {
		t.Errorf("the start of a truncated gzip is still recognisable: %q %v", f, err)
	}
}

// A file of Graph sign-ins is refused for what it is (provisioning records
// carry activityDateTime: they are read as Graph and skipped record by record).
func TestDetectOtherGraphResources(t *testing.T) {
	for text, want := range map[string]string{
		`{"id":"s","createdDateTime":"2026-10-01T00:00:00Z","userPrincipalName":"x@y","appDisplayName":"Teams","status":{}}` + "\n": "Graph signIns records",
		`[{"id":"s","createdDateTime":"2026-10-01T00:00:00Z","status":{}}]`:                                                         "Graph signIns records",
	} {
		_, err := DetectFormat(bufio.NewReader(strings.NewReader(text)))
		if err == nil || !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), "not audit events") {
			t.Errorf("%.40s: %v, want %q", text, err, want)
		}
	}
}
