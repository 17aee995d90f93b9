package hunt

import (
	"context"
	"time"
)

// RemoteTable is a Kusto result table as the Log Analytics query API sends
// it: column names and types, and rows of JSON-decoded cells (datetimes as
// strings, dynamic as a string or an object, long as a float64 or a string).
type RemoteTable struct {
	Columns []string
	Types   []string // Kusto column types ("datetime", "string", "dynamic", "long", ...)
	Rows    [][]any
	Raw     []byte // the response body exactly as received, for the record
}

// Kusto runs a query where the data is. envelope is a whole-second
// interval sent as the API's timespan (which the service intersects with
// the query's own filters); the exact bounds are in the query text.
type Kusto interface {
	Query(ctx context.Context, query string, envelope [2]time.Time) (RemoteTable, error)
}
