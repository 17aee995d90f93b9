package store

import (
	"bufio"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"strings"

	_ "github.com/duckdb/duckdb-go/v2" // registers the "duckdb" database/sql driver
	"github.com/guesthunt/guesthunt/data"
	"github.com/guesthunt/guesthunt/data/formats"
)

// WriteFile writes recs to a new file at path (replacing any file there) in
// format f, Parquet included: the dispatch lives here because only this
// package may use DuckDB, which Parquet needs; other formats go to formats.WriteFile.
func WriteFile(path string, f formats.Format, recs []data.Record) error {
	if f == formats.FormatParquet {
		return writeParquetFile(path, recs)
	}
	return formats.WriteFile(path, f, recs)
}

// writeParquetFile writes recs as Parquet with the canonical columns and
// types. The records go through the same canonical NDJSON and conversions as
// a load (canonical_json.go, load_sql.go), so a written Parquet file reads
// back to exactly what was written, at DuckDB's columnar speed.
func writeParquetFile(path string, recs []data.Record) error {
	if strings.ContainsRune(path, 0) {
		return errors.New("parquet path contains a NUL byte")
	}
	if path == "" {
		return errors.New("parquet path is empty")
	}
	tmp, err := os.CreateTemp("", "guesthunt-parquet-*.ndjson")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	defer tmp.Close()
	w := bufio.NewWriterSize(tmp, 1<<20)
	enc := formats.NewCanonicalEncoder(w)
	for i := range recs {
		if err := enc.Encode(recs[i]); err != nil {
			return err
		}
	}
	if err := w.Flush(); err != nil {
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	db, err := sql.Open("duckdb", "")
	if err != nil {
		return err
	}
	defer db.Close()
	cols := make([]string, len(data.AuditLogsColumns))
	for i, c := range data.AuditLogsColumns {
		cols[i] = quoteIdent(c.Name)
	}
	// An empty file would give read_json nothing to bind columns from.
	from := fmt.Sprintf("read_json(%s, format='newline_delimited', records=true, columns=%s, maximum_object_size=67108864) r",
		sqlString(tmp.Name()), jsonColumnsArg())
	if len(recs) == 0 {
		from = "(SELECT " + strings.Repeat("NULL::VARCHAR, ", len(cols)-1) + "NULL::VARCHAR) r(" + strings.Join(cols, ", ") + ") WHERE false"
	}
	exprs := canonicalExprs()
	for i, c := range data.AuditLogsColumns {
		if c.Type == data.TypeDynamic {
			exprs[i] = dynamicAsJSON("(" + exprs[i] + ")")
		}
		exprs[i] += " AS " + cols[i]
	}
	// COPY takes no parameter for its target, so the path goes in as a string
	// literal with its quotes doubled (NUL was rejected above).
	query := "COPY (SELECT " + strings.Join(exprs, ", ") + " FROM " + from + ") TO " + sqlString(path) + " (FORMAT parquet)"
	if _, err := db.ExecContext(context.Background(), query); err != nil {
		return fmt.Errorf("parquet: write %s: %w", path, err)
	}
	return nil
}
