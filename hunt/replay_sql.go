package hunt

import "fmt"

// replaySQL is ruleSQL at every scheduled run at once. The runs are
// $1 - k*$2 for k in [$3, $4] (epoch ns). Each invite is paired with the
// runs whose window (t-$5, t] holds it, found by arithmetic (the k with
// x <= t < x+$5) rather than a range join, which DuckDB ran 3-4x slower
// at a million events. An invite is then an alert row of run t exactly
// when Run at t would return it: its inviter key's first invite in that
// window has no previous invite at or after t-$6 (see ruleSQL). $7 and $8
// bound the cache scan to the runs' windows; $1 - _h_ns >= 0 there, so
// integer division is floor division. The columns are the run instant, then
// alertSelectSQL and the latest earlier invite, as scanAlert reads them.
func replaySQL(table string, foldCase bool) string {
	return fmt.Sprintf(`WITH inv AS (
	SELECT _h_ns, _h_target_upn, _h_target_id, _h_upn, _h_aad_id, _h_ip, _SourceId, _SourceRecord,
		%[2]s AS _r_k, %[3]s AS _r_prev,
		($1 - _h_ns) // $2 AS k_hi,
		CASE WHEN $1 - _h_ns - $5 < 0 THEN $3 ELSE ($1 - _h_ns - $5) // $2 + 1 END AS k_lo
	FROM %[1]s
	WHERE _h_ok AND _h_upn <> '' AND _h_ns > $7 AND _h_ns <= $8
), win AS (
	SELECT $1 - k * $2 AS _r_t, inv.* EXCLUDE (k_hi, k_lo)
	FROM inv, unnest(range(greatest(k_lo, $3), least(k_hi, $4) + 1)) u(k)
), firsts AS (
	SELECT _r_t AS t, _r_k AS k, _r_prev AS last_ns FROM win
	WHERE _r_prev IS NULL OR _r_prev <= _r_t - $5
)
SELECT d._r_t, %[4]s, f.last_ns
FROM win d JOIN firsts f ON f.t = d._r_t AND f.k = d._r_k
WHERE f.last_ns IS NULL OR f.last_ns < d._r_t - $6
ORDER BY d._r_t, d._h_ns, d._SourceId, d._SourceRecord`,
		table, matchKey(foldCase), previousKey(foldCase), alertSelectSQL)
}

// inviteDaysSQL counts the successful invite events (of the rule's
// operation, any inviter) per UTC day, from the invite cache.
func inviteDaysSQL(table string) string {
	return `SELECT CAST(make_timestamp_ns(_h_ns) AS DATE) AS day, count(*) FROM ` + table + `
	WHERE _h_ok GROUP BY day ORDER BY day`
}
