package hunt

import "fmt"

// matchKey is the cache column the baseline comparison uses: the UPN as is
// (Kusto's case-sensitive !in) or lower-cased (!in~, the fold-case option).
func matchKey(foldCase bool) string {
	if foldCase {
		return "_h_upn_lower"
	}
	return "_h_upn"
}

// previousKey is the cache column with each invite's previous invite by
// the same matchKey.
func previousKey(foldCase bool) string {
	if foldCase {
		return "_h_prev_lower"
	}
	return "_h_prev"
}

// firstInWindowSQL lists, per inviter key with a successful invite in the
// window ($1, $2], its latest successful invite at or before $1 (NULL when
// none): the previous invite of its first invite in the window.
func firstInWindowSQL(table string, foldCase bool, from, to string) string {
	return fmt.Sprintf(`SELECT %[2]s AS k, %[3]s AS last_ns FROM %[1]s
	WHERE _h_ok AND _h_upn <> '' AND _h_ns > %[4]s AND _h_ns <= %[5]s
		AND (%[3]s IS NULL OR %[3]s <= %[4]s)`, table, matchKey(foldCase), previousKey(foldCase), from, to)
}

// matchValueSQL turns a UPN parameter into a value comparable with matchKey.
func matchValueSQL(foldCase bool, param string) string {
	if foldCase {
		return "lower(" + param + ")"
	}
	return param
}

// alertSelectSQL lists the cache columns scanAlert reads, in its order;
// the alert rows' other columns are fetched by key afterwards.
const alertSelectSQL = `d._h_ns, d._h_target_upn, d._h_target_id, d._h_upn, d._h_aad_id, d._h_ip,
	d._SourceId, d._SourceRecord`

// ruleSQL is the rule over the invite cache (every cached row is already
// an "Invite external user" event). Kusto's form, "successful invites in
// ($2, $3] whose inviter is not among those with a successful invite in
// [$1, $2]", is evaluated through each inviter's latest successful invite
// at or before $2 (see previousInviteSQL): the inviter is in the baseline
// set exactly when that invite is at or after $1. So a run reads only the
// window's rows, whatever the history; the same time is what the inviter
// summaries show as the latest earlier invite. Tests check this row for row
// against the literal Kusto form.
func ruleSQL(table string, foldCase bool) string {
	return fmt.Sprintf(`SELECT %[3]s, f.last_ns
FROM %[1]s d JOIN (%[4]s) f ON f.k = d.%[2]s
WHERE d._h_ok AND d._h_upn <> '' AND d._h_ns > $2 AND d._h_ns <= $3
	AND (f.last_ns IS NULL OR f.last_ns < $1)
ORDER BY d._h_ns, d._SourceId, d._SourceRecord`,
		table, matchKey(foldCase), alertSelectSQL, firstInWindowSQL(table, foldCase, "$2", "$3"))
}
