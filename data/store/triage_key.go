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
