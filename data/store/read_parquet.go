package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/guesthunt/guesthunt/data"
	"github.com/guesthunt/guesthunt/data/formats"
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

func newParquetReader(ctx context.Context, db *sql.DB, path string) (formats.RecordReader, io.Closer, error) {
	cols, err := parquetColumns(ctx, db, path)
	if err != nil {
		return nil, nil, fmt.Errorf("read parquet: %w", err)
	}
	var replace []string
	for _, c := range cols {
		for _, canon := range data.AuditLogsColumns {
			if canon.Type == data.TypeTime && strings.EqualFold(c.name, canon.Name) {
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

func (p *parquetReader) Next() (formats.RawRecord, data.Record, error) {
	if !p.rows.Next() {
		if err := p.rows.Err(); err != nil {
			return formats.RawRecord{}, data.Record{}, fmt.Errorf("read parquet: %w", err)
		}
		return formats.RawRecord{}, data.Record{}, io.EOF
	}
	var text string
	if err := p.rows.Scan(&text); err != nil {
		return formats.RawRecord{}, data.Record{}, fmt.Errorf("read parquet: %w", err)
	}
	p.ordinal++
	raw := formats.RawRecord{Ordinal: p.ordinal, Raw: []byte(text)}
	var obj map[string]json.RawMessage
	if err := json.Unmarshal([]byte(text), &obj); err != nil {
		return raw, data.Record{}, &formats.RecordError{Ordinal: p.ordinal, Reason: "row is not an object: " + err.Error()}
	}
	rec, err := formats.RecordFromLA(obj)
	if err != nil {
		return raw, data.Record{}, &formats.RecordError{Ordinal: p.ordinal, Reason: err.Error()}
	}
	return raw, rec, nil
}
