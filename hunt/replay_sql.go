package hunt

import "fmt"

// replaySQL is ruleSQL at every scheduled run at once. The runs are a
// generated series $1 - i*$2 for i in [$3, $4] (epoch ns); each is joined
// with the invites of its window (t-$5, t], and an invite is an alert row
// of run t exactly when Run at t would return it: its inviter key's first
// invite in that window has no previous invite at or after t-$6 (see
// ruleSQL). $7 and $8 bound the cache scan so that DuckDB skips row groups
// outside every window. The columns are the run instant, then alertSelectSQL
// and the latest earlier invite, as scanAlert reads them.
func replaySQL(table string, foldCase bool) string {
	return fmt.Sprintf(`WITH runs AS (
	SELECT $1 - i * $2 AS t FROM range($3, $4 + 1) r(i)
), win AS MATERIALIZED (
	SELECT r.t AS _r_t, c._h_ns, c._h_target_upn, c._h_target_id, c._h_upn, c._h_aad_id, c._h_ip,
		c._SourceId, c._SourceRecord, c.%[2]s AS _r_k, c.%[3]s AS _r_prev
	FROM runs r JOIN %[1]s c ON c._h_ns > r.t - $5 AND c._h_ns <= r.t
	WHERE c._h_ok AND c._h_upn <> '' AND c._h_ns > $7 AND c._h_ns <= $8
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
