package data

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
)

// parquetReader streams a Parquet file's rows through DuckDB (Go has no
// Parquet reader here) as JSON objects keyed by column name, which then map
// onto Record exactly like Log Analytics JSON rows.
type parquetReader struct {
	rows    *sql.Rows
	ordinal int64
}

func newParquetReader(ctx context.Context, db *sql.DB, path string) (RecordReader, io.Closer, error) {
	rows, err := db.QueryContext(ctx, fmt.Sprintf(
		`SELECT to_json(t)::VARCHAR FROM read_parquet(%s, file_row_number = true) t ORDER BY file_row_number`, sqlString(path)))
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
