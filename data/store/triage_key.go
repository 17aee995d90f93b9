package store

import (
	"github.com/guesthunt/guesthunt/data"
)

// EventSubjectKey is the key a verdict on one invite event is stored under.
// It is the event's Id when the export has one (Log Analytics, Graph and
// diagnostic-settings exports do): Entra's own identity for the event,
// unchanged by reloads, other files or new parameters.
//
// Entra portal CSV downloads carry no Id, so for them the key is made from
// the event's content instead:
//
//	CorrelationId|TimeGenerated|OperationName
//
// with TimeGenerated in UTC, RFC 3339 with exactly seven fractional digits
// (e.g. 2026-10-30T09:15:02.1234567Z; "" if absent). The same event exported
// twice gets the same key, and Entra Ids (Service_CorrelationId_...) hold no "|", so the two
// forms do not collide. Two events that share all three fields share a
// verdict; Entra gives every operation of a request the same correlation id
// but a different operation name, so that should not happen in practice.
func EventSubjectKey(r data.Record) string {
	if r.Id != "" {
		return r.Id
	}
	return r.CorrelationId + "|" + data.FormatTime(r.TimeGenerated) + "|" + r.OperationName
}

// EventSubjectKeySQL is EventSubjectKey as a DuckDB expression over an
// AuditLogs row, so a query can join verdicts (_Triage.Key) to events without
// fetching records. alias qualifies the columns ("" for none); it is a name
// chosen in code, quoted here.
func EventSubjectKeySQL(alias string) string {
	col := func(name string) string {
		if alias == "" {
			return quoteIdent(name)
		}
		return quoteIdent(alias) + "." + quoteIdent(name)
	}
	tg := col("TimeGenerated")
	// Seven fractional digits: the nanoseconds within the second, in ticks.
	// The double modulo keeps instants before 1970 positive.
	ticks := `lpad(CAST(((epoch_ns(` + tg + `) % 1000000000 + 1000000000) % 1000000000) // 100 AS VARCHAR), 7, '0')`
	tgText := `coalesce(strftime(` + tg + `, '%Y-%m-%dT%H:%M:%S.') || ` + ticks + ` || 'Z', '')`
	return `CASE WHEN coalesce(` + col("Id") + `, '') <> '' THEN ` + col("Id") +
		` ELSE coalesce(` + col("CorrelationId") + `, '') || '|' || ` + tgText + ` || '|' || coalesce(` + col("OperationName") + `, '') END`
}
