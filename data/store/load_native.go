package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/guesthunt/guesthunt/data"
	"github.com/guesthunt/guesthunt/data/formats"
)

// nativeFormat: DuckDB's own multi-threaded readers take these formats
// straight into _Events, which is what makes a million-row export quick.
func nativeFormat(f formats.Format) bool {
	return f == formats.FormatLANDJSON || f == formats.FormatLAJSON || f == formats.FormatParquet
}

// loadNative loads a file with DuckDB's reader in one statement. It reports
// ok=false (and leaves nothing behind) when DuckDB refuses the file or any
// record lacks a usable TimeGenerated; the caller then streams the file.
func (s *Store) loadNative(ctx context.Context, src sourceRow, fr *FileReport) (ok bool, err error) {
	if strings.ContainsRune(src.path, 0) {
		return false, nil
	}
	from, err := s.nativeFrom(ctx, src)
	if err != nil || from == "" {
		return false, nil
	}
	src.via = "duckdb"
	ok, err = s.insertEvents(ctx, &src, insertEventsSQL(from), func(tx *sql.Tx) (bool, error) {
		// A record without a usable TimeGenerated must be named and rejected:
		// only the streamed path can say which one and why.
		var missingTime int64
		err := tx.QueryRowContext(ctx, `SELECT count(*) FROM _Events WHERE _SourceId = ? AND TimeGenerated IS NULL`, src.id).
			Scan(&missingTime)
		return missingTime == 0, err
	})
	var refused *insertError
	if errors.As(err, &refused) {
		return false, nil
	}
	if err != nil || !ok {
		return false, err
	}
	if err := s.finishSource(ctx, src, nil, fr); err != nil {
		s.abandonSource(src, err)
		return false, err
	}
	return true, nil
}

// nativeFrom builds the FROM clause reading the file as canonical text
// columns. The path goes in as a quoted literal: table-function arguments
// cannot be bound parameters here.
func (s *Store) nativeFrom(ctx context.Context, src sourceRow) (string, error) {
	compression := "'uncompressed'"
	if src.compressed {
		compression = "'gzip'"
	}
	switch src.format {
	case formats.FormatLANDJSON, formats.FormatLAJSON:
		format := "'newline_delimited'"
		if src.format == formats.FormatLAJSON {
			format = "'array'"
		}
		// DuckDB's default maximum_object_size (16 MB) is kept on purpose: a
		// larger one made this read about 40% slower here, and a bigger record
		// simply sends the file to the streamed path, which has no limit.
		return fmt.Sprintf("read_json(%s, format=%s, records=true, compression=%s, columns=%s) r",
			sqlString(src.path), format, compression, jsonColumnsArg()), nil
	case formats.FormatParquet:
		return s.parquetFrom(ctx, src.path)
	}
	return "", nil
}

// parquetFrom selects the canonical columns a Parquet file has (as text, so
// they take the same conversions as every other format) and NULL for the rest.
func (s *Store) parquetFrom(ctx context.Context, path string) (string, error) {
	rows, err := s.db.QueryContext(ctx, fmt.Sprintf("SELECT name FROM parquet_schema(%s)", sqlString(path)))
	if err != nil {
		return "", err
	}
	defer rows.Close()
	have := map[string]string{}
	for rows.Next() {
		var name sql.NullString
		if err := rows.Scan(&name); err != nil {
			return "", err
		}
		have[strings.ToLower(name.String)] = name.String
	}
	if err := rows.Err(); err != nil {
		return "", err
	}
	cols := make([]string, len(data.AuditLogsColumns))
	found := 0
	for i, c := range data.AuditLogsColumns {
		if actual, ok := have[strings.ToLower(c.Name)]; ok {
			cols[i] = fmt.Sprintf("CAST(%s AS VARCHAR) AS %s", quoteIdent(actual), quoteIdent(c.Name))
			found++
		} else {
			cols[i] = "NULL::VARCHAR AS " + quoteIdent(c.Name)
		}
	}
	if _, ok := have["timegenerated"]; !ok {
		return "", fmt.Errorf("no TimeGenerated column")
	}
	return fmt.Sprintf("(SELECT %s FROM read_parquet(%s)) r", strings.Join(cols, ", "), sqlString(path)), nil
}
