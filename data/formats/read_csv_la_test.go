package formats

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/guesthunt/guesthunt/data"
)

// csvResult is what one Next call gave.
type csvResult struct {
	raw RawRecord
	rec data.Record
	err error
}

// readAllCSV drains rr, failing the test if it neither ends nor fails.
func readAllCSV(t testing.TB, rr RecordReader) (results []csvResult, fatal error) {
	t.Helper()
	for i := 0; i < 100000; i++ {
		raw, rec, err := rr.Next()
		if err == io.EOF {
			return results, nil
		}
		var re *RecordError
		if err != nil && !errors.As(err, &re) {
			return results, err
		}
		results = append(results, csvResult{raw, rec, err})
	}
	t.Fatal("reader does not end")
	return nil, nil
}

func openCSVFixture(t *testing.T, name string) *os.File {
	t.Helper()
	f, err := os.Open("testdata/csv/" + name)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

func csvUTC(y int, mo time.Month, d, h, mi, s, ns int) time.Time {
	return time.Date(y, mo, d, h, mi, s, ns, time.UTC)
}

func TestLACSVFixture(t *testing.T) {
	got, fatal := readAllCSV(t, newLACSVReader(openCSVFixture(t, "la_plain.csv")))
	if fatal != nil {
		t.Fatal(fatal)
	}
	type want struct {
		line   int64
		errHas string
	}
	wants := []want{{2, ""}, {3, ""}, {6, ""}, {7, "the row has 3 cells, the header has 30"},
		{8, `TimeGenerated "yesterday" is not a timestamp`}, {9, ""}}
	if len(got) != len(wants) {
		t.Fatalf("got %d records, want %d", len(got), len(wants))
	}
	for i, w := range wants {
		g := got[i]
		if g.raw.Ordinal != int64(i+1) || g.raw.Line != w.line {
			t.Errorf("record %d: ordinal %d line %d, want %d, %d", i, g.raw.Ordinal, g.raw.Line, i+1, w.line)
		}
		if w.errHas == "" && g.err != nil {
			t.Errorf("record %d: %v", i, g.err)
		}
		if w.errHas != "" {
			var re *RecordError
			if !errors.As(g.err, &re) || !strings.Contains(re.Reason, w.errHas) || re.Line != w.line || re.Ordinal != int64(i+1) {
				t.Errorf("record %d: error %v, want a RecordError with %q", i, g.err, w.errHas)
			}
		}
	}

	inv := got[0].rec
	if inv.OperationName != "Invite external user" || inv.Result != "success" || inv.Type != "AuditLogs" ||
		inv.Id != "Invited Users_0f4e2c1a-9b7d-4c1e-8f00-123456789abc_ABCDE_1" || inv.Level != "4" {
		t.Errorf("invite strings: %+v", inv)
	}
	if want := csvUTC(2023, 9, 7, 6, 3, 23, 829284900); !inv.TimeGenerated.Equal(want) || !inv.ActivityDateTime.Equal(want) {
		t.Errorf("invite times %v %v", inv.TimeGenerated, inv.ActivityDateTime)
	}
	if inv.DurationMs == nil || *inv.DurationMs != 0 {
		t.Errorf("DurationMs %v", inv.DurationMs)
	}
	var by struct {
		User struct{ UserPrincipalName, IPAddress string }
	}
	if err := json.Unmarshal(inv.InitiatedBy, &by); err != nil || by.User.UserPrincipalName != "bob@contoso.com" {
		t.Errorf("InitiatedBy %s: %v", inv.InitiatedBy, err)
	}
	if !strings.Contains(string(inv.TargetResources), `"alice_gmail.com#EXT#@contoso.onmicrosoft.com"`) ||
		!strings.Contains(string(inv.AdditionalDetails), `"invitedUserEmailAddress"`) {
		t.Errorf("dynamic columns: %s %s", inv.TargetResources, inv.AdditionalDetails)
	}
	if !strings.HasPrefix(string(got[0].raw.Raw), "11111111-") || strings.ContainsAny(string(got[0].raw.Raw), "\r\n") {
		t.Errorf("raw %q", got[0].raw.Raw)
	}

	multi := got[1]
	if multi.rec.ResultDescription != "first line\nsecond line, with \"quotes\"\nthird" ||
		!multi.rec.ActivityDateTime.IsZero() || multi.rec.DurationMs != nil {
		t.Errorf("multi-line row: %+v", multi.rec)
	}
	if strings.Count(string(multi.raw.Raw), "\n") != 2 || !strings.Contains(string(multi.raw.Raw), `""quotes""`) {
		t.Errorf("multi-line raw %q", multi.raw.Raw)
	}

	loose := got[2].rec
	if string(loose.AdditionalDetails) != `"not json {"` || loose.InitiatedBy != nil ||
		string(loose.TargetResources) != "[]" || loose.DurationMs != nil {
		t.Errorf("loose row: %q %q %q %v", loose.AdditionalDetails, loose.InitiatedBy, loose.TargetResources, loose.DurationMs)
	}
	if !loose.TimeGenerated.Equal(csvUTC(2023, 9, 9, 11, 12, 13, 0)) {
		t.Errorf("space-separated ISO time %v", loose.TimeGenerated)
	}
	if string(got[3].raw.Raw) != "only,three,cells" {
		t.Errorf("bad row raw %q", got[3].raw.Raw)
	}
	last := got[5].rec
	if last.Result != "Success" || !last.TimeGenerated.Equal(csvUTC(2023, 9, 10, 0, 0, 0, 100)) || *last.DurationMs != -5 {
		t.Errorf("last row %+v", last)
	}
}

func TestLACSVHeaders(t *testing.T) {
	cases := []struct {
		name, in string
		fatal    string // part of the fatal error, "" for none
		records  int
	}{
		{"empty file", "", "empty", 0},
		{"only a BOM", "\ufeff", "empty", 0},
		{"no time column", "OperationName,Result\nx,y\n", "no TimeGenerated column", 0},
		{"header syntax error", "Time\"Generated,x\n", "line 1", 0},
		{"header only", "TimeGenerated,Result\n", "", 0},
		{"case-insensitive", "timegenerated,RESULT\n2023-09-07T06:03:23Z,ok\n", "", 1},
		{"portal suffix", "TimeGenerated [UTC],Result\n\"9/7/2023, 6:03:23.829 AM\",ok\n", "", 1},
		{"BOM and blank lines", "\ufeff\n\nTimeGenerated\n\n2023-09-07T06:03:23Z\n", "", 1},
		{"no final newline", "TimeGenerated\r\n2023-09-07T06:03:23Z", "", 1},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, fatal := readAllCSV(t, newLACSVReader(strings.NewReader(c.in)))
			if c.fatal == "" && fatal != nil || c.fatal != "" && (fatal == nil || !strings.Contains(fatal.Error(), c.fatal)) {
				t.Fatalf("fatal error %v, want one with %q", fatal, c.fatal)
			}
			if c.fatal != "" && !errors.Is(fatal, ErrNotAuditLog) {
				t.Errorf("%v does not wrap ErrNotAuditLog", fatal)
			}
			if len(got) != c.records {
				t.Fatalf("%d records, want %d", len(got), c.records)
			}
			for _, g := range got {
				if g.err != nil {
					t.Errorf("%v", g.err)
				}
			}
		})
	}
}

