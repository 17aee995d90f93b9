package store

import (
	"context"
	"database/sql/driver"
	"fmt"
	"strings"

	"github.com/duckdb/duckdb-go/v2"
)

// MaxQueryRows caps what ReadOnlyQuery returns, so a careless SELECT * over a
// million events cannot exhaust memory; the cap is reported, not silent.
const MaxQueryRows = 100_000

// QueryResult is an ad-hoc query's answer.
type QueryResult struct {
	Columns   []string
	Rows      [][]any
	Truncated bool // more rows existed than MaxQueryRows
}

// ReadOnlyQuery runs one SELECT statement for a power user. Anything else
// (writes, DDL, PRAGMA, ATTACH, COPY, several statements) is refused before
// it runs, and the statement runs inside a transaction that is rolled back.
func (s *Store) ReadOnlyQuery(ctx context.Context, query string) (QueryResult, error) {
	var res QueryResult
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return res, err
	}
	defer conn.Close()
	if err := conn.Raw(func(dc any) error { return checkSelect(ctx, dc, query) }); err != nil {
		return res, err
	}
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return res, err
	}
	defer tx.Rollback()
	rows, err := tx.QueryContext(ctx, query)
	if err != nil {
		return res, err
	}
	defer rows.Close()
	if res.Columns, err = rows.Columns(); err != nil {
		return res, err
	}
	for rows.Next() {
		if len(res.Rows) == MaxQueryRows {
			res.Truncated = true
			break
		}
		vals := make([]any, len(res.Columns))
		ptrs := make([]any, len(vals))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return res, err
		}
		res.Rows = append(res.Rows, vals)
	}
	return res, rows.Err()
}

func checkSelect(ctx context.Context, dc any, query string) error {
	conn, ok := dc.(driver.ConnPrepareContext)
	if !ok {
		return fmt.Errorf("cannot inspect statements on this connection")
	}
	st, err := conn.PrepareContext(ctx, query)
	if err != nil {
		if strings.Contains(err.Error(), "multiple statements") {
			return fmt.Errorf("one statement at a time, please")
		}
		return err
	}
	defer st.Close()
	ds, ok := st.(*duckdb.Stmt)
	if !ok {
		return fmt.Errorf("cannot inspect statement type")
	}
	kind, err := ds.StatementType()
	if err != nil {
		return err
	}
	if kind != duckdb.STATEMENT_TYPE_SELECT {
		return fmt.Errorf("only SELECT statements are allowed (this is a read-only view of the evidence)")
	}
	return nil
}
