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
	return f == formats.FormatLANDJSON || f == formats.FormatLAJSON || f == formats.FormatParquet ||
		f == formats.FormatGraphNDJSON || f == formats.FormatGraphArray
}

// loadNative loads a file with DuckDB's reader in one statement. It reports
// ok=false (and leaves nothing behind) when DuckDB refuses the file or any
// record lacks a usable TimeGenerated; the caller then streams the file.
func (s *Store) loadNative(ctx context.Context, src sourceRow, fr *FileReport, tr *progressTracker) (ok bool, err error) {
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
		err := tx.QueryRowContext(ctx, `SELECT count(*) FROM _Events e WHERE `+ofSource("e", src.id)+` AND e.TimeGenerated IS NULL`).
			Scan(&missingTime)
		return missingTime == 0, err
	}, tr)
	var refused *insertError
	if errors.As(err, &refused) {
		return false, nil
	}
	if err != nil || !ok {
		return false, err
	}
	tr.setRecords(src.records)
	tr.phase(PhaseSettling)
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
	case formats.FormatGraphNDJSON, formats.FormatGraphArray:
		format := "'newline_delimited'"
		if src.format == formats.FormatGraphArray {
			format = "'array'"
		}
		return graphFrom(fmt.Sprintf("read_json(%s, format=%s, records=true, compression=%s, columns=%s)",
			sqlString(src.path), format, compression, graphColumnsArg())), nil
	case formats.FormatParquet:
		return s.parquetFrom(ctx, src.path)
	}
	return "", nil
}

// graphColumns are the directoryAudit members the native path reads.
func graphColumns() []string {
	seen := map[string]bool{}
	var cols []string
	for _, c := range data.AuditLogsColumns {
		if m, ok := formats.GraphMembers[c.Name]; ok && !seen[m] {
			seen[m] = true
			cols = append(cols, m)
		}
	}
	for _, m := range formats.GraphShapeMembers {
		if !seen[m] {
			seen[m] = true
			cols = append(cols, m)
		}
	}
	return cols
}

// The dynamic members are read as JSON: DuckDB keeps their (minified) text
// without building nested values, which reads faster than VARCHAR.
func graphColumnsArg() string {
	dynamic := map[string]bool{}
	for _, c := range data.AuditLogsColumns {
		if m, ok := formats.GraphMembers[c.Name]; ok && c.Type == data.TypeDynamic {
			dynamic[m] = true
		}
	}
	var parts []string
	for _, m := range graphColumns() {
		typ := "'VARCHAR'"
		if dynamic[m] {
			typ = "'JSON'"
		}
		parts = append(parts, sqlString(m)+": "+typ)
	}
	return "{" + strings.Join(parts, ", ") + "}"
}

// graphFrom maps Graph directoryAudit records onto the canonical text
// columns as recordFromGraph does; Type names what the record is, so that
// sign-ins and provisioning records in a collection are skipped like every
// other format's non-audit records.
func graphFrom(read string) string {
	cols := make([]string, len(data.AuditLogsColumns))
	for i, c := range data.AuditLogsColumns {
		switch m, ok := formats.GraphMembers[c.Name]; {
		case c.Name == "Type":
			cols[i] = formats.GraphKindSQL(func(m string) string { return "g." + quoteIdent(m) }) + " AS \"Type\""
		case ok:
			cols[i] = "g." + quoteIdent(m) + "::VARCHAR AS " + quoteIdent(c.Name)
		default:
			cols[i] = "NULL::VARCHAR AS " + quoteIdent(c.Name)
		}
	}
	return "(SELECT " + strings.Join(cols, ", ") + " FROM " + read + " g) r"
}

