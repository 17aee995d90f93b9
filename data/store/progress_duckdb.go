package store

import (
	"context"
	"database/sql"
	"reflect"
	"unsafe"

	"github.com/duckdb/duckdb-go/v2/mapping"
)

// DuckDB measures the progress of a running statement (its progress bar),
// and the C API reads it from another thread (duckdb_query_progress), but
// duckdb-go keeps the C connection handle in an unexported field. queryProgress
// reads that field when it has exactly the expected type and otherwise gives
// up: a driver that changes shape costs the estimate, never correctness, and
// the load still reports its phase, size and elapsed time.

// queryProgress prepares conn so that the statement it runs next can be
// watched, and returns a poll of its fraction done (0..1; ok false while
// DuckDB has no figure) and a reset to call once the statement is over.
// When the handle cannot be reached or the settings are refused (a store
// whose configuration is locked) it returns nil and a no-op reset.
func queryProgress(ctx context.Context, conn *sql.Conn) (poll func() (float64, bool), reset func()) {
	noop := func() {}
	var handle mapping.Connection
	if err := conn.Raw(func(dc any) error {
		handle = connHandle(dc)
		return nil
	}); err != nil || handle.Ptr == nil {
		return nil, noop
	}
	// Measure from the first moment of the statement, printing nothing.
	for _, q := range []string{`SET enable_progress_bar = true`, `SET enable_progress_bar_print = false`,
		`SET progress_bar_time = 0`} {
		if _, err := conn.ExecContext(ctx, q); err != nil {
			return nil, noop
		}
	}
	poll = func() (float64, bool) {
		p := mapping.QueryProgress(handle)
		pct, _, _ := mapping.QueryProgressTypeMembers(&p)
		if pct < 0 {
			return 0, false // no statement running, or none measured yet
		}
		return min(1, pct/100), true
	}
	reset = func() {
		// The connection goes back to the pool: later statements on it need
		// not pay for measuring themselves.
		conn.ExecContext(context.Background(), `SET enable_progress_bar = false`)
	}
	return poll, reset
}

// connHandle is the C connection inside duckdb-go's *Conn, or the zero
// handle when dc does not look exactly as expected.
func connHandle(dc any) mapping.Connection {
	v := reflect.ValueOf(dc)
	if v.Kind() != reflect.Pointer || v.IsNil() || v.Elem().Kind() != reflect.Struct {
		return mapping.Connection{}
	}
	f := v.Elem().FieldByName("conn")
	if !f.IsValid() || f.Type() != reflect.TypeFor[mapping.Connection]() || !f.CanAddr() {
		return mapping.Connection{}
	}
	return *(*mapping.Connection)(unsafe.Pointer(f.UnsafeAddr()))
}
