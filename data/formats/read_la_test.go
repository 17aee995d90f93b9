package formats

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/guesthunt/guesthunt/data"
)

// jsonReadResult is one Next call's outcome.
type jsonReadResult struct {
	raw RawRecord
	rec data.Record
	err error // nil or a *RecordError
}

// drainJSONReader reads until io.EOF (fatal == nil) or a fatal error. It
// fails the test if the reader looks stuck (more calls than input bytes allow).
func drainJSONReader(t testing.TB, rr RecordReader, maxCalls int) (results []jsonReadResult, fatal error) {
	t.Helper()
	for calls := 0; ; calls++ {
		if calls > maxCalls {
			t.Fatalf("reader returned more than %d records: looping?", maxCalls)
		}
		raw, rec, err := rr.Next()
		if err == io.EOF {
			return results, nil
		}
		// A rejected record and a skipped one (not an audit event) are
		// results like an accepted one; anything else ends the file.
		var re *RecordError
		var se *SkipError
		if err != nil && !errors.As(err, &re) && !errors.As(err, &se) {
			return results, err
		}
		if re != nil && re.Ordinal <= 0 {
			t.Fatalf("RecordError without an ordinal: %#v", re)
		}
		if se != nil && se.Ordinal <= 0 {
			t.Fatalf("SkipError without an ordinal: %#v", se)
		}
		results = append(results, jsonReadResult{raw: raw, rec: rec, err: err})
	}
}