// parquetFrom selects the canonical columns a Parquet file has (as text, so
// they take the same conversions as every other format) and NULL for the rest.
// Pipelines type columns in their own ways; parquetText turns each into the
// text a JSON export would hold. Only top-level columns count: a nested field
// called Id or Type is not the column of that name.
func (s *Store) parquetFrom(ctx context.Context, path string) (string, error) {
	cols, err := parquetColumns(ctx, s.db, path)
	if err != nil {
		return "", err
	}
	have := map[string]parquetColumn{}
	for _, c := range cols {
		if _, dup := have[strings.ToLower(c.name)]; !dup {
			have[strings.ToLower(c.name)] = c
		}
	}
	if _, ok := have["timegenerated"]; !ok {
		return "", fmt.Errorf("no TimeGenerated column")
	}
	exprs := make([]string, len(data.AuditLogsColumns))
	for i, c := range data.AuditLogsColumns {
		if pc, ok := have[strings.ToLower(c.Name)]; ok {
			exprs[i] = parquetText(pc, c.Type) + " AS " + quoteIdent(c.Name)
		} else {
			exprs[i] = "NULL::VARCHAR AS " + quoteIdent(c.Name)
		}
	}
	return fmt.Sprintf("(SELECT %s FROM read_parquet(%s)) r", strings.Join(exprs, ", "), sqlString(path)), nil
}

// parquetColumn is one top-level column of a Parquet file, with DuckDB's type.
type parquetColumn struct {
	name, typ string
}

// parquetColumns lists a Parquet file's top-level columns. parquet_schema
// would also list every nested field, under its bare name.
func parquetColumns(ctx context.Context, db *sql.DB, path string) ([]parquetColumn, error) {
	rows, err := db.QueryContext(ctx, fmt.Sprintf("SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM read_parquet(%s))",
		sqlString(path)))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var cols []parquetColumn
	for rows.Next() {
		var c parquetColumn
		if err := rows.Scan(&c.name, &c.typ); err != nil {
			return nil, err
		}
		cols = append(cols, c)
	}
	return cols, rows.Err()
}

// parquetNested says whether a DuckDB type is STRUCT, LIST, MAP, ARRAY or UNION.
func parquetNested(typ string) bool {
	t := strings.ToUpper(typ)
	return strings.HasPrefix(t, "STRUCT") || strings.HasPrefix(t, "MAP") || strings.HasPrefix(t, "UNION") ||
		strings.HasSuffix(t, "]")
}

// parquetTimeText is the text of a typed time column in a spelling
// ParseTimestamp reads, in UTC ("2021-08-02 13:29:25.123456789", a DATE as
// "2021-08-02"), or "" when the column has no time type. A TIMESTAMP WITH
// TIME ZONE is converted to UTC first: its text would follow the session's
// time zone. Years before 1000 or BC do not spell as the grammar wants, and
// are rejected by it.
func parquetTimeText(c parquetColumn) string {
	col := quoteIdent(c.name)
	switch t := strings.ToUpper(c.typ); {
	case t == "TIMESTAMP WITH TIME ZONE":
		return fmt.Sprintf("CAST(timezone('UTC', %s) AS VARCHAR)", col)
	case strings.HasPrefix(t, "TIMESTAMP"), t == "DATE":
		return fmt.Sprintf("CAST(%s AS VARCHAR)", col)
	}
	return ""
}

// parquetText is a column as the text a Log Analytics JSON export would hold
// for it: nested values (STRUCT, LIST, MAP) as JSON with their field names as
// written, MAPs as objects; times in UTC. A time column of another type (a
// number, a struct) gives NULL, so the file goes to the Go reader, which
// rejects those rows one by one with the value it found.
func parquetText(c parquetColumn, want string) string {
	col := quoteIdent(c.name)
	typ := strings.ToUpper(c.typ)
	switch {
	case want == data.TypeTime:
		if typ == "VARCHAR" {
			return col
		}
		if t := parquetTimeText(c); t != "" {
			return t
		}
		return "NULL::VARCHAR"
	case typ == "VARCHAR":
		return col
	case parquetNested(typ) || (want == data.TypeDynamic && typ != "JSON" && typ != "BLOB"):
		return fmt.Sprintf("CAST(to_json(%s) AS VARCHAR)", col)
	}
	return fmt.Sprintf("CAST(%s AS VARCHAR)", col)
}
