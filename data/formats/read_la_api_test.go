package formats

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"
)

func TestLAAPIReader(t *testing.T) {
	file := readJSONFixture(t, "la_api.json")
	results, fatal := drainJSONReader(t, newLAAPIReader(bytes.NewReader(file)), 100)
	if fatal != nil {
		t.Fatal(fatal)
	}
	if len(results) != 4 {
		t.Fatalf("got %d records, want 4", len(results))
	}
	lines := strings.Split(string(file), "\n")
	for _, r := range results {
		if want := strings.TrimSuffix(lines[r.raw.Line-1], ","); string(r.raw.Raw) != want {
			t.Errorf("record %d: Raw %q, want the row array %q", r.raw.Ordinal, r.raw.Raw, want)
		}
	}
	wantAccepted(t, results[0], 1, 2)
	invite := results[0].rec
	if invite.OperationName != "Invite external user" || string(invite.InitiatedBy) != wantUserInitiator ||
		string(invite.TargetResources) != wantGuestTarget || invite.DurationMs != nil || invite.Level != "4" ||
		!invite.TimeGenerated.Equal(mustTime(t, "2024-03-05T10:15:30.1234567Z")) {
		t.Errorf("invite: %+v", invite)
	}
	wantAccepted(t, results[1], 2, 3)
	update := results[1].rec
	if string(update.InitiatedBy) != wantAppInitiator || string(update.TargetResources) != "[]" ||
		update.DurationMs == nil || *update.DurationMs != 12 || update.Level != "4" {
		t.Errorf("update: %+v", update)
	}
	wantRejection(t, results[2], 3, 4, "row has 5 values for 13 columns")
	wantAccepted(t, results[3], 4, 5)
	if !bytes.Contains(results[3].rec.InitiatedBy, []byte("Eve\u202emoc.live\u0085")) {
		t.Errorf("hostile initiator: %s", results[3].rec.InitiatedBy)
	}
}

func TestLAAPIEdges(t *testing.T) {
	cols := `"columns":[{"name":"TimeGenerated","type":"datetime"},{"name":"OperationName","type":"string"}]`
	row := `["2024-01-01T00:00:00Z","Invite external user"]`
	cases := []struct {
		name      string
		input     string
		records   int
		rejected  int
		fatalText string
	}{
		{"no tables", `{"tables":[]}`, 0, 0, ""},
		{"statistics table first", `{"tables":[{"name":"QueryStats","columns":[{"name":"x","type":"long"}],"rows":[[1],[2]]},` +
			`{"name":"PrimaryResult",` + cols + `,"rows":[` + row + `]}]}`, 1, 0, ""},
		{"unnamed table", `{"tables":[{` + cols + `,"rows":[` + row + `,` + row + `]}]}`, 2, 0, ""},
		{"named otherwise but has TimeGenerated", `{"tables":[{"name":"Table_0",` + cols + `,"rows":[` + row + `]}]}`, 1, 0, ""},
		{"only later PrimaryResult tables are ignored", `{"tables":[{"name":"PrimaryResult",` + cols + `,"rows":[` + row + `]},` +
			`{"name":"PrimaryResult",` + cols + `,"rows":[` + row + `]}]}`, 1, 0, ""},
		{"other members", `{"statistics":{"query":{"x":[1,2]}},"tables":[{"name":"PrimaryResult",` + cols + `,"rows":[` + row + `]}],"render":null}`, 1, 0, ""},
		{"row not an array", `{"tables":[{` + cols + `,"rows":[{"a":1},` + row + `]}]}`, 2, 1, ""},
		{"no PrimaryResult", `{"tables":[{"name":"Stats","columns":[{"name":"x","type":"long"}],"rows":[[1]]}]}`, 0, 0, "no PrimaryResult table"},
		{"rows before columns", `{"tables":[{"rows":[` + row + `],` + cols + `}]}`, 0, 0, "rows before its columns"},
		{"columns not a list", `{"tables":[{"columns":{"a":1},"rows":[]}]}`, 0, 0, "table columns are not a list"},
		{"tables not an array", `{"tables":{}}`, 0, 0, `"tables": expected "["`},
		{"cut in rows", `{"tables":[{` + cols + `,"rows":[` + row + `,`, 1, 0, "truncated JSON document after record 1"},
		{"cut after rows", `{"tables":[{` + cols + `,"rows":[` + row + `]}`, 1, 0, "truncated JSON document after record 1"},
		{"garbage after", `{"tables":[]} x`, 0, 0, "invalid JSON at line 1, column 15 (after record 0)"},
		{"second document", `{"tables":[]} []`, 0, 0, "unexpected data after the end"},
		{"not an object", `[1]`, 0, 0, "not an Entra ID audit-log export"},
		{"empty file", ``, 0, 0, "the file is empty"},
		{"error null", `{"tables":[{` + cols + `,"rows":[` + row + `]}],"error":null}`, 1, 0, ""},
		{"partial error after the rows", `{"tables":[{` + cols + `,"rows":[` + row + `,` + row + `]}],` + partialError + `}`, 2, 0,
			`PartialError "There were some errors when processing your query."`},
		{"partial error before the rows", `{` + partialError + `,"tables":[{` + cols + `,"rows":[` + row + `]}]}`, 1, 0,
			"E_QUERY_RESULT_SET_TOO_LARGE"},
		{"error without tables", `{"error":{"code":"BadArgumentError","message":"The request had some invalid properties"}}`, 0, 0,
			`BadArgumentError "The request had some invalid properties"`},
		{"error of another shape", `{"tables":[],"error":"boom"}`, 0, 0, `cut short: "\"boom\""`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			results, fatal := drainJSONReader(t, newLAAPIReader(strings.NewReader(c.input)), 20)
			rejected := 0
			for _, r := range results {
				if r.err != nil {
					rejected++
				}
			}
			if len(results) != c.records || rejected != c.rejected {
				t.Errorf("got %d records (%d rejected), want %d (%d)", len(results), rejected, c.records, c.rejected)
			}
			switch {
			case c.fatalText == "" && fatal != nil:
				t.Errorf("unexpected error %v", fatal)
			case c.fatalText != "" && (fatal == nil || !strings.Contains(fatal.Error(), c.fatalText)):
				t.Errorf("got error %v, want one saying %q", fatal, c.fatalText)
			}
		})
	}
}

