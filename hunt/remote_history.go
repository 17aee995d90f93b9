package hunt

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/guesthunt/guesthunt/data"
)

// HistoryKQL is the aggregate query for the inviter summaries' "latest
// earlier invite": per inviter with a successful invite in the window
// (T − window, T], the latest successful invite at or before the window
// start, any distance back (the envelope bounds it to the workspace's
// retention). Inviters are keyed as the run compared them: the UPN as is,
// or tolower(UPN) with fold-case. The rule's own filters and UPN
// extraction are repeated verbatim, so both queries see the same invites.
func HistoryKQL(p Params, asOf time.Time) string {
	key := "InitiatingUserPrincipalName"
	if p.FoldCase {
		key = "tolower(InitiatingUserPrincipalName)"
	}
	t := formatInstant(data.ToTick(asOf))
	return "// guesthunt: latest successful invite at or before the window start, per inviter invited in the window, as of " + t + "\n" +
		"let as_of = datetime(" + t + ");\n" +
		"let window_from = as_of - " + FormatTimespan(p.Window) + ";\n" +
		"let invites = AuditLogs\n" +
		"  | where TimeGenerated <= as_of\n" +
		"  | where OperationName =~ \"Invite external user\"\n" +
		"  | where Result =~ \"success\"\n" +
		"  | extend InitiatingUserPrincipalName = tostring(parse_json(tostring(InitiatedBy.user)).userPrincipalName)\n" +
		"  | where isnotempty(InitiatingUserPrincipalName)\n" +
		"  | extend InviterKey = " + key + ";\n" +
		"let window_inviters = invites | where TimeGenerated > window_from | distinct InviterKey;\n" +
		"invites\n" +
		"  | where TimeGenerated <= window_from and InviterKey in (window_inviters)\n" +
		"  | summarize LatestEarlier = max(TimeGenerated) by InviterKey\n"
}

// historyKey is how the client matches an alert's inviter to the history
// query's InviterKey. Kusto's tolower and Go's agree on ASCII; they may
// differ on rare Unicode case pairs.
func historyKey(upn string, foldCase bool) string {
	if foldCase {
		return strings.ToLower(upn)
	}
	return upn
}

// fillHistory runs HistoryKQL and sets each row's latest earlier invite.
func (run *RemoteRun) fillHistory(ctx context.Context, k Kusto, p Params, s span, rows []Alert) error {
	run.HistoryQuery = HistoryKQL(p, s.asOf)
	run.HistoryEnvelope = RemoteEnvelope(s.windowFrom.Add(-RemoteHistoryReach), s.asOf)
	table, err := k.Query(ctx, run.HistoryQuery, run.HistoryEnvelope)
	if err != nil {
		return fmt.Errorf("remote history query: %w", err)
	}
	run.HistoryTable = table
	latest, err := historyFromTable(table)
	if err != nil {
		return err
	}
	for i := range rows {
		t, ok := latest[historyKey(rows[i].InitiatingUserPrincipalName, p.FoldCase)]
		if ok && t.After(s.windowFrom) {
			return fmt.Errorf("remote history query: inviter %q has an earlier invite at %s, after the window start %s",
				rows[i].InitiatingUserPrincipalName, formatInstant(t), formatInstant(s.windowFrom))
		}
		rows[i].latestEarlier = t
	}
	return nil
}

// historyFromTable reads the history query's answer: InviterKey (string)
// and LatestEarlier (datetime; null means none).
func historyFromTable(t RemoteTable) (map[string]time.Time, error) {
	ki, ti := -1, -1
	for i, c := range t.Columns {
		switch c {
		case "InviterKey":
			ki = i
		case "LatestEarlier":
			ti = i
		}
	}
	if ki < 0 || ti < 0 {
		return nil, errors.New("remote history query: the answer lacks column InviterKey or LatestEarlier")
	}
	out := map[string]time.Time{}
	for r, row := range t.Rows {
		if len(row) != len(t.Columns) {
			return nil, fmt.Errorf("remote history row %d: %d cells for %d columns", r+1, len(row), len(t.Columns))
		}
		key, err := remoteString(row[ki])
		if err != nil {
			return nil, &CellError{Row: r + 1, Column: "InviterKey", Err: err}
		}
		at, err := remoteTime(row[ti])
		if err != nil {
			return nil, &CellError{Row: r + 1, Column: "LatestEarlier", Err: err}
		}
		if _, dup := out[key]; dup {
			return nil, fmt.Errorf("remote history row %d: inviter %q twice", r+1, key)
		}
		out[key] = at
	}
	return out, nil
}
