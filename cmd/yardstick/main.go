// Command yardstick is the speed reference for guesthunt's benchmark: DuckDB's
// own read_json takes a Log Analytics NDJSON export (all columns) into a
// table, then the rule runs as one SQL statement. guesthunt's whole job (with
// provenance, dedup, the load report and JSON output) is measured against it;
// see docs/PERFORMANCE.md.
package main

import (
	"database/sql"
	"fmt"
	"os"
	"strings"
	"time"

	_ "github.com/duckdb/duckdb-go/v2"
)

const ruleSQL = `
WITH t AS (SELECT max(TimeGenerated)::TIMESTAMP_NS AS as_of FROM AuditLogs),
inv AS (
  SELECT *, coalesce(json_extract_string(InitiatedBy::JSON, '$.user.userPrincipalName'), '') AS upn
  FROM AuditLogs
  WHERE lower(OperationName) = 'invite external user' AND lower(Result) = 'success'),
baseline AS (
  SELECT DISTINCT upn FROM inv, t
  WHERE TimeGenerated::TIMESTAMP_NS BETWEEN (as_of - INTERVAL '14 days') AND (as_of - INTERVAL '1 day') AND upn <> '')
SELECT count(*) FROM inv, t
WHERE TimeGenerated::TIMESTAMP_NS > (as_of - INTERVAL '1 day') AND TimeGenerated::TIMESTAMP_NS <= as_of
  AND upn <> '' AND upn NOT IN (SELECT upn FROM baseline)`

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: yardstick FILE.ndjson")
		os.Exit(2)
	}
	db, err := sql.Open("duckdb", "")
	check(err)
	start := time.Now()
	_, err = db.Exec(`CREATE TABLE AuditLogs AS SELECT * FROM read_json('` + strings.ReplaceAll(os.Args[1], "'", "''") + `')`)
	check(err)
	loaded := time.Since(start)
	var n int64
	ruleStart := time.Now()
	check(db.QueryRow(ruleSQL).Scan(&n))
	fmt.Printf("read_json %v, rule %v (%d alert rows), total %v\n", loaded.Round(time.Millisecond),
		time.Since(ruleStart).Round(time.Millisecond), n, time.Since(start).Round(time.Millisecond))
}

func check(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, "yardstick:", err)
		os.Exit(1)
	}
}
