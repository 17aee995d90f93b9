package store_test

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/guesthunt/guesthunt/data/store"
	"github.com/guesthunt/guesthunt/hunt"
)

// writeParquet writes the rows of query to a Parquet file with DuckDB's COPY.
func writeParquet(t *testing.T, name, query string) string {
	t.Helper()
	db, err := sql.Open("duckdb", "")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	path := filepath.Join(t.TempDir(), name)
	if _, err := db.Exec(fmt.Sprintf("COPY (%s) TO '%s' (FORMAT parquet)", query, strings.ReplaceAll(path, "'", "''"))); err != nil {
		t.Fatalf("write %s: %v", name, err)
	}
	return path
}

// pipelineRows is a Spark-style AuditLogs extract: dynamic columns as
// STRUCT / LIST, field names as Graph writes them (nested id, type, Type),
// the time column typed by timeType.
func pipelineRows(timeExpr string) string {
	return `SELECT ` + timeExpr + ` AS TimeGenerated, 'Invite external user' AS OperationName, 'success' AS Result, id AS Id,
		{'user': {'id': 'u-' || id, 'displayName': NULL::VARCHAR, 'userPrincipalName': upn, 'ipAddress': '10.0.0.1',
			'roles': []::VARCHAR[]}} AS InitiatedBy,
		[{'id': 'g-' || id, 'displayName': 'Guest', 'type': 'User', 'userPrincipalName': 'guest_' || id || '_x.com#EXT#@contoso.onmicrosoft.com',
			'modifiedProperties': [{'displayName': 'Email', 'oldValue': '[]', 'newValue': '["g@x.com"]'}]}] AS TargetResources,
		[{'key': 'invitedUserEmailAddress', 'value': 'g@x.com'}] AS AdditionalDetails
	FROM (VALUES ('inv1', 'alice@contoso.com', 0), ('inv2', 'bob@contoso.com', 1)) v(id, upn, n)`
}

func loadOne(t *testing.T, path string) (*store.Store, store.FileReport) {
	t.Helper()
	s := open(t, "")
	rep := load(t, s, store.LoadOptions{}, path)
	return s, rep.Files[0]
}

func inviters(t *testing.T, s *store.Store) []string {
	t.Helper()
	res, err := hunt.NewEngine(s).Run(context.Background(), hunt.DefaultParams())
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, r := range res.Rows {
		out = append(out, r.InitiatingUserPrincipalName)
	}
	return out
}