func readJSONFixture(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "json", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func mustTime(t testing.TB, s string) time.Time {
	t.Helper()
	tm, err := ParseTimestamp(s)
	if err != nil {
		t.Fatal(err)
	}
	return tm
}

// wantRejection checks that result i was rejected on line with a reason starting so.
func wantRejection(t *testing.T, res jsonReadResult, ordinal, line int64, reasonPrefix string) {
	t.Helper()
	var re *RecordError
	if !errors.As(res.err, &re) {
		t.Errorf("record %d: want rejection %q, got %v", ordinal, reasonPrefix, res.err)
		return
	}
	if re.Ordinal != ordinal || re.Line != line || !strings.HasPrefix(re.Reason, reasonPrefix) {
		t.Errorf("record %d: got ordinal %d line %d reason %q; want ordinal %d line %d reason %q...",
			ordinal, re.Ordinal, re.Line, re.Reason, ordinal, line, reasonPrefix)
	}
	if res.raw.Ordinal != ordinal || res.raw.Line != line {
		t.Errorf("record %d: RawRecord says ordinal %d line %d", ordinal, res.raw.Ordinal, res.raw.Line)
	}
}

func wantAccepted(t *testing.T, res jsonReadResult, ordinal, line int64) {
	t.Helper()
	if res.err != nil || res.raw.Ordinal != ordinal || res.raw.Line != line {
		t.Errorf("record %d: got ordinal %d line %d err %v; want line %d accepted",
			ordinal, res.raw.Ordinal, res.raw.Line, res.err, line)
	}
}

const (
	wantUserInitiator = `{"user":{"id":"5b1c3f3a-7e4b-4c51-9d0c-0f1e2d3c4b5a","displayName":null,"userPrincipalName":"alice@contoso.com","ipAddress":"203.0.113.10","roles":[]}}`
	wantAppInitiator  = `{"app":{"appId":null,"displayName":"Microsoft Invitation Acceptance Portal","servicePrincipalId":"9d2c6f1e-1111-4222-8333-444455556666","servicePrincipalName":null}}`
	wantGuestTarget   = `[{"id":"a1b2c3d4-0000-4000-8000-000000000001","displayName":null,"type":"User","userPrincipalName":"bob_gmail.com#EXT#@contoso.onmicrosoft.com","groupType":null,"modifiedProperties":[],"administrativeUnits":[]}]`
	wantInviteDetails = `[{"key":"invitedUserEmailAddress","value":"bob@gmail.com"},{"key":"User-Agent","value":"Mozilla/5.0"}]`
	// A display name an attacker chose: bidi override, C1 NEL, BEL, CR, an ANSI colour.
	hostileName = "Eve\u202emoc.live\u0085\u0007\r\x1b[31m"
)

func TestLANDJSONReader(t *testing.T) {
	file := readJSONFixture(t, "la_invites.ndjson")
	results, fatal := drainJSONReader(t, newLANDJSONReader(bytes.NewReader(file)), 100)
	if fatal != nil {
		t.Fatal(fatal)
	}
	if len(results) != 9 {
		t.Fatalf("got %d records, want 9 (blank lines are not records)", len(results))
	}
	lines := strings.Split(string(file), "\n")
	for _, r := range results {
		if got, want := string(r.raw.Raw), lines[r.raw.Line-1]; got != want {
			t.Errorf("record %d: Raw is not its line byte for byte:\n got %q\nwant %q", r.raw.Ordinal, got, want)
		}
	}

	wantAccepted(t, results[0], 1, 1)
	invite := results[0].rec
	if invite.OperationName != "Invite external user" || invite.Result != "success" || invite.Level != "4" ||
		invite.LoggedByService != "Invited Users" || invite.AADOperationType != "Add" || invite.Type != "AuditLogs" ||
		invite.TenantId != "11111111-2222-3333-4444-555555555555" || invite.DurationMs != nil {
		t.Errorf("invite: %+v", invite)
	}
	if !invite.TimeGenerated.Equal(mustTime(t, "2024-03-05T10:15:30.1234567Z")) || !invite.ActivityDateTime.Equal(invite.TimeGenerated) {
		t.Errorf("invite times: %v %v", invite.TimeGenerated, invite.ActivityDateTime)
	}
	// Dynamic columns written as JSON text come out as that text.
	if string(invite.InitiatedBy) != wantUserInitiator || string(invite.TargetResources) != wantGuestTarget ||
		string(invite.AdditionalDetails) != wantInviteDetails {
		t.Errorf("invite dynamics:\n%s\n%s\n%s", invite.InitiatedBy, invite.TargetResources, invite.AdditionalDetails)
	}

	wantAccepted(t, results[1], 2, 3)
	update := results[1].rec
	// Dynamic columns written as objects come out as their raw text; Level as a number is its text.
	if string(update.InitiatedBy) != wantAppInitiator || string(update.TargetResources) != "[]" ||
		string(update.AdditionalDetails) != "[]" || update.Level != "4" || update.DurationMs == nil || *update.DurationMs != 12 ||
		update.Identity != "Microsoft Invitation Acceptance Portal" || !update.TimeGenerated.Equal(mustTime(t, "2024-03-05T11:00:00Z")) {
		t.Errorf("app-initiated update: %+v", update)
	}

	wantAccepted(t, results[2], 3, 4)
	hostile := results[2].rec
	if hostile.ResultReason != hostileName {
		t.Errorf("hostile string changed: %q", hostile.ResultReason)
	}
	if !bytes.Contains(hostile.InitiatedBy, []byte("Eve\u202emoc.live\u0085")) || !bytes.Contains(results[2].raw.Raw, []byte("\u202e")) {
		t.Errorf("hostile initiator not kept byte-exact: %s", hostile.InitiatedBy)
	}
	if string(hostile.AdditionalDetails) != `"not json"` {
		t.Errorf("a non-JSON dynamic string should stay a JSON string, got %s", hostile.AdditionalDetails)
	}
	if hostile.DurationMs == nil || *hostile.DurationMs != 37 || !hostile.ActivityDateTime.IsZero() {
		t.Errorf("hostile: DurationMs %v ActivityDateTime %v", hostile.DurationMs, hostile.ActivityDateTime)
	}

	wantRejection(t, results[3], 4, 6, "invalid JSON")
	wantRejection(t, results[4], 5, 7, "not a JSON object")
	wantRejection(t, results[5], 6, 8, "no TimeGenerated")
	wantRejection(t, results[6], 7, 9, `TimeGenerated "xyz" is not a timestamp`)
	wantAccepted(t, results[7], 8, 10)
	if folded := results[7].rec; folded.OperationName != "Add user" || folded.Level != "Informational" || folded.DurationMs != nil {
		t.Errorf("case-insensitive column names: %+v", folded)
	}
	wantRejection(t, results[8], 9, 11, "not a JSON object")
}

// The real export: four rows, two of them sharing an Id (both kept), an
// OperationName with an en dash and a trailing space, extra columns ignored.
func TestLANDJSONSentinelSample(t *testing.T) {
	file := readJSONFixture(t, "sentinel_goldensaml.ndjson")
	results, fatal := drainJSONReader(t, newLANDJSONReader(bytes.NewReader(file)), 100)
	if fatal != nil {
		t.Fatal(fatal)
	}
	if len(results) != 4 {
		t.Fatalf("got %d records, want 4", len(results))
	}
	for i, r := range results {
		wantAccepted(t, r, int64(i+1), int64(i+1))
	}
	first, second := results[0].rec, results[1].rec
	if first.Id != second.Id || first.Id != "Directory_10065ffb-8199-48bc-8ff5-912cb5b8295a_AUMVX_13992832" {
		t.Errorf("shared Id: %q %q", first.Id, second.Id)
	}
	if want := "Update application \u2013 Certificates and secrets management "; first.OperationName != want || first.ActivityDisplayName != want {
		t.Errorf("OperationName %q", first.OperationName)
	}
	if !first.TimeGenerated.Equal(time.Date(2021, 8, 2, 13, 29, 25, 983e6, time.UTC)) || first.Level != "4" || first.Type != "AuditLogs" {
		t.Errorf("first row: %+v", first)
	}
	if results[2].rec.Type != "Application" { // the sample says so; keep what the log says
		t.Errorf("third row Type %q", results[2].rec.Type)
	}
	var initiator struct {
		User struct{ UserPrincipalName string } `json:"user"`
	}
	if err := json.Unmarshal(first.InitiatedBy, &initiator); err != nil || initiator.User.UserPrincipalName != "pgustavo@simulandlabs.com" {
		t.Errorf("InitiatedBy %s: %v", first.InitiatedBy, err)
	}
	if !json.Valid(results[3].rec.TargetResources) || !bytes.Contains(results[0].raw.Raw, []byte(`"InitiatingUserOrApp"`)) {
		t.Errorf("TargetResources or Raw lost")
	}
}

func TestLANDJSONLineEndings(t *testing.T) {
	row := `{"TimeGenerated":"2024-01-01T00:00:00Z","OperationName":"Add user"}`
	cases := []struct {
		name  string
		input string
		lines []int64
	}{
		{"CRLF", row + "\r\n\r\n" + row + "\r\n", []int64{1, 3}},
		{"BOM", "\ufeff" + row + "\n" + row, []int64{1, 2}},
		{"no final newline", row, []int64{1}},
		{"only blank lines", "\n \n\t\r\n", nil},
		{"empty", "", nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			results, fatal := drainJSONReader(t, newLANDJSONReader(strings.NewReader(c.input)), 10)
			if fatal != nil {
				t.Fatal(fatal)
			}
			if len(results) != len(c.lines) {
				t.Fatalf("got %d records, want %d", len(results), len(c.lines))
			}
			for i, r := range results {
				wantAccepted(t, r, int64(i+1), c.lines[i])
				if string(r.raw.Raw) != row {
					t.Errorf("Raw %q", r.raw.Raw)
				}
			}
		})
	}
}