func TestLAAPITruncatedAnywhere(t *testing.T) {
	file := bytes.TrimRight(readJSONFixture(t, "la_api.json"), "\n")
	for cut := 1; cut < len(file); cut++ {
		results, fatal := drainJSONReader(t, newLAAPIReader(bytes.NewReader(file[:cut])), 100)
		if fatal == nil || !errors.Is(fatal, io.ErrUnexpectedEOF) {
			t.Fatalf("cut at %d: %v", cut, fatal)
		}
		if len(results) > 4 {
			t.Fatalf("cut at %d: %d records", cut, len(results))
		}
	}
}

// partialError is the shape of a Log Analytics PartialError (timeouts.md,
// batch-queries.md): the response holds the rows computed so far.
const partialError = `"error":{"code":"PartialError","message":"There were some errors when processing your query.",` +
	`"details":[{"code":"EngineError","message":"Something went wrong processing your query on the server.",` +
	`"innererror":{"code":"-2133196797","message":"Query result set has exceeded the internal data size limit 67108864 bytes",` +
	`"severity":2,"severityName":"Error","innererror":{"code":"E_QUERY_RESULT_SET_TOO_LARGE","message":"too large"}}}]}`

// A response that carries the service's error loads the rows it has and
// ends with an error wrapping ErrPartialResponse, which the store reports as
// an incomplete file with the code and message.
func TestLAAPIPartialError(t *testing.T) {
	cols := `"columns":[{"name":"TimeGenerated","type":"datetime"},{"name":"OperationName","type":"string"}]`
	row := `["2024-01-01T00:00:00Z","Invite external user"]`
	results, fatal := drainJSONReader(t, newLAAPIReader(strings.NewReader(`{"tables":[{`+cols+`,"rows":[`+row+`]}],`+partialError+`}`)), 20)
	if len(results) != 1 || results[0].err != nil {
		t.Fatalf("got %d records (%v), want the 1 row before the error", len(results), results)
	}
	if !errors.Is(fatal, ErrPartialResponse) || errors.Is(fatal, ErrNotAuditLog) {
		t.Fatalf("got %v, want ErrPartialResponse", fatal)
	}
	for _, want := range []string{"PartialError", "There were some errors", "EngineError", "E_QUERY_RESULT_SET_TOO_LARGE", "67108864"} {
		if !strings.Contains(fatal.Error(), want) {
			t.Errorf("%q does not say %q", fatal, want)
		}
	}
}