// Nested dynamic columns become the JSON text a JSON export holds, whatever
// type the time column has, and the hunt sees the inviters.
func TestParquetNestedColumnsAndTimeTypes(t *testing.T) {
	const at = "2026-10-31 10:00:00.1234567"
	want := time.Date(2026, 10, 31, 10, 0, 0, 123456700, time.UTC)
	cases := []struct {
		name, expr string
		want       time.Time
	}{
		{"timestamp_ns", fmt.Sprintf("make_timestamp_ns(epoch_ns(TIMESTAMP_NS '%s') + n * 1000000000)", at), want},
		{"timestamp", fmt.Sprintf("TIMESTAMP '%s' + n * INTERVAL 1 second", at), want.Truncate(time.Microsecond)},
		{"timestamp_ms", fmt.Sprintf("CAST(TIMESTAMP '%s' + n * INTERVAL 1 second AS TIMESTAMP_MS)", at), want.Truncate(time.Millisecond)},
		{"timestamptz", fmt.Sprintf("TIMESTAMPTZ '%s+02:00' + n * INTERVAL 1 second", at), want.Add(-2 * time.Hour).Truncate(time.Microsecond)},
		{"varchar", fmt.Sprintf("strftime(TIMESTAMP '%s' + n * INTERVAL 1 second, '%%Y-%%m-%%dT%%H:%%M:%%S.%%fZ')", at), want.Truncate(time.Microsecond)},
		{"date", "DATE '2026-10-31'", time.Date(2026, 10, 31, 0, 0, 0, 0, time.UTC)},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			path := writeParquet(t, c.name+".parquet", pipelineRows(c.expr))
			s, f := loadOne(t, path)
			if f.Via != "duckdb" || f.Loaded != 2 || f.Rejected != 0 || f.Error != "" {
				t.Fatalf("report %+v", f)
			}
			var ns int64
			var initiated, targets, details, id, typ string
			err := s.DB().QueryRow(`SELECT epoch_ns(TimeGenerated), InitiatedBy::VARCHAR, TargetResources::VARCHAR,
				AdditionalDetails::VARCHAR, Id, Type FROM AuditLogs WHERE Id = 'inv1'`).Scan(&ns, &initiated, &targets, &details, &id, &typ)
			if err != nil {
				t.Fatal(err)
			}
			if ns != c.want.UnixNano() {
				t.Errorf("TimeGenerated %v, want %v", time.Unix(0, ns).UTC(), c.want)
			}
			if wantInit := `{"user":{"id":"u-inv1","displayName":null,"userPrincipalName":"alice@contoso.com","ipAddress":"10.0.0.1","roles":[]}}`; initiated != wantInit {
				t.Errorf("InitiatedBy %s\nwant        %s", initiated, wantInit)
			}
			if !strings.HasPrefix(targets, `[{"id":"g-inv1","displayName":"Guest","type":"User",`) ||
				!strings.Contains(targets, `"modifiedProperties":[{"displayName":"Email","oldValue":"[]","newValue":"[\"g@x.com\"]"}]`) {
				t.Errorf("TargetResources %s", targets)
			}
			if details != `[{"key":"invitedUserEmailAddress","value":"g@x.com"}]` {
				t.Errorf("AdditionalDetails %s", details)
			}
			if typ != "" { // nested "type" fields are not the Type column
				t.Errorf("Type %q", typ)
			}
			if got := inviters(t, s); len(got) != 2 || got[0] == got[1] {
				t.Errorf("hunt flagged %v, want alice and bob", got)
			}
		})
	}
}

// The same nested record loads to the same stored text natively, through the
// Go reader (a bad row forces it), and from a JSON export of it.
func TestParquetNestedSameAsJSONExport(t *testing.T) {
	rows := pipelineRows("TIMESTAMP '2026-10-31 10:00:00' + n * INTERVAL 1 second")
	native := writeParquet(t, "native.parquet", `SELECT * REPLACE (CAST(TimeGenerated AS VARCHAR) AS TimeGenerated) FROM (`+rows+`)`)
	fallback := writeParquet(t, "fallback.parquet", `SELECT * REPLACE (CAST(TimeGenerated AS VARCHAR) AS TimeGenerated) FROM (`+rows+`)
		UNION ALL SELECT 'yesterday', 'Add user', 'success', 'bad', NULL, NULL, NULL`)
	var lines []string
	for i, upn := range []string{"alice@contoso.com", "bob@contoso.com"} {
		id := fmt.Sprintf("inv%d", i+1)
		lines = append(lines, fmt.Sprintf(`{"TimeGenerated":"2026-10-31T10:00:0%dZ","OperationName":"Invite external user","Result":"success","Id":%q,`+
			`"InitiatedBy":%q,"TargetResources":%q,"AdditionalDetails":%q}`, i, id,
			fmt.Sprintf(`{"user":{"id":"u-%s","displayName":null,"userPrincipalName":"%s","ipAddress":"10.0.0.1","roles":[]}}`, id, upn),
			fmt.Sprintf(`[{"id":"g-%[1]s","displayName":"Guest","type":"User","userPrincipalName":"guest_%[1]s_x.com#EXT#@contoso.onmicrosoft.com",`+
				`"modifiedProperties":[{"displayName":"Email","oldValue":"[]","newValue":"[\"g@x.com\"]"}]}]`, id),
			`[{"key":"invitedUserEmailAddress","value":"g@x.com"}]`))
	}
	export := filepath.Join(t.TempDir(), "export.ndjson")
	os.WriteFile(export, []byte(strings.Join(lines, "\n")+"\n"), 0o600)

	stored := func(path, via string, rejected int64) string {
		s, f := loadOne(t, path)
		if f.Via != via || f.Loaded != 2 || f.Rejected != rejected {
			t.Fatalf("%s: report %+v", filepath.Base(path), f)
		}
		var out []string
		rows, err := s.DB().Query(`SELECT Id, epoch_ns(TimeGenerated), InitiatedBy::VARCHAR, TargetResources::VARCHAR, AdditionalDetails::VARCHAR FROM AuditLogs ORDER BY Id`)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		for rows.Next() {
			var id, a, b, c string
			var ns int64
			if err := rows.Scan(&id, &ns, &a, &b, &c); err != nil {
				t.Fatal(err)
			}
			out = append(out, fmt.Sprint(id, ns, a, b, c))
		}
		return strings.Join(out, "\n")
	}
	n, g, j := stored(native, "duckdb", 0), stored(fallback, "go", 1), stored(export, "duckdb", 0)
	if n != j {
		t.Errorf("native Parquet:\n%s\nJSON export:\n%s", n, j)
	}
	if g != j {
		t.Errorf("Go reader Parquet:\n%s\nJSON export:\n%s", g, j)
	}
}