func TestLANDJSONLongLine(t *testing.T) {
	long := strings.Repeat("x", 5<<20) // beyond any bufio.Scanner default
	input := `{"TimeGenerated":"2024-01-01T00:00:00Z","ResultReason":"` + long + `"}` + "\n" +
		`{"TimeGenerated":"2024-01-01T00:00:01Z"}` + "\n"
	results, fatal := drainJSONReader(t, newLANDJSONReader(strings.NewReader(input)), 10)
	if fatal != nil {
		t.Fatal(fatal)
	}
	if len(results) != 2 || results[0].rec.ResultReason != long {
		t.Fatalf("long line not read whole: %d records", len(results))
	}
	wantAccepted(t, results[1], 2, 2)
}

func TestLAArrayReader(t *testing.T) {
	file := readJSONFixture(t, "la_rows.json")
	results, fatal := drainJSONReader(t, newLAArrayReader(bytes.NewReader(file)), 100)
	if fatal != nil {
		t.Fatal(fatal)
	}
	if len(results) != 4 {
		t.Fatalf("got %d records, want 4", len(results))
	}
	wantAccepted(t, results[0], 1, 2)
	wantAccepted(t, results[1], 2, 27)
	wantRejection(t, results[2], 3, 61, "not a JSON object")
	wantAccepted(t, results[3], 4, 62)
	for _, r := range results {
		if !bytes.Contains(file, r.raw.Raw) || len(r.raw.Raw) == 0 {
			t.Errorf("record %d: Raw is not the element's text: %q", r.raw.Ordinal, r.raw.Raw)
		}
	}
	// An object is kept as written, indentation included.
	if string(results[0].rec.InitiatedBy) != wantUserInitiator || compactJSON(t, results[1].rec.InitiatedBy) != wantAppInitiator {
		t.Errorf("dynamics: %s / %s", results[0].rec.InitiatedBy, results[1].rec.InitiatedBy)
	}
	if results[3].rec.ResultReason != hostileName {
		t.Errorf("hostile string changed: %q", results[3].rec.ResultReason)
	}
}

