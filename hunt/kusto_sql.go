package hunt

import "fmt"

// The SQL fragments below spell Kusto's string and dynamic semantics in
// DuckDB. They take column names chosen by this package, never user text.

// asciiLowerSQL lower-cases ASCII letters only. Kusto's =~ folds ASCII case
// only, while DuckDB's lower() is Unicode-aware (lower('İ') = 'i', the Kelvin
// sign becomes 'k'), so lower() alone would match lookalikes Sentinel does not.
func asciiLowerSQL(col string) string {
	return fmt.Sprintf("translate(%s, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz')", col)
}

// asciiEqualFoldSQL is Kusto's col =~ param for a lower-case ASCII param.
// The plain lower() test comes first because it is cheaper and lets DuckDB
// discard most rows before translate runs.
func asciiEqualFoldSQL(col, param string) string {
	return fmt.Sprintf("(lower(%[1]s) = %[2]s AND %[3]s = %[2]s)", col, param, asciiLowerSQL(col))
}

// kustoToStringSQL is Kusto's tostring() of a JSON value: null or missing
// gives "", a string its text unquoted, a whole-valued real its integer
// digits (Kusto prints real 5.0 as "5"), anything else its JSON text.
func kustoToStringSQL(j string) string {
	return fmt.Sprintf(`CASE
		WHEN %[1]s IS NULL OR json_type(%[1]s) = 'NULL' THEN ''
		WHEN json_type(%[1]s) = 'VARCHAR' THEN json_extract_string(%[1]s, '$')
		WHEN json_type(%[1]s) = 'DOUBLE' AND abs(CAST(%[1]s AS DOUBLE)) < 1e15
			AND CAST(%[1]s AS DOUBLE) = trunc(CAST(%[1]s AS DOUBLE))
			THEN CAST(CAST(CAST(%[1]s AS DOUBLE) AS BIGINT) AS VARCHAR)
		ELSE CAST(%[1]s AS VARCHAR)
	END`, j)
}

// userJSONSQL is InitiatedBy.user: null when InitiatedBy is app-only, a
// JSON string or null. Extract it once per row and pass the column to
// inviterUPNJSONSQL, so that the whole InitiatedBy text is parsed once.
func userJSONSQL(initiatedBy string) string {
	return fmt.Sprintf("json_extract(%s, '$.user')", initiatedBy)
}

// inviterUPNJSONSQL is parse_json(tostring(user)).userPrincipalName as a JSON
// value, given the column holding InitiatedBy.user. When user is an object,
// tostring/parse_json give it back; when it is a string, tostring gives its
// text and parse_json parses that text if it is JSON (else the result is a
// string, whose property is null).
func inviterUPNJSONSQL(user string) string {
	return fmt.Sprintf(`CASE json_type(%[1]s)
		WHEN 'VARCHAR' THEN CASE WHEN json_valid(json_extract_string(%[1]s, '$'))
			THEN json_extract(CAST(json_extract_string(%[1]s, '$') AS JSON), '$.userPrincipalName') END
		ELSE json_extract(%[1]s, '$.userPrincipalName')
	END`, user)
}
