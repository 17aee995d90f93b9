package formats

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/guesthunt/guesthunt/data"
)

// checkDiagRecords checks the three diagnostic records the fixtures share.
func checkDiagRecords(t *testing.T, recs []data.Record) {
	t.Helper()
	tenant := "00000000-0000-0000-0000-000000000000"
	invite := recs[0]
	if at := mustTime(t, "2024-03-05T10:15:30.1234567Z"); !invite.TimeGenerated.Equal(at) || !invite.ActivityDateTime.Equal(at) {
		t.Errorf("invite times %v %v", invite.TimeGenerated, invite.ActivityDateTime)
	}
	if invite.OperationName != "Invite external user" || invite.ActivityDisplayName != "Invite external user" ||
		invite.OperationVersion != "1.0" || invite.Category != "UserManagement" || invite.Result != "success" ||
		invite.ResultSignature != "None" || invite.DurationMs == nil || *invite.DurationMs != 0 ||
		invite.CorrelationId != "c0ffee00-0000-4000-8000-000000000001" || invite.Identity != "Alice" || invite.Level != "4" ||
		invite.AADTenantId != tenant || invite.TenantId != "" || invite.ResourceId != "/tenants/"+tenant+"/providers/Microsoft.aadiam" ||
		invite.Id != "Invited Users_c0ffee00-0000-4000-8000-000000000001_ABCDE_1001" || invite.LoggedByService != "Invited Users" ||
		invite.AADOperationType != "Add" || invite.Type != "AuditLogs" {
		t.Errorf("invite: %+v", invite)
	}
	if compactJSON(t, invite.InitiatedBy) != wantUserInitiator || compactJSON(t, invite.TargetResources) != wantGuestTarget ||
		compactJSON(t, invite.AdditionalDetails) != wantInviteDetails {
		t.Errorf("invite dynamics:\n%s\n%s\n%s", invite.InitiatedBy, invite.TargetResources, invite.AdditionalDetails)
	}
	// properties as JSON text, lower-case level, a string result, resultType.
	update := recs[1]
	if update.Id != "Directory_d2" || update.Result != "failure" || update.ResultReason != "Some reason" ||
		update.ActivityDisplayName != "Update user" || update.ResultType != "Success" || update.DurationMs == nil ||
		*update.DurationMs != 15 || update.Level != "Informational" || update.Location != "westeurope" ||
		string(update.InitiatedBy) != wantAppInitiator || string(update.TargetResources) != "[]" {
		t.Errorf("update: %+v", update)
	}
	sponsor := recs[2]
	if sponsor.Result != "timeout" || sponsor.ActivityDisplayName != "Add user sponsor" || sponsor.CorrelationId != "" ||
		!bytes.Contains(sponsor.InitiatedBy, []byte("Eve\u202emoc.live\u0085")) || sponsor.Category != "" {
		t.Errorf("sponsor: %+v", sponsor)
	}
}

func acceptedRecords(t *testing.T, results []jsonReadResult) []data.Record {
	t.Helper()
	var recs []data.Record
	for _, r := range results {
		if r.err == nil {
			recs = append(recs, r.rec)
		}
	}
	return recs
}

func TestDiagReader(t *testing.T) {
	results, fatal := drainJSONReader(t, newDiagReader(bytes.NewReader(readJSONFixture(t, "diag_pt1h.json"))), 100)
	if fatal != nil {
		t.Fatal(fatal)
	}
	if len(results) != 4 {
		t.Fatalf("got %d records, want 4", len(results))
	}
	wantAccepted(t, results[0], 1, 1)
	wantAccepted(t, results[1], 2, 2)
	wantRejection(t, results[2], 3, 4, "no time")
	wantAccepted(t, results[3], 4, 5)
	checkDiagRecords(t, acceptedRecords(t, results))
}