func TestLAArrayEdges(t *testing.T) {
	row := `{"TimeGenerated":"2024-01-01T00:00:00Z"}`
	cases := []struct {
		name      string
		input     string
		records   int
		fatalText string // "" = clean end
	}{
		{"empty array", "[]", 0, ""},
		{"empty array with BOM and space", "\ufeff \n[ ]\n\n", 0, ""},
		{"two rows", "[" + row + "," + row + "]", 2, ""},
		{"cut after first row", "[" + row + ",", 1, "truncated JSON document after record 1"},
		{"cut inside second row", "[" + row + "," + row[:10], 1, "truncated JSON document after record 1"},
		{"cut before the bracket closes", "[" + row, 1, "truncated JSON document after record 1"},
		{"cut at once", "[", 0, "truncated JSON document after record 0"},
		{"garbage after", "[" + row + "] x", 1, "invalid JSON"},
		{"second document after", "[" + row + "][]", 1, ""}, // PowerShell's appended pages
		{"bare record after", "[" + row + "]\r\n" + row, 2, ""},
		{"trailing comma", "[" + row + ",]", 1, "invalid JSON"},
		{"a bare record", row, 1, ""}, // a one-record page as ConvertTo-Json writes it
		{"not an array", `"x"`, 0, "expected a JSON array"},
		{"empty file", "", 0, "the file is empty"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			results, fatal := drainJSONReader(t, newLAArrayReader(strings.NewReader(c.input)), 10)
			if len(results) != c.records {
				t.Errorf("got %d records, want %d", len(results), c.records)
			}
			switch {
			case c.fatalText == "" && fatal != nil:
				t.Errorf("unexpected error %v", fatal)
			case c.fatalText != "" && (fatal == nil || !strings.Contains(fatal.Error(), c.fatalText)):
				t.Errorf("got error %v, want one saying %q", fatal, c.fatalText)
			}
			if strings.HasPrefix(c.fatalText, "truncated") && !errors.Is(fatal, io.ErrUnexpectedEOF) {
				t.Errorf("truncation should wrap io.ErrUnexpectedEOF: %v", fatal)
			}
		})
	}
}

// Cutting an array anywhere must give the records before the cut and then a
// truncation error, never a wrong record or a hang.
func TestLAArrayTruncatedAnywhere(t *testing.T) {
	file := bytes.TrimRight(readJSONFixture(t, "la_rows.json"), "\n")
	full, fatal := drainJSONReader(t, newLAArrayReader(bytes.NewReader(file)), 100)
	if fatal != nil {
		t.Fatal(fatal)
	}
	for cut := 0; cut < len(file); cut++ {
		results, fatal := drainJSONReader(t, newLAArrayReader(bytes.NewReader(file[:cut])), 100)
		if fatal == nil {
			t.Fatalf("cut at %d: no error", cut)
		}
		if cut > 0 && !errors.Is(fatal, io.ErrUnexpectedEOF) {
			t.Fatalf("cut at %d: %v", cut, fatal)
		}
		for i, r := range results {
			// A number cut short is still a number: only the last element may be a prefix.
			same := bytes.Equal(r.raw.Raw, full[i].raw.Raw)
			if !same && !(i == len(results)-1 && r.err != nil && bytes.HasPrefix(full[i].raw.Raw, r.raw.Raw)) {
				t.Fatalf("cut at %d: record %d differs from the uncut file's", cut, i+1)
			}
		}
	}
}