func TestLACSVHeaderMatching(t *testing.T) {
	// The exact name wins over one differing in case, wherever it stands.
	in := "result,Result,TimeGenerated,Extra\nlower,Exact,2023-09-07T06:03:23Z,x\n"
	got, fatal := readAllCSV(t, newLACSVReader(strings.NewReader(in)))
	if fatal != nil || len(got) != 1 || got[0].rec.Result != "Exact" {
		t.Fatalf("%v %+v", fatal, got)
	}
	if got[0].raw.Line != 2 || got[0].raw.Ordinal != 1 {
		t.Errorf("raw %+v", got[0].raw)
	}
}

func TestLACSVSyntaxErrorsContinue(t *testing.T) {
	in := "TimeGenerated,Result\n" +
		"2023-09-07T06:03:23Z,a\"b\n" + // bare quote: line 2
		"2023-09-07T06:03:24Z,\"x\"y\n" + // text after a closing quote: line 3
		"\"2023-09-07T06:03:25Z\",\"multi\nline\"\n" + // lines 4-5
		"2023-09-07T06:03:26Z,ok\n" + // line 6
		"2023-09-07T06:03:27Z,\"never closed\nstill open\n" // line 7 to the end
	got, fatal := readAllCSV(t, newLACSVReader(strings.NewReader(in)))
	if fatal != nil {
		t.Fatal(fatal)
	}
	wantLines := []int64{2, 3, 4, 6, 7}
	wantErr := []bool{true, true, false, false, true}
	if len(got) != len(wantLines) {
		t.Fatalf("got %d records: %+v", len(got), got)
	}
	for i := range got {
		if got[i].raw.Line != wantLines[i] || got[i].raw.Ordinal != int64(i+1) || (got[i].err != nil) != wantErr[i] {
			t.Errorf("record %d: line %d ordinal %d err %v", i+1, got[i].raw.Line, got[i].raw.Ordinal, got[i].err)
		}
		var re *RecordError
		if errors.As(got[i].err, &re) && (re.Ordinal != int64(i+1) || re.Line != wantLines[i] || !strings.Contains(re.Reason, "CSV syntax")) {
			t.Errorf("record %d: %+v", i+1, re)
		}
	}
	if got[2].rec.Result != "multi\nline" || string(got[1].raw.Raw) != "2023-09-07T06:03:24Z,\"x\"y" {
		t.Errorf("rows %q %q", got[2].rec.Result, got[1].raw.Raw)
	}
	if string(got[4].raw.Raw) != "2023-09-07T06:03:27Z,\"never closed\nstill open" {
		t.Errorf("unterminated raw %q", got[4].raw.Raw)
	}
}

