package store

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/guesthunt/guesthunt/data"
)

// canonicalSelect converts text columns (as DuckDB's JSON and CSV readers
// give them) to the canonical types, the same way for every path:
// strings are never NULL (Kusto's ""), times keep 100 ns ticks, and dynamic
// text that is not valid JSON is kept as a JSON string, as parse_json would.
// from is a FROM clause whose relation has one VARCHAR column per canonical
// column name (missing ones as NULL).
//
// The source id is a literal, not a parameter: with a bound parameter the
// insert measured slower here (a whole 1M-event hunt went from 12.1 s to
// 10.7 s when it was removed), and a literal integer cannot inject anything.
func canonicalSelect(from string, sourceID int64) string {
	return "SELECT " + strings.Join(canonicalExprs(), ", ") + ", " + strconv.FormatInt(sourceID, 10) + " FROM " + from
}

// canonicalExprs are the conversions of canonicalSelect, one per column.
func canonicalExprs() []string {
	exprs := make([]string, len(data.AuditLogsColumns))
	for i, c := range data.AuditLogsColumns {
		col := "r." + quoteIdent(c.Name)
		switch c.Type {
		case data.TypeString:
			exprs[i] = fmt.Sprintf("coalesce(%s, '')", col)
		case data.TypeTime:
			exprs[i] = fmt.Sprintf("make_timestamp_ns(epoch_ns(try_cast(%s AS TIMESTAMP_NS)) // 100 * 100)", col)
		case data.TypeLong:
			exprs[i] = fmt.Sprintf("try_cast(%s AS BIGINT)", col)
		case data.TypeDynamic:
			// As the Go readers do: "" and "null" are absent. The text is
			// kept; dynamicAsJSON types it when it is read.
			exprs[i] = fmt.Sprintf("nullif(nullif(%s, ''), 'null')", col)
		}
	}
	return exprs
}

// dynamicAsJSON types stored dynamic text as JSON the way parse_json would:
// valid JSON as itself, anything else as a JSON string.
func dynamicAsJSON(col string) string {
	return fmt.Sprintf("coalesce(try_cast(%[1]s AS JSON), to_json(%[1]s))", col)
}

// jsonColumnsArg is read_json's columns= argument: every canonical column as
// text, so that numbers, strings and nested objects all arrive as VARCHAR.
func jsonColumnsArg() string {
	parts := make([]string, len(data.AuditLogsColumns))
	for i, c := range data.AuditLogsColumns {
		parts[i] = fmt.Sprintf("%s: 'VARCHAR'", sqlString(c.Name))
	}
	return "{" + strings.Join(parts, ", ") + "}"
}

// sqlString quotes s as a SQL string literal. Only for names we control and
// for file paths in table-function arguments that cannot be parameters.
func sqlString(s string) string {
	return "'" + strings.ReplaceAll(s, "'", "''") + "'"
}

// insertEventsSQL inserts the rows of from as the file sourceID's events.
func insertEventsSQL(from string) func(sourceID int64) string {
	return func(sourceID int64) string {
		return "INSERT INTO _Events (" + QuotedColumnList() + ", _SourceId) " + canonicalSelect(from, sourceID)
	}
}