func TestRecordFromLAValues(t *testing.T) {
	cases := []struct {
		name  string
		value string // the member's JSON, "" = absent
		check func(data.Record) bool
	}{
		{"dynamic as JSON text", `"{\"a\":1}"`, func(r data.Record) bool { return string(r.InitiatedBy) == `{"a":1}` }},
		{"dynamic as object", `{"a": 1}`, func(r data.Record) bool { return string(r.InitiatedBy) == `{"a": 1}` }},
		{"dynamic as array text", `"[]"`, func(r data.Record) bool { return string(r.InitiatedBy) == `[]` }},
		{"dynamic as plain string", `"alice"`, func(r data.Record) bool { return string(r.InitiatedBy) == `"alice"` }},
		{"dynamic as escaped string", `"al\u0007ice"`, func(r data.Record) bool { return string(r.InitiatedBy) == `"al\u0007ice"` }},
		{"dynamic null", `null`, func(r data.Record) bool { return r.InitiatedBy == nil }},
		{"dynamic null text", `"null"`, func(r data.Record) bool { return r.InitiatedBy == nil }},
		{"dynamic empty string", `""`, func(r data.Record) bool { return r.InitiatedBy == nil }},
		{"dynamic absent", ``, func(r data.Record) bool { return r.InitiatedBy == nil }},
		{"dynamic number", `5`, func(r data.Record) bool { return string(r.InitiatedBy) == `5` }},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			obj := map[string]json.RawMessage{"TimeGenerated": json.RawMessage(`"2024-01-01T00:00:00Z"`)}
			if c.value != "" {
				obj["InitiatedBy"] = json.RawMessage(c.value)
			}
			rec, err := RecordFromLA(obj)
			if err != nil || !c.check(rec) {
				t.Errorf("%s -> %s (%v)", c.value, rec.InitiatedBy, err)
			}
		})
	}

	scalars := []struct {
		level, duration string
		wantLevel       string
		wantDuration    *int64
	}{
		{`4`, `12`, "4", ptr64(12)},
		{`"4"`, `"12"`, "4", ptr64(12)},
		{`"Informational"`, `12.0`, "Informational", ptr64(12)},
		{`true`, `1e3`, "true", ptr64(1000)},
		{`null`, `"abc"`, "", nil},
		{`""`, `12.5`, "", nil},
		{`"x"`, `99999999999999999999`, "x", nil},
		{`"x"`, `null`, "x", nil},
	}
	for _, c := range scalars {
		obj := map[string]json.RawMessage{
			"TimeGenerated": json.RawMessage(`"2024-01-01T00:00:00Z"`),
			"Level":         json.RawMessage(c.level),
			"DurationMs":    json.RawMessage(c.duration),
		}
		rec, err := RecordFromLA(obj)
		if err != nil || rec.Level != c.wantLevel || !equalPtr64(rec.DurationMs, c.wantDuration) {
			t.Errorf("Level %s DurationMs %s -> %q %v (%v)", c.level, c.duration, rec.Level, rec.DurationMs, err)
		}
	}

	times := []struct{ value, wantErr string }{
		{``, "no TimeGenerated"},
		{`null`, "no TimeGenerated"},
		{`""`, "no TimeGenerated"},
		{`"xyz"`, `TimeGenerated "xyz" is not a timestamp`},
		{`123`, `TimeGenerated "123" is not a timestamp`},
		{`"2024-01-01T00:00:00\u202e"`, `TimeGenerated "2024-01-01T00:00:00\u202e" is not a timestamp`},
	}
	for _, c := range times {
		obj := map[string]json.RawMessage{}
		if c.value != "" {
			obj["TimeGenerated"] = json.RawMessage(c.value)
		}
		_, err := RecordFromLA(obj)
		if err == nil || err.Error() != c.wantErr {
			t.Errorf("TimeGenerated %s: got %v, want %q", c.value, err, c.wantErr)
		}
	}
}

func ptr64(n int64) *int64 { return &n }

func equalPtr64(a, b *int64) bool {
	if a == nil || b == nil {
		return a == b
	}
	return *a == *b
}

func compactJSON(t testing.TB, b []byte) string {
	t.Helper()
	var buf bytes.Buffer
	if err := json.Compact(&buf, b); err != nil {
		t.Fatalf("%v: %s", err, b)
	}
	return buf.String()
}
