package formats

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"slices"
	"testing"
)

// fuzzJSONReader feeds arbitrary bytes to a reader: it must not panic or
// loop, must number records 1, 2, 3... on non-decreasing lines, reject with
// an ordinal, and accept only records with a time and valid dynamic JSON.
func fuzzJSONReader(f *testing.F, open func(io.Reader) RecordReader, fixtures []string, seeds ...string) {
	for _, name := range fixtures {
		f.Add(readJSONFixture(f, name))
	}
	for _, s := range seeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, input []byte) {
		rr := open(bytes.NewReader(input))
		// Every record takes at least one byte, so more calls than bytes means a loop.
		results, fatal := drainJSONReader(t, rr, len(input)+2)
		var lastLine int64
		for i, r := range results {
			if r.raw.Ordinal != int64(i+1) || r.raw.Line < 1 || r.raw.Line < lastLine {
				t.Fatalf("record %d: ordinal %d line %d after line %d", i+1, r.raw.Ordinal, r.raw.Line, lastLine)
			}
			lastLine = r.raw.Line
			if r.err != nil {
				continue
			}
			if r.rec.TimeGenerated.IsZero() {
				t.Fatalf("record %d accepted without a time", i+1)
			}
			for _, d := range []json.RawMessage{r.rec.InitiatedBy, r.rec.TargetResources, r.rec.AdditionalDetails} {
				if d != nil && !json.Valid(d) {
					t.Fatalf("record %d: dynamic value is not JSON: %q", i+1, d)
				}
			}
		}
		if fatal != nil {
			// Errors are sticky: the reader does not come back to life.
			if _, _, err := rr.Next(); err == nil || err == io.EOF {
				t.Fatalf("after %v, Next returned %v", fatal, err)
			}
		}
	})
}

func FuzzLANDJSON(f *testing.F) {
	fuzzJSONReader(f, newLANDJSONReader, []string{"la_invites.ndjson", "sentinel_goldensaml.ndjson"},
		"", "\n\n", "null\n{}\n[]", `{"TimeGenerated":"2024-01-01T00:00:00Z","InitiatedBy":"{\"user\":{}}"}`, "\ufeff{\"timegenerated\":1}\r\n")
}

func FuzzLAArray(f *testing.F) {
	fuzzJSONReader(f, newLAArrayReader, []string{"la_rows.json"},
		"[]", "[", "[1,{},null]", `[{"TimeGenerated":"2024-01-01T00:00:00Z"}] x`, "[{\"TimeGenerated\":\"2024-01-01\"},")
}

func FuzzKustoV2(f *testing.F) {
	fuzzJSONReader(f, newKustoV2Reader, nil,
		`[{"FrameType":"DataSetHeader"},{"FrameType":"DataTable","TableKind":"PrimaryResult","Columns":[{"ColumnName":"TimeGenerated"}],"Rows":[["2024-01-01"],["x" 1],["2024-01-02"]]}]`,
		`[{"FrameType":"TableHeader","TableId":1,"TableKind":"PrimaryResult","Columns":[{"ColumnName":"TimeGenerated"}]},`+
			`{"FrameType":"TableFragment","TableId":1,"Rows":[["2024-01-01"]]},{"FrameType":"TableCompletion","TableId":1,"RowCount":1}]`,
		`[]`, `[{"FrameType":"DataTable","Rows":[[1]],"Columns":[]}]`)
}

func FuzzLAAPI(f *testing.F) {
	fuzzJSONReader(f, newLAAPIReader, []string{"la_api.json"},
		`{"Tables":[{"TableName":"Table_0","Columns":[{"ColumnName":"TimeGenerated","DataType":"DateTime"}],"Rows":[["2024-01-01"],[1 2],["2024-01-02"]]}]}`,
		`{"tables":[]}`, `{"tables":[{"name":"Stats","columns":[{"name":"x"}],"rows":[[1]]}]}`,
		`{"tables":[{"columns":[{"name":"TimeGenerated"}],"rows":[["2024-01-01"],[1,2],{}]}]}`,
		`{"tables":[{"rows":[[1]],"columns":[]}]}`)
}

func FuzzGraphPage(f *testing.F) {
	fuzzJSONReader(f, newGraphPageReader, []string{"graph_page.json", "graph_pages.ndjson"},
		`{"value":[]}`, `{"value":[{"activityDateTime":"2024-01-01T00:00:00Z"}]}{"value":[1]}`, `{"value":{}}`, `{"value":[`)
}

