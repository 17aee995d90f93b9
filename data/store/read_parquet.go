package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"

	"github.com/guesthunt/guesthunt/data"
	"github.com/guesthunt/guesthunt/data/formats"
)

// parquetReader streams a Parquet file's rows through DuckDB (Go has no
// Parquet reader here) as JSON objects keyed by column name, which then map
// onto Record exactly like Log Analytics JSON rows.
type parquetReader struct {
	rows    *sql.Rows
	ordinal int64
}

func newParquetReader(ctx context.Context, db *sql.DB, path string) (formats.RecordReader, io.Closer, error) {
	rows, err := db.QueryContext(ctx, fmt.Sprintf(
		`SELECT to_json(t)::VARCHAR FROM read_parquet(%s, file_row_number = true) t ORDER BY file_row_number`, sqlString(path)))
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