// A MAP column is a JSON object; only top-level names are columns (nested
// id/Type fields are not Id/Type).
func TestParquetMapAndNestedNames(t *testing.T) {
	path := writeParquet(t, "map.parquet", `SELECT TIMESTAMP '2026-10-31 10:00:00' AS TimeGenerated, 'Invite external user' AS OperationName,
		'success' AS Result, MAP {'user': MAP {'userPrincipalName': 'carol@contoso.com', 'id': 'u3'}} AS InitiatedBy,
		{'id': 'nested-id', 'Type': 'nested-type'} AS Extra`)
	s, f := loadOne(t, path)
	if f.Via != "duckdb" || f.Loaded != 1 {
		t.Fatalf("report %+v", f)
	}
	var initiated, id, typ string
	if err := s.DB().QueryRow(`SELECT InitiatedBy::VARCHAR, Id, Type FROM AuditLogs`).Scan(&initiated, &id, &typ); err != nil {
		t.Fatal(err)
	}
	if initiated != `{"user":{"userPrincipalName":"carol@contoso.com","id":"u3"}}` || id != "" || typ != "" {
		t.Errorf("InitiatedBy %s Id %q Type %q", initiated, id, typ)
	}
	if got := inviters(t, s); len(got) != 1 || got[0] != "carol@contoso.com" {
		t.Errorf("hunt flagged %v", got)
	}
}

// Values that are no time reject their own rows, with a reason, not the file.
func TestParquetBadTimesRejectRows(t *testing.T) {
	cases := []struct {
		name, expr string
		loaded     int64
		reason     string
	}{
		{"varchar", "CASE n WHEN 0 THEN '2026-10-31T10:00:00Z' ELSE 'yesterday' END", 1, `TimeGenerated "yesterday" is not a timestamp`},
		{"bigint", "CAST(20261031 + n AS BIGINT)", 0, `TimeGenerated "20261032" is not a timestamp`},
		{"out of range", "CASE n WHEN 0 THEN TIMESTAMP '2026-10-31 10:00:00' ELSE TIMESTAMP '1500-01-01 00:00:00' END", 1,
			`TimeGenerated "1500-01-01 00:00:00" is not a timestamp`},
		{"struct", "{'at': '2026-10-31T10:00:00Z'}", 0, `TimeGenerated "{\"at\":\"2026-10-31T10:00:00Z\"}" is not a timestamp`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			path := writeParquet(t, "bad.parquet", pipelineRows(c.expr))
			_, f := loadOne(t, path)
			if f.Error != "" || f.Records != 2 || f.Loaded != c.loaded || f.Rejected != 2-c.loaded {
				t.Fatalf("report %+v", f)
			}
			last := f.Rejections[len(f.Rejections)-1]
			if last.Reason != c.reason {
				t.Errorf("reason %q, want %q", last.Reason, c.reason)
			}
		})
	}
}
