package store

import (
	"database/sql"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/guesthunt/guesthunt/data"
	"github.com/guesthunt/guesthunt/data/formats"
)

// parquetTestRecords are the records of package formats' writer tests that
// TestWriteFileParquet checks: an invite with every dynamic column, a bare
// record, and one whose TargetResources is not JSON.
func parquetTestRecords() []data.Record {
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
		TargetResources: json.RawMessage(`[{"id":"g1","displayName":"Eve","type":"User"}]`),
		AADTenantId:     "22222222-2222-2222-2222-222222222222", ActivityDisplayName: "Invite external user",
		ActivityDateTime: t0, AADOperationType: "Add", Type: "AuditLogs",
	}
	bare := data.Record{
		TimeGenerated: t0.Add(time.Hour), OperationName: "Update user", Category: "UserManagement",
		Id: "Directory_bare", Result: "failure", Level: "Informational",
	}
	broken := data.Record{
		TimeGenerated: t0.Add(3 * time.Hour), OperationName: "Add user", Id: "Directory_broken",
		TargetResources: json.RawMessage(`not json at all`), InitiatedBy: json.RawMessage(`null`),
	}
	return []data.Record{invite, bare, broken}
}

func TestWriteFileParquet(t *testing.T) {
	recs := parquetTestRecords()
	// A quote in the path exercises the COPY literal's escaping.
	path := filepath.Join(t.TempDir(), "it's; DROP TABLE t; --.parquet")
	if err := WriteFile(path, formats.FormatParquet, recs); err != nil {
		t.Fatal(err)
	}
	db, err := sql.Open("duckdb", "")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var n int
	if err := db.QueryRow(`SELECT count(*) FROM read_parquet(?)`, path).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != len(recs) {
		t.Errorf("count = %d, want %d", n, len(recs))
	}
	var (
		epochNanos  int64
		initiatedBy sql.NullString
		duration    sql.NullInt64
		broken      string
	)
	err = db.QueryRow(`SELECT epoch_ns(TimeGenerated), InitiatedBy::VARCHAR, DurationMs
		FROM read_parquet(?) WHERE Id = ?`, path, recs[0].Id).Scan(&epochNanos, &initiatedBy, &duration)
	if err != nil {
		t.Fatal(err)
	}
	if epochNanos != recs[0].TimeGenerated.UnixNano() || !duration.Valid || duration.Int64 != 0 {
		t.Errorf("time %d, want %d; duration %v", epochNanos, recs[0].TimeGenerated.UnixNano(), duration)
	}
	if !json.Valid([]byte(initiatedBy.String)) || !strings.Contains(initiatedBy.String, "alice@example.com") {
		t.Errorf("InitiatedBy %q", initiatedBy.String)
	}
	if err := db.QueryRow(`SELECT TargetResources::VARCHAR FROM read_parquet(?) WHERE Id = 'Directory_broken'`, path).Scan(&broken); err != nil {
		t.Fatal(err)
	}
	if broken != `"not json at all"` {
		t.Errorf("invalid dynamic stored as %q", broken)
	}
	var columns int
	if err := db.QueryRow(`SELECT count(*) FROM (DESCRIBE SELECT * FROM read_parquet(?))`, path).Scan(&columns); err != nil {
		t.Fatal(err)
	}
	if columns != 30 {
		t.Errorf("%d columns", columns)
	}
	if err := WriteFile(filepath.Join(t.TempDir(), "a\x00b"), formats.FormatParquet, recs); err == nil {
		t.Error("path with NUL accepted")
	}
}