func TestLACSVHostileStringsKept(t *testing.T) {
	hostile := "evil\rgood \x1b[31mred\x1b[0m \u202egnp.exe \u0085 <script>&amp;"
	in := "TimeGenerated,OperationName,InitiatedBy,AdditionalDetails\n" +
		"2023-09-07T06:03:23Z,\"" + hostile + "\",\"{\"\"user\"\":{\"\"userPrincipalName\"\":\"\"a\\u202eb\"\"}}\",\"" + hostile + "\"\n"
	got, fatal := readAllCSV(t, newLACSVReader(strings.NewReader(in)))
	if fatal != nil || len(got) != 1 || got[0].err != nil {
		t.Fatalf("%v %+v", fatal, got)
	}
	rec := got[0].rec
	if rec.OperationName != hostile {
		t.Errorf("OperationName %q", rec.OperationName)
	}
	if string(rec.InitiatedBy) != `{"user":{"userPrincipalName":"a\u202eb"}}` {
		t.Errorf("InitiatedBy %q", rec.InitiatedBy)
	}
	var back string
	if err := json.Unmarshal(rec.AdditionalDetails, &back); err != nil || back != hostile {
		t.Errorf("AdditionalDetails %q: %v", rec.AdditionalDetails, err)
	}
	if strings.Contains(string(rec.AdditionalDetails), `\u003c`) {
		t.Errorf("HTML-escaped: %s", rec.AdditionalDetails)
	}
	if !strings.Contains(string(got[0].raw.Raw), hostile) {
		t.Errorf("raw %q", got[0].raw.Raw)
	}
}

func TestLAPortalCSVFixtures(t *testing.T) {
	t.Run("en-US", func(t *testing.T) {
		got, fatal := readAllCSV(t, newLACSVReader(openCSVFixture(t, "la_portal_enus.csv")))
		if fatal != nil {
			t.Fatal(fatal)
		}
		want := []time.Time{
			csvUTC(2023, 9, 7, 6, 3, 23, 829e6),
			csvUTC(2023, 9, 7, 0, 0, 0, 0),     // 12 AM is midnight
			csvUTC(2023, 9, 7, 12, 30, 0, 1e6), // 12 PM is noon
			csvUTC(2023, 12, 31, 23, 59, 59, 999e6),
			csvUTC(2024, 1, 2, 13, 2, 3, 4e6),
		}
		if len(got) != len(want) {
			t.Fatalf("%d records", len(got))
		}
		for i, g := range got {
			if g.err != nil || !g.rec.TimeGenerated.Equal(want[i]) {
				t.Errorf("record %d: %v %v, want %v", i+1, g.err, g.rec.TimeGenerated, want[i])
			}
			if g.raw.Line != int64(i+2) || g.rec.Id != "p"+string(rune('1'+i)) {
				t.Errorf("record %d: line %d id %q", i+1, g.raw.Line, g.rec.Id)
			}
		}
		if !got[0].rec.ActivityDateTime.Equal(want[0]) || !got[1].rec.ActivityDateTime.IsZero() {
			t.Errorf("ActivityDateTime %v %v", got[0].rec.ActivityDateTime, got[1].rec.ActivityDateTime)
		}
	})
	t.Run("day first, proved later", func(t *testing.T) {
		got, fatal := readAllCSV(t, newLACSVReader(openCSVFixture(t, "la_portal_daymonth.csv")))
		if fatal != nil {
			t.Fatal(fatal)
		}
		if len(got) != 6 {
			t.Fatalf("%d records", len(got))
		}
		want := []time.Time{
			csvUTC(2023, 9, 7, 6, 3, 23, 829e6), // held back until line 4 proved day first
			csvUTC(2023, 9, 8, 0, 0, 0, 0),
			csvUTC(2023, 9, 13, 23, 59, 59, 999e6),
			{},
			csvUTC(2023, 9, 7, 6, 3, 23, 829e6),
			csvUTC(2023, 9, 7, 6, 3, 23, 829e6),
		}
		for i, g := range got {
			if i == 3 {
				var re *RecordError
				if !errors.As(g.err, &re) || re.Line != 5 || re.Ordinal != 4 ||
					!strings.Contains(re.Reason, "month-first") || !strings.Contains(re.Reason, "line 4") {
					t.Errorf("contradicting row: %v", g.err)
				}
				continue
			}
			if g.err != nil || !g.rec.TimeGenerated.Equal(want[i]) || g.raw.Ordinal != int64(i+1) {
				t.Errorf("record %d: %v %v", i+1, g.err, g.rec.TimeGenerated)
			}
		}
	})
}

