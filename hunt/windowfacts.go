package hunt

import (
	"context"
	"fmt"
)

// windowEventsSQL asks whether any audit event, of any operation, lies in
// the window ($1, $2] (epoch ns). EXISTS lets DuckDB stop at the first one.
const windowEventsSQL = `SELECT EXISTS (SELECT 1 FROM AuditLogs
	WHERE TimeGenerated > make_timestamp_ns($1) AND TimeGenerated <= make_timestamp_ns($2))`

// windowInvitesSQL counts the window's successful invites with an inviter
// UPN, the rows the rule looks at, from the time-sorted invite cache.
func windowInvitesSQL(table string) string {
	return `SELECT count(*) FROM ` + table + ` WHERE _h_ok AND _h_upn <> '' AND _h_ns > $1 AND _h_ns <= $2`
}

// windowFactsOf finds what the warnings need about the window. The data's
// span settles "any events?" without a query unless the window lies
// strictly inside it, where only the events can tell a gap.
func (e *Engine) windowFactsOf(ctx context.Context, c *inviteCache, s span) (windowFacts, error) {
	var w windowFacts
	outside, sure := windowOutsideData(c.dataFrom, c.dataTo, s.windowFrom, s.asOf)
	if outside {
		return w, nil
	}
	from, to := s.windowFrom.UnixNano(), s.asOf.UnixNano()
	db := e.store.DB()
	if err := db.QueryRowContext(ctx, windowInvitesSQL(c.table), from, to).Scan(&w.invites); err != nil {
		return w, fmt.Errorf("count the window's invites: %w", err)
	}
	w.events = sure || w.invites > 0
	if !w.events {
		if err := db.QueryRowContext(ctx, windowEventsSQL, from, to).Scan(&w.events); err != nil {
			return w, fmt.Errorf("look for events in the window: %w", err)
		}
	}
	return w, nil
}
