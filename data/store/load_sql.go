package store

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/guesthunt/guesthunt/data"
	"github.com/guesthunt/guesthunt/data/formats"
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
			exprs[i] = timeSQL(col)
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

// timestampPattern is formats.ParseTimestamp's grammar (data/formats/timeparse.go) as an RE2
// pattern, field ranges included, with the pieces captured for timeSQL:
// year, month, day, hour, minute, second, fraction, offset hours (with its
// sign) and offset minutes. Day-of-month checks and the upper end of the
// range (MaxTime) are left to DuckDB's cast, which refuses the same ones
// ParseTimestamp does; timeSQL checks the lower end (MinTime).
const timestampPattern = `([0-9]{4})-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])` +
	`(?:[Tt ]([01][0-9]|2[0-3]):([0-5][0-9])(?::([0-5][0-9]|60)(?:[.,]([0-9]{1,9}))?)?)?` +
	`(?:[Zz]|([+-](?:[01][0-9]|2[0-3]))(?::?([0-5][0-9]))?)?`

// plainYearPattern: years from 1678 on, so that the plain path never meets
// MinTime and needs no check of it (the cast refuses years past 2262 itself).
const plainYearPattern = `(167[89]|16[89][0-9]|1[7-9][0-9]{2}|2[0-9]{3})`

// plainTimestampPattern is the subset of that grammar which DuckDB's own
// cast reads exactly as ParseTimestamp does: what exports almost always
// write, so the common case costs one match and one cast.
const plainTimestampPattern = plainYearPattern + `-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])` +
	`[T ]([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\.[0-9]{1,7})?Z?`

// timeSQL converts the text column col to TIMESTAMP_NS exactly as
// ParseTimestamp would: NULL unless the text matches ParseTimestamp's grammar
// (so DuckDB's more liberal cast never decides what Go would refuse, and a
// file with such a record falls back to the Go reader, which names it), and
// for text that matches, the same instant on the same 100 ns tick. Spellings
// DuckDB's cast reads differently or not at all are rewritten first:
// lower-case t and z, a decimal comma, missing seconds, 8 or 9 fractional
// digits (cut to 7: lexical truncation is ParseTimestamp's, even before 1970),
// a leap second :60 (the last tick of second 59, fraction ignored) and an
// offset of hours only or without a colon. Both time columns use it.
func timeSQL(col string) string {
	g := "g"
	part := func(name string) string { return g + "." + name }
	orDefault := func(name, def string) string {
		return fmt.Sprintf("coalesce(nullif(%s, ''), '%s')", part(name), def)
	}
	rewritten := part("y") + " || '-' || " + part("mo") + " || '-' || " + part("d") + " || ' ' || " +
		orDefault("h", "00") + " || ':' || " + orDefault("mi", "00") + " || ':' || " +
		fmt.Sprintf("CASE WHEN %[1]s = '60' THEN '59.9999999' ELSE %[2]s || '.' || rpad(left(%[3]s, 7), 7, '0') END",
			part("s"), orDefault("s", "00"), part("f")) +
		fmt.Sprintf(" || CASE WHEN %[1]s = '' THEN '' ELSE %[1]s || ':' || %[2]s END", part("oh"), orDefault("om", "00"))
	// The list comprehension binds the extracted pieces to g once per row,
	// and list_filter keeps the result only from MinTime on (the plain
	// pattern's years start later). This runs only for the rare rows the plain
	// pattern does not match.
	return fmt.Sprintf("CASE WHEN regexp_full_match(%[1]s, %[2]s) THEN try_cast(%[1]s AS TIMESTAMP_NS) "+
		"WHEN regexp_full_match(%[1]s, %[3]s) THEN list_filter([try_cast(%[4]s AS TIMESTAMP_NS) FOR %[5]s IN "+
		"[regexp_extract(%[1]s, %[3]s, ['y', 'mo', 'd', 'h', 'mi', 's', 'f', 'oh', 'om'])]], lambda t: t >= %[6]s)[1] END",
		col, sqlString(plainTimestampPattern), sqlString(timestampPattern), rewritten, g,
		"TIMESTAMP_NS '"+formats.MinTime.Format("2006-01-02 15:04:05")+"'")
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