func TestDiagRecordsReader(t *testing.T) {
	cases := []struct {
		fixture string
		lines   []int64
	}{
		{"diag_records.json", []int64{3, 58, 73}},
		{"diag_records_lines.json", []int64{1, 1, 2}}, // one envelope a line
	}
	for _, c := range cases {
		t.Run(c.fixture, func(t *testing.T) {
			results, fatal := drainJSONReader(t, newDiagRecordsReader(bytes.NewReader(readJSONFixture(t, c.fixture))), 100)
			if fatal != nil {
				t.Fatal(fatal)
			}
			if len(results) != len(c.lines) {
				t.Fatalf("got %d records, want %d", len(results), len(c.lines))
			}
			for i, r := range results {
				wantAccepted(t, r, int64(i+1), c.lines[i])
			}
			checkDiagRecords(t, acceptedRecords(t, results))
		})
	}
}

func TestDiagResultAndProperties(t *testing.T) {
	cases := []struct {
		properties string
		wantResult string
	}{
		{`{"result":0}`, "success"},
		{`{"result":1}`, "failure"},
		{`{"result":3}`, "unknownFutureValue"},
		{`{"result":7}`, "7"},
		{`{"result":"0"}`, "0"}, // a string is as the log says
		{`{"result":"Success"}`, "Success"},
		{`"{\"result\":1}"`, "failure"},
		{`"not json"`, ""},
		{`[1,2]`, ""},
		{`null`, ""},
	}
	for _, c := range cases {
		obj := map[string]json.RawMessage{
			"time":       json.RawMessage(`"2024-01-01T00:00:00Z"`),
			"properties": json.RawMessage(c.properties),
		}
		rec, err := recordFromDiag(obj)
		if err != nil || rec.Result != c.wantResult {
			t.Errorf("properties %s: Result %q (%v), want %q", c.properties, rec.Result, err, c.wantResult)
		}
	}
	if _, err := recordFromDiag(map[string]json.RawMessage{"time": json.RawMessage(`"yesterday"`)}); err == nil ||
		err.Error() != `time "yesterday" is not a timestamp` {
		t.Errorf("bad time: %v", err)
	}
}

func TestDiagRecordsTruncatedAnywhere(t *testing.T) {
	file := bytes.TrimSpace(readJSONFixture(t, "diag_records.json"))
	for cut := 1; cut < len(file); cut++ {
		results, fatal := drainJSONReader(t, newDiagRecordsReader(bytes.NewReader(file[:cut])), 100)
		if fatal == nil || !errors.Is(fatal, io.ErrUnexpectedEOF) || len(results) > 3 ||
			!strings.Contains(fatal.Error(), "truncated JSON document after record") {
			t.Fatalf("cut at %d: %d records, %v", cut, len(results), fatal)
		}
	}
}

// A category that is not a string is damage, not another kind of record:
// the record is rejected with the reason, and the records around it load.
func TestDiagCategoryNotAString(t *testing.T) {
	rec := func(category string) string {
		return `{"time":"2024-03-05T10:15:30.1234567Z","operationName":"Add user","category":` + category +
			`,"properties":{"id":"x","activityDisplayName":"Add user"}}`
	}
	file := strings.Join([]string{rec(`"AuditLogs"`), rec(`{}`), rec(`7`), rec(`"SignInLogs"`), rec(`null`)}, "\n")
	results, fatal := drainJSONReader(t, newDiagReader(strings.NewReader(file)), 20)
	if fatal != nil {
		t.Fatal(fatal)
	}
	if len(results) != 5 {
		t.Fatalf("%d records, want 5", len(results))
	}
	wantAccepted(t, results[0], 1, 1)
	wantRejection(t, results[1], 2, 2, "category is a JSON object, not a string")
	wantRejection(t, results[2], 3, 3, "category is a number, not a string")
	var skip *SkipError
	if !errors.As(results[3].err, &skip) || skip.Kind != "SignInLogs" {
		t.Errorf("record 4: %v, want skipped as SignInLogs", results[3].err)
	}
	wantAccepted(t, results[4], 5, 5)
}
