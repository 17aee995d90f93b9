package hunt

// keySep separates the items of trailSQL's list parameters: the ASCII unit
// separator, which no identifier holds.
const keySep = '\x1f'

// trailSQL finds, for every guest, the events at or after its invite that
// could be a trail step and name one of its identifiers. $1, $2 and $3 are
// keySep-separated lists, item by item a guest index, a lower-cased
// identifier of it and its invite time (epoch ns); $4 the earliest invite
// (ns), so the scan skips the history before it.
//
// The operation pattern is a superset of what stepOf classifies (Go decides
// the kind); it keeps the JSON work to the operations a trail can hold.
// Identifiers are every target's id and userPrincipalName; for redemptions
// also the "UPN: ..., Email: ..." text Entra writes into the target's
// displayName (parsed as Sentinel's rules do) and the initiator (the guest
// redeems as itself), and for consents the initiator. Display names are
// never compared as names.
func trailSQL() string {
	return `WITH keys AS (
	SELECT CAST(unnest(string_split($1, chr(31))) AS BIGINT) AS g, unnest(string_split($2, chr(31))) AS k,
		CAST(unnest(string_split($3, chr(31))) AS BIGINT) AS s
), cand AS MATERIALIZED (
	SELECT _SourceId AS sid, _SourceRecord AS rec, epoch_ns(TimeGenerated) AS ns,
		lower(trim(OperationName)) AS op, TargetResources AS tr, InitiatedBy AS ib
	FROM AuditLogs
	WHERE TimeGenerated >= make_timestamp_ns($4)
		AND regexp_matches(OperationName, '(?i)^\s*(redeem external user invite|update user|add .*(group|role)|consent to application|add delegated permission grant|(hard )?delete user)')
), targets AS (
	SELECT sid, rec, ns, op,
		lower(json_extract_string(t.value, '$.id')) AS id,
		lower(json_extract_string(t.value, '$.userPrincipalName')) AS upn,
		CASE WHEN starts_with(op, 'redeem') THEN json_extract_string(t.value, '$.displayName') END AS dn
	FROM cand, json_each(cand.tr) AS t
	WHERE json_type(cand.tr) = 'ARRAY'
), idents AS (
	SELECT sid, rec, ns, unnest([id, upn,
		lower(nullif(regexp_extract(dn, 'UPN:\s*([^,\s]+)', 1), '')),
		lower(nullif(regexp_extract(dn, 'Email:\s*([^,\s]+)', 1), ''))]) AS k
	FROM targets
	UNION ALL
	SELECT sid, rec, ns, unnest([
		lower(` + kustoToStringSQL(inviterUPNJSONSQL(userJSONSQL("ib"))) + `),
		lower(json_extract_string(ib, '$.user.id'))]) AS k
	FROM cand
	WHERE starts_with(op, 'redeem') OR starts_with(op, 'consent')
)
SELECT DISTINCT keys.g, idents.sid, idents.rec
FROM idents JOIN keys ON idents.k = keys.k AND idents.ns >= keys.s
ORDER BY 1, 2, 3`
}

// domainFirstSeenSQL is, for each domain in the JSON array $1, the earliest
// invite (any result) whose guest UPN encodes an address at that domain:
// alice_gmail.com#EXT#@... is at gmail.com (after the last "_" before the "#").
func domainFirstSeenSQL(table string) string {
	return `WITH doms AS (SELECT unnest(from_json($1::JSON, '["VARCHAR"]')) AS dom),
invited AS (
	-- reverse/split_part, not a regular expression: several times cheaper
	-- over every invite, and the text before the first "#" is what Entra
	-- encoded (the guest's address with "@" as "_").
	SELECT lower(reverse(split_part(reverse(split_part(_h_target_upn, '#', 1)), '_', 1))) AS dom, _h_ns
	FROM ` + table + `
	WHERE contains(_h_target_upn, '#')
)
SELECT doms.dom, min(invited._h_ns) FROM doms JOIN invited ON invited.dom = doms.dom GROUP BY doms.dom`
}
