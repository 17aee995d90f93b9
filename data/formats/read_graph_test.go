package formats

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"
)

// checkGraphRecords checks the three directoryAudit records the Graph
// fixtures share (the third only when present).
func checkGraphRecords(t *testing.T, results []jsonReadResult) {
	t.Helper()
	invite := results[0].rec
	if invite.Id != "Invited Users_c0ffee00-0000-4000-8000-000000000001_ABCDE_1001" || invite.Category != "UserManagement" ||
		invite.CorrelationId != "c0ffee00-0000-4000-8000-000000000001" || invite.Result != "success" ||
		invite.OperationName != "Invite external user" || invite.ActivityDisplayName != "Invite external user" ||
		invite.LoggedByService != "Invited Users" || invite.AADOperationType != "Add" || invite.Type != "AuditLogs" ||
		invite.TenantId != "" || invite.AADTenantId != "" {
		t.Errorf("invite: %+v", invite)
	}
	if at := mustTime(t, "2024-03-05T10:15:30.1234567Z"); !invite.TimeGenerated.Equal(at) || !invite.ActivityDateTime.Equal(at) {
		t.Errorf("invite times %v %v", invite.TimeGenerated, invite.ActivityDateTime)
	}
	if compactJSON(t, invite.InitiatedBy) != wantUserInitiator || compactJSON(t, invite.TargetResources) != wantGuestTarget ||
		compactJSON(t, invite.AdditionalDetails) != wantInviteDetails {
		t.Errorf("invite dynamics:\n%s\n%s\n%s", invite.InitiatedBy, invite.TargetResources, invite.AdditionalDetails)
	}
	redeem := results[1].rec
	if redeem.OperationName != "Redeem external user invite" || redeem.ResultReason != "" || redeem.LoggedByService != "B2B Auth" ||
		!bytes.Contains(redeem.TargetResources, []byte("Bob\u202e")) || !bytes.Contains(redeem.TargetResources, []byte(`"Type"`)) {
		t.Errorf("redeem: %+v", redeem)
	}
	if len(results) > 2 {
		upper := results[2].rec // Microsoft's examples capitalise some names
		if upper.Id != "Directory_upper" || upper.OperationName != "Add user" || compactJSON(t, upper.InitiatedBy) != wantAppInitiator ||
			string(upper.TargetResources) != "[]" || upper.TimeGenerated.IsZero() {
			t.Errorf("capitalised record: %+v", upper)
		}
	}
}

func TestGraphPageReader(t *testing.T) {
	page := readJSONFixture(t, "graph_page.json")
	results, fatal := drainJSONReader(t, newGraphPageReader(bytes.NewReader(page)), 100)
	if fatal != nil {
		t.Fatal(fatal)
	}
	if len(results) != 2 {
		t.Fatalf("got %d records, want 2", len(results))
	}
	wantAccepted(t, results[0], 1, 4)
	wantAccepted(t, results[1], 2, 45)
	checkGraphRecords(t, results)
}

func TestGraphSeveralPages(t *testing.T) {
	lines := readJSONFixture(t, "graph_pages.ndjson")
	page := readJSONFixture(t, "graph_page.json")
	cases := []struct {
		name  string
		input []byte
		lines []int64
	}{
		{"one page a line", lines, []int64{1, 2, 2}},
		{"back to back", append(bytes.TrimSpace(page), page...), []int64{4, 45, 80, 121}},
		{"empty value", []byte(`{"@odata.context":"x","value":[]}`), nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			results, fatal := drainJSONReader(t, newGraphPageReader(bytes.NewReader(c.input)), 100)
			if fatal != nil {
				t.Fatal(fatal)
			}
			if len(results) != len(c.lines) {
				t.Fatalf("got %d records, want %d", len(results), len(c.lines))
			}
			for i, r := range results {
				wantAccepted(t, r, int64(i+1), c.lines[i])
			}
			if len(results) == 3 {
				checkGraphRecords(t, results)
			}
		})
	}
}

func TestGraphPageErrors(t *testing.T) {
	rec := `{"activityDateTime":"2024-01-01T00:00:00Z","activityDisplayName":"Add user"}`
	cases := []struct {
		name      string
		input     string
		records   int
		fatalText string
	}{
		{"cut inside value", `{"value":[` + rec + `,` + rec[:20], 1, "truncated JSON document after record 1"},
		{"cut before the brace", `{"value":[` + rec + `]`, 1, "truncated JSON document after record 1"},
		{"value not an array", `{"value":{"a":1}}`, 0, `"value" holds a JSON object, not an array`},
		{"garbage after", `{"value":[` + rec + `]} ]`, 1, "invalid JSON"},
		{"a bare array", `[` + rec + `]`, 0, "expected a JSON object"},
		{"empty", ``, 0, "the file is empty"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			results, fatal := drainJSONReader(t, newGraphPageReader(strings.NewReader(c.input)), 10)
			if len(results) != c.records || fatal == nil || !strings.Contains(fatal.Error(), c.fatalText) {
				t.Errorf("got %d records and %v; want %d and %q", len(results), fatal, c.records, c.fatalText)
			}
		})
	}
}

func TestGraphPageTruncatedAnywhere(t *testing.T) {
	file := bytes.TrimSpace(readJSONFixture(t, "graph_page.json"))
	for cut := 1; cut < len(file); cut++ {
		results, fatal := drainJSONReader(t, newGraphPageReader(bytes.NewReader(file[:cut])), 100)
		if fatal == nil || !errors.Is(fatal, io.ErrUnexpectedEOF) || len(results) > 2 {
			t.Fatalf("cut at %d: %d records, %v", cut, len(results), fatal)
		}
		for _, r := range results {
			if r.err != nil {
				t.Fatalf("cut at %d: %v", cut, r.err)
			}
		}
	}
}

func TestGraphArrayReader(t *testing.T) {
	results, fatal := drainJSONReader(t, newGraphArrayReader(bytes.NewReader(readJSONFixture(t, "graph_array.json"))), 100)
	if fatal != nil {
		t.Fatal(fatal)
	}
	if len(results) != 3 {
		t.Fatalf("got %d records, want 3", len(results))
	}
	for i, line := range []int64{2, 43, 73} {
		wantAccepted(t, results[i], int64(i+1), line)
	}
	checkGraphRecords(t, results)
}

func TestGraphNDJSONReader(t *testing.T) {
	file := readJSONFixture(t, "graph.ndjson")
	results, fatal := drainJSONReader(t, newGraphNDJSONReader(bytes.NewReader(file)), 100)
	if fatal != nil {
		t.Fatal(fatal)
	}
	if len(results) != 4 {
		t.Fatalf("got %d records, want 4", len(results))
	}
	wantAccepted(t, results[0], 1, 1)
	wantAccepted(t, results[1], 2, 3)
	wantRejection(t, results[2], 3, 4, "no activityDateTime")
	wantAccepted(t, results[3], 4, 5)
	checkGraphRecords(t, []jsonReadResult{results[0], results[1], results[3]})
}