func FuzzGraphArray(f *testing.F) {
	fuzzJSONReader(f, newGraphArrayReader, []string{"graph_array.json"},
		"[]", `[{"ActivityDateTime":"2024-01-01T00:00:00Z","initiatedBy":"x"}]`,
		// Extractor-Suite: appended pages and bare records, BOM, CRLF; damage between them.
		"\ufeff{\r\n  \"activityDateTime\": \"2024-01-01T00:00:00Z\"\r\n}\r\n[\r\n  {\"activityDateTime\": \"2024-01-01\"}\r\n]\r\n",
		`[{"activityDateTime":"2024-01-01T00:00:00Z","id":"a" x},{"activityDateTime":"2024-01-01T00:00:00Z","targetResources":[{"activityDateTime":"x"}]}] junk {"activityDateTime":"2024-01-01T00:00:00Z"}`,
		// Graph PowerShell SDK: PascalCase, bags, /Date(ms)/.
		`{"ActivityDateTime":"\/Date(1694066603829+0200)\/","InitiatedBy":{"User":{"IPAddress":"1","AdditionalProperties":{"roles":[]}},"AdditionalProperties":{}}}`)
}

func FuzzGraphNDJSON(f *testing.F) {
	fuzzJSONReader(f, newGraphNDJSONReader, []string{"graph.ndjson"},
		"", `{"activityDateTime":"2024-01-01T00:00:00Z"}`+"\n\n{")
}

func FuzzDiag(f *testing.F) {
	fuzzJSONReader(f, newDiagReader, []string{"diag_pt1h.json"},
		"", `{"time":"2024-01-01T00:00:00Z","properties":"{\"result\":0}"}`, `{"time":"2024-01-01T00:00:00Z","properties":[]}`)
}

func FuzzDiagRecords(f *testing.F) {
	fuzzJSONReader(f, newDiagRecordsReader, []string{"diag_records.json", "diag_records_lines.json"},
		`{"records":[]}`, `{"records":[{"time":"2024-01-01T00:00:00Z"}]}`+"\n"+`{"records":[`, `{"records":null}`)
}

func FuzzDetectFormat(f *testing.F) {
	for _, name := range []string{"la_invites.ndjson", "la_rows.json", "la_api.json", "graph_page.json", "graph_array.json",
		"graph.ndjson", "diag_pt1h.json", "diag_records.json", "sentinel_goldensaml.ndjson"} {
		f.Add(readJSONFixture(f, name))
	}
	for _, s := range []string{"", "PAR1", "[]", "{", "[{", "\ufeffDate (UTC),Activity\n", "\"TimeGenerated [UTC]\"\n",
		"TimeGenerated,OperationName\n", "\x1f\x8b", "\xff\xfe", "{\"a\":\n{\"TimeGenerated\":1}\n", "\x00\x01"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, input []byte) {
		br := bufio.NewReaderSize(bytes.NewReader(input), 4096)
		format, err := DetectFormat(br)
		switch {
		case err == nil && !slices.Contains(Formats, format):
			t.Fatalf("unknown format %q", format)
		case err != nil && !errors.Is(err, ErrNotAuditLog):
			t.Fatalf("a refusal that does not wrap ErrNotAuditLog: %v", err)
		}
		if rest, _ := io.ReadAll(br); !bytes.Equal(rest, input) {
			t.Fatal("DetectFormat consumed input")
		}
	})
}

// FuzzSplitter checks the byte-level splitter against encoding/json: a value
// it accepts is valid JSON, one it refuses as damaged is not, and where it
// says the damage is, the prefix before it is still a prefix of some valid
// JSON (the damage is not reported early).
func FuzzSplitter(f *testing.F) {
	for _, s := range []string{`{"a":[1,2,{"b":null}],"c":"\u00e9\n"}`, `[1,-0.5e+3,true,false,null]`, `"x`, `{"a" 1}`,
		`{"a":"b\x"}`, `01`, `-`, `1.`, `[1,]`, `{,}`, "\"\t\"", `{"a":1}}`, `[[[[`, ` 12 `} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, input []byte) {
		s := newSplitter(bytes.NewReader(input), 0)
		start, err := s.scanValue()
		var d *syntaxDamage
		switch {
		case err == nil:
			end := s.offset(s.pos)
			if !json.Valid(input[start:end]) {
				t.Fatalf("accepted invalid JSON %q", input[start:end])
			}
			rest := bytes.TrimLeft(input[end:], " \t\r\n")
			if len(rest) == 0 != json.Valid(input) {
				t.Fatalf("whole input %q: valid %v, but the splitter left %q", input, json.Valid(input), rest)
			}
		case errors.As(err, &d):
			if json.Valid(input) {
				t.Fatalf("refused valid JSON %q: %v", input, err)
			}
			if d.off < start || d.off > int64(len(input)) {
				t.Fatalf("damage offset %d outside the input", d.off)
			}
		case errors.Is(err, io.ErrUnexpectedEOF):
			if json.Valid(input) {
				t.Fatalf("valid JSON %q said to be cut off", input)
			}
		default:
			t.Fatalf("unexpected error %v", err)
		}
		// Positions never panic and count lines right.
		if end := s.offset(len(s.buf)); end > 0 {
			p := s.posAt(end, false)
			if want := int64(1 + bytes.Count(input[:end], []byte("\n"))); p.Line != want {
				t.Fatalf("line %d at offset %d, want %d", p.Line, end, want)
			}
		}
	})
}
