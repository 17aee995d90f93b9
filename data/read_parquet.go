package data

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"strings"
)

// parquetReader streams a Parquet file's rows through DuckDB (Go has no
// Parquet reader here) as JSON objects keyed by column name, which then map
// onto Record exactly like Log Analytics JSON rows. to_json writes nested
// columns (STRUCT, LIST, MAP) as JSON values; typed time columns are first
// spelled in UTC as the native path spells them (parquetTimeText), so both
// paths read the same text. A value that is no time stays what it is (a
// number, an object) and its row is rejected with it as the reason.
type parquetReader struct {
	rows    *sql.Rows
	ordinal int64
}

func newParquetReader(ctx context.Context, db *sql.DB, path string) (RecordReader, io.Closer, error) {
	cols, err := parquetColumns(ctx, db, path)
	if err != nil {
		return nil, nil, fmt.Errorf("read parquet: %w", err)
	}
	var replace []string
	for _, c := range cols {
		for _, canon := range AuditLogsColumns {
			if canon.Type == TypeTime && strings.EqualFold(c.name, canon.Name) {
				if t := parquetTimeText(c); t != "" {
					replace = append(replace, t+" AS "+quoteIdent(c.name))
				}
			}
		}
	}
	star := "*"
	if len(replace) > 0 {
		star = "* REPLACE (" + strings.Join(replace, ", ") + ")"
	}
	rows, err := db.QueryContext(ctx, fmt.Sprintf(
		`SELECT to_json(t)::VARCHAR FROM (SELECT %s FROM read_parquet(%s, file_row_number = true)) t ORDER BY file_row_number`,
		star, sqlString(path)))
	if err != nil {
		return nil, nil, fmt.Errorf("read parquet: %w", err)
	}
	return &parquetReader{rows: rows}, rows, nil
}

func (p *parquetReader) Next() (RawRecord, Record, error) {
	if !p.rows.Next() {
		if err := p.rows.Err(); err != nil {
			return RawRecord{}, Record{}, fmt.Errorf("read parquet: %w", err)
		}
		return RawRecord{}, Record{}, io.EOF
	}
	var text string
	if err := p.rows.Scan(&text); err != nil {
		return RawRecord{}, Record{}, fmt.Errorf("read parquet: %w", err)
	}
	p.ordinal++
	raw := RawRecord{Ordinal: p.ordinal, Raw: []byte(text)}
	var obj map[string]json.RawMessage
	if err := json.Unmarshal([]byte(text), &obj); err != nil {
		return raw, Record{}, &RecordError{Ordinal: p.ordinal, Reason: "row is not an object: " + err.Error()}
	}
	rec, err := recordFromLA(obj)
	if err != nil {
		return raw, Record{}, &RecordError{Ordinal: p.ordinal, Reason: err.Error()}
	}
	return raw, rec, nil
}
