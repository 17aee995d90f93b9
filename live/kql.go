package live

import (
	"fmt"
	"strings"
	"time"

	"github.com/guesthunt/guesthunt/data"
)

// The KQL a Log Analytics pull sends. Pure text, asserted exactly in tests:
// what is sent is what the pull records.

// trailOperations are the operations the guest trail reads besides the
// invite (hunt/trail_sql.go's pattern, hunt/trail_steps.go's stepOf), as
// Entra names them. The pattern's "add .*(group|role)" family has too many
// members to list, so it is sent as the same regular expression.
var trailOperations = []string{
	"Invite external user",
	"Redeem external user invite",
	"Update user",
	"Consent to application",
	"Add delegated permission grant",
	"Delete user",
	"Hard delete user",
}

// trailAddPattern is trail_sql.go's "add .*(group|role)" alternative.
const trailAddPattern = `(?i)^\s*add .*(group|role)`

// ScopePredicate is the where-clause body of a scope; "" for ScopeAll.
func ScopePredicate(s Scope) (string, error) {
	switch s {
	case ScopeInvites, "":
		return `OperationName =~ "Invite external user"`, nil
	case ScopeTrail:
		q := make([]string, len(trailOperations))
		for i, op := range trailOperations {
			q[i] = `"` + op + `"`
		}
		return "OperationName in~ (" + strings.Join(q, ", ") + `) or OperationName matches regex @"` + trailAddPattern + `"`, nil
	case ScopeAll:
		return "", nil
	}
	return "", fmt.Errorf("unknown scope %q: use invites, trail or all", string(s))
}

// KQLTime writes an instant exactly to the 100 ns tick: a whole-second
// datetime literal, plus "Ntick" for the rest. Literals with 7 fractional
// digits are not documented, so they are never used.
func KQLTime(t time.Time) string {
	t = data.ToTick(t)
	s := t.Truncate(time.Second)
	lit := "datetime(" + s.Format("2006-01-02T15:04:05Z") + ")"
	if n := int64(t.Sub(s) / data.Tick); n > 0 {
		lit += fmt.Sprintf(" + %dtick", n)
	}
	return lit
}

// kqlSpan writes a bin width as a KQL timespan literal.
func kqlSpan(d time.Duration) string {
	switch {
	case d >= time.Hour && d%time.Hour == 0:
		return fmt.Sprintf("%dh", d/time.Hour)
	case d >= time.Minute && d%time.Minute == 0:
		return fmt.Sprintf("%dm", d/time.Minute)
	case d >= time.Second && d%time.Second == 0:
		return fmt.Sprintf("%ds", d/time.Second)
	}
	return fmt.Sprintf("%dtick", d/data.Tick)
}

// projectedColumns is the canonical column list, comma separated: the
// chunk projects them by name (never *: a workspace transformation can add
// columns, and hidden _BilledSize/_IsBillable exist).
func projectedColumns() string { return strings.Join(data.AuditLogsColumnNames(), ", ") }

// kqlHead is the table, the exact half-open bounds and the scope.
func kqlHead(s Scope, iv Interval) (string, error) {
	pred, err := ScopePredicate(s)
	if err != nil {
		return "", err
	}
	if !iv.From.Before(iv.To) {
		return "", fmt.Errorf("empty interval [%s, %s)", iv.From.Format(data.TimeLayout), iv.To.Format(data.TimeLayout))
	}
	q := "AuditLogs\n| where TimeGenerated >= " + KQLTime(iv.From) + " and TimeGenerated < " + KQLTime(iv.To)
	if pred != "" {
		q += "\n| where " + pred
	}
	return q, nil
}

// ChunkKQL asks for one chunk's rows, the canonical columns in order.
func ChunkKQL(s Scope, iv Interval) (string, error) {
	h, err := kqlHead(s, iv)
	if err != nil {
		return "", err
	}
	return h + "\n| project " + projectedColumns(), nil
}

// RefreshKQL asks a chunk's interval for rows that arrived after since
// (ingestion_time()), for late arrivals; the TimeGenerated bounds stay, as
// the ingestion-time docs advise.
func RefreshKQL(s Scope, iv Interval, since time.Time) (string, error) {
	h, err := kqlHead(s, iv)
	if err != nil {
		return "", err
	}
	return h + "\n| where ingestion_time() > " + KQLTime(since) + "\n| project " + projectedColumns(), nil
}

// PreflightKQL counts every row (any scope) over the bounds, with the first
// and last instant: it proves the table is readable and tells "no data"
// from "no invites".
func PreflightKQL(iv Interval) (string, error) {
	h, err := kqlHead(ScopeAll, iv)
	if err != nil {
		return "", err
	}
	return h + "\n| summarize n=count(), lo=min(TimeGenerated), hi=max(TimeGenerated)", nil
}

// HistogramKQL counts a scope's rows and their estimated size per bin
// (1h, and 1m inside an hour over budget) for the planner.
func HistogramKQL(s Scope, iv Interval, bin time.Duration) (string, error) {
	h, err := kqlHead(s, iv)
	if err != nil {
		return "", err
	}
	if bin <= 0 {
		return "", fmt.Errorf("histogram bin %s is not positive", bin)
	}
	return h + "\n| summarize n=count(), sz=sum(estimate_data_size(" + projectedColumns() + ")) by bin(TimeGenerated, " +
		kqlSpan(bin) + ")\n| order by TimeGenerated asc", nil
}

// RebindKQL is a pull's recorded query (made for the pull's whole
// interval) with a chunk's bounds in place of the pull's: a resumed pull
// sends what it recorded. ok is false when the recorded text does not hold
// the pull's bounds exactly once.
func RebindKQL(recorded string, pull, chunk Interval) (string, bool) {
	bounds := func(iv Interval) string {
		return "TimeGenerated >= " + KQLTime(iv.From) + " and TimeGenerated < " + KQLTime(iv.To)
	}
	old := bounds(pull)
	if strings.Count(recorded, old) != 1 {
		return "", false
	}
	return strings.Replace(recorded, old, bounds(chunk), 1), true
}
