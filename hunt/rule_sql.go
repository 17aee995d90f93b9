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

// matchValueSQL turns a UPN parameter into a value comparable with matchKey.
func matchValueSQL(foldCase bool, param string) string {
	if foldCase {
		return "lower(" + param + ")"
	}
	return param
}

// alertSelectSQL lists the cache columns scanAlert reads, in its order.
const alertSelectSQL = `d._h_ns, d.OperationName, d.Result, d._h_target_upn, d._h_target_id,
	d._h_upn, d._h_aad_id, d._h_ip,
	d.TenantId, d.SourceSystem, d.ResourceId, d.OperationVersion, d.Category, d.ResultType,
	d.ResultSignature, d.ResultDescription, d.DurationMs, d.CorrelationId, d.Resource,
	d.ResourceGroup, d.ResourceProvider, d.Identity, d.Level, d.Location,
	CAST(d.AdditionalDetails AS VARCHAR), d.Id, CAST(d.InitiatedBy AS VARCHAR), d.LoggedByService,
	d.ResultReason, CAST(d.TargetResources AS VARCHAR), d.AADTenantId, d.ActivityDisplayName,
	epoch_ns(d.ActivityDateTime), d.AADOperationType, d.Type, d._SourceId, d._SourceRecord`

// ruleSQL is the rule over the invite cache, written as the Kusto reads:
// the baseline is the set of inviters with a successful invite in
// [$1, $2] (between is inclusive), the detection rows are successful invites
// in ($2, $3] whose inviter is not in that set. Every cached row is already
// an "Invite external user" event. Each row also carries its inviter's
// latest successful invite at or before $2 (at any distance back), which
// the inviter summaries show.
func ruleSQL(table string, foldCase bool) string {
	return fmt.Sprintf(`WITH baseline AS (
	SELECT DISTINCT %[2]s AS k FROM %[1]s
	WHERE _h_ok AND _h_upn <> '' AND _h_ns BETWEEN $1 AND $2
), detected AS (
	SELECT * FROM %[1]s
	WHERE _h_ok AND _h_upn <> '' AND _h_ns > $2 AND _h_ns <= $3
		AND %[2]s NOT IN (SELECT k FROM baseline)
), earlier AS (
	SELECT %[2]s AS k, max(_h_ns) AS last_ns FROM %[1]s
	WHERE _h_ok AND _h_upn <> '' AND _h_ns <= $2
		AND %[2]s IN (SELECT %[2]s FROM detected)
	GROUP BY %[2]s
)
SELECT %[3]s, e.last_ns
FROM detected d LEFT JOIN earlier e ON e.k = d.%[2]s
ORDER BY d._h_ns, d._SourceId, d._SourceRecord`, table, matchKey(foldCase), alertSelectSQL)
}
