package data

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	_ "github.com/duckdb/duckdb-go/v2" // registers the "duckdb" database/sql driver
)

// parquetBatchRows is how many records one INSERT carries. A few rows per
// statement beat one; larger statements got slower again (binding cost), so
// this stays small. Throughput is roughly 1.5-2k records/s on this machine.
const parquetBatchRows = 16

// writeParquetFile writes recs as Parquet with the canonical columns and
// types, by way of an in-memory DuckDB table.
func writeParquetFile(path string, recs []Record) error {
	if strings.ContainsRune(path, 0) {
		return errors.New("parquet path contains a NUL byte")
	}
	if path == "" {
		return errors.New("parquet path is empty")
	}
	db, err := sql.Open("duckdb", "")
	if err != nil {
		return err
	}
	defer db.Close()
	// One connection: an in-memory database must not be split across a pool.
	db.SetMaxOpenConns(1)
	ctx := context.Background()

	if _, err := db.ExecContext(ctx, parquetCreateTable()); err != nil {
		return fmt.Errorf("parquet: create table: %w", err)
	}
	if err := parquetInsert(ctx, db, recs); err != nil {
		return fmt.Errorf("parquet: %w", err)
	}
	// COPY takes no parameter for its target, so the path goes in as a
	// string literal with its quotes doubled (NUL was rejected above).
	copySQL := "COPY t TO " + sqlStringLiteral(path) + " (FORMAT parquet)"
	if _, err := db.ExecContext(ctx, copySQL); err != nil {
		return fmt.Errorf("parquet: write %s: %w", path, err)
	}
	return nil
}

func sqlStringLiteral(s string) string {
	return "'" + strings.ReplaceAll(s, "'", "''") + "'"
}

func parquetCreateTable() string {
	cols := make([]string, len(AuditLogsColumns))
	for i, c := range AuditLogsColumns {
		cols[i] = quoteIdent(c.Name) + " " + c.Type
	}
	return "CREATE TABLE t (" + strings.Join(cols, ", ") + ")"
}

// parquetRowPlaceholders casts each parameter to its column type: times and
// JSON travel as text so that no driver conversion can drop the 100 ns ticks.
func parquetRowPlaceholders() string {
	p := make([]string, len(AuditLogsColumns))
	for i, c := range AuditLogsColumns {
		switch c.Type {
		case TypeTime, TypeDynamic, TypeLong:
			p[i] = "CAST(? AS " + c.Type + ")"
		default:
			p[i] = "?"
		}
	}
	return "(" + strings.Join(p, ", ") + ")"
}

func parquetInsert(ctx context.Context, db *sql.DB, recs []Record) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	row := parquetRowPlaceholders()
	var stmt *sql.Stmt
	stmtRows := 0
	for start := 0; start < len(recs); start += parquetBatchRows {
		batch := recs[start:min(start+parquetBatchRows, len(recs))]
		if stmtRows != len(batch) {
			if stmt != nil {
				stmt.Close()
			}
			query := "INSERT INTO t VALUES " + strings.TrimSuffix(strings.Repeat(row+", ", len(batch)), ", ")
			if stmt, err = tx.PrepareContext(ctx, query); err != nil {
				return err
			}
			stmtRows = len(batch)
		}
		args := make([]any, 0, len(batch)*len(AuditLogsColumns))
		for i := range batch {
			args = append(args, parquetArgs(&batch[i])...)
		}
		if _, err := stmt.ExecContext(ctx, args...); err != nil {
			stmt.Close()
			return fmt.Errorf("insert record %d..%d: %w", start+1, start+len(batch), err)
		}
	}
	if stmt != nil {
		stmt.Close()
	}
	return tx.Commit()
}

// parquetArgs are r's cells as driver values; absent times, durations and
// dynamic values are NULL, strings stay strings ("" included).
func parquetArgs(r *Record) []any {
	cells := canonicalCells(r)
	args := make([]any, len(cells))
	for i, cell := range cells {
		switch v := cell.(type) {
		case string:
			args[i] = v
		case time.Time:
			if !v.IsZero() {
				args[i] = ToTick(v).Format("2006-01-02 15:04:05.0000000")
			}
		case *int64:
			if v != nil {
				args[i] = *v
			}
		case json.RawMessage:
			if text, ok := dynamicText(v); ok {
				args[i] = parquetJSONText(text)
			}
		}
	}
	return args
}

// parquetJSONText keeps valid JSON as is; other text would make the JSON
// cast fail and lose the whole file, so it is stored as a JSON string.
func parquetJSONText(text string) string {
	if json.Valid([]byte(text)) {
		return text
	}
	quoted, _ := json.Marshal(text)
	return string(quoted)
}