// csvRoundTripRecords are records as a Log Analytics export holds them.
func csvRoundTripRecords() []data.Record {
	dur := int64(42)
	hostile := "Eve\r\x1b[31m \u202egnp.exe <b>&\"x\",\ny"
	return []data.Record{{
		TenantId: "t1", SourceSystem: "Azure AD", TimeGenerated: csvUTC(2023, 9, 7, 6, 3, 23, 829284900),
		OperationName: "Invite external user", Category: "UserManagement", DurationMs: &dur, Level: "4",
		AdditionalDetails: json.RawMessage(`[{"key":"invitedUserEmailAddress","value":"alice@gmail.com"}]`),
		Id:                "Invited Users_x_1",
		InitiatedBy:       json.RawMessage(`{"user":{"id":"a1","displayName":null,"userPrincipalName":"bob@contoso.com","ipAddress":"203.0.113.7","roles":[]}}`),
		LoggedByService:   "Invited Users", Result: "success",
		TargetResources: json.RawMessage(`[{"id":"g1","displayName":` + string(mustCSVJSON(hostile)) +
			`,"type":"User","userPrincipalName":"alice_gmail.com#EXT#@contoso.onmicrosoft.com","modifiedProperties":[],"administrativeUnits":[]}]`),
		ActivityDisplayName: "Invite external user", ActivityDateTime: csvUTC(2023, 9, 7, 6, 3, 23, 829284900),
		Type: "AuditLogs",
	}, {
		TimeGenerated: csvUTC(2023, 9, 13, 0, 0, 0, 100), OperationName: hostile, Result: "failure", Type: "AuditLogs",
	}}
}

func mustCSVJSON(v any) json.RawMessage {
	b, err := csvJSON(v)
	if err != nil {
		panic(err)
	}
	return b
}

// The LA CSV readers read back what WriteRecords writes (the portal at
// millisecond precision).
func TestLACSVReadsWriterOutput(t *testing.T) {
	for _, f := range []Format{FormatLACSV, FormatLAPortalCSV} {
		t.Run(string(f), func(t *testing.T) {
			want := csvRoundTripRecords()
			var b bytes.Buffer
			if err := WriteRecords(&b, f, want); err != nil {
				t.Fatal(err)
			}
			got, fatal := readAllCSV(t, newLACSVReader(&b))
			if fatal != nil || len(got) != len(want) {
				t.Fatalf("%v, %d records", fatal, len(got))
			}
			for i := range want {
				w := want[i]
				if f == FormatLAPortalCSV {
					w.TimeGenerated = w.TimeGenerated.Truncate(time.Millisecond)
					if !w.ActivityDateTime.IsZero() {
						w.ActivityDateTime = w.ActivityDateTime.Truncate(time.Millisecond)
					}
				}
				g, _ := json.Marshal(got[i].rec)
				wj, _ := json.Marshal(w)
				if got[i].err != nil || string(g) != string(wj) {
					t.Errorf("record %d: %v\n got %s\nwant %s", i+1, got[i].err, g, wj)
				}
			}
		})
	}
}
