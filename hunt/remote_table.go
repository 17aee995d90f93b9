package hunt

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/guesthunt/guesthunt/data/formats"
)

// RemoteKeyColumns are the columns a remote result must carry. Without them
// the workbench would show something false rather than something blank:
// TimeGenerated places the row in the window and orders the inviter's
// invites; Id is the event's identity (verdicts, notes and Verify key on
// it); InitiatingUserPrincipalName is the inviter the row is about (the
// summaries and inviter verdicts group by it); TargetUserPrincipalName is
// the guest; OperationName is what tells an invite from any other row. Any
// other missing column is shown empty, and TableWarnings says so.
var RemoteKeyColumns = []string{"TimeGenerated", "OperationName", "Id", "InitiatingUserPrincipalName", "TargetUserPrincipalName"}

// CellError is a cell AlertsFromTable could not read: Row is 1-based, as
// the analyst counts rows of a result.
type CellError struct {
	Row    int
	Column string
	Err    error
}

func (e *CellError) Error() string {
	return fmt.Sprintf("remote result row %d, column %s: %v", e.Row, e.Column, e.Err)
}

func (e *CellError) Unwrap() error { return e.Err }

// AlertsFromTable maps a Kusto answer to the rule (AlertColumns, in any
// order, matched by exact name) onto alert rows, as the local engine would
// have built them from the same events: datetimes at 100 ns, dynamic
// columns as the loaders' JSON text, null as Kusto's empty string. Rows
// keep the table's order. A missing key column (RemoteKeyColumns) or a cell
// that cannot be read is an error naming it; other columns missing, and
// columns the rule does not produce, are TableWarnings.
func AlertsFromTable(t RemoteTable) ([]Alert, error) {
	idx, err := remoteColumnIndex(t.Columns)
	if err != nil {
		return nil, err
	}
	out := make([]Alert, 0, len(t.Rows))
	for r, row := range t.Rows {
		if len(row) != len(t.Columns) {
			return nil, fmt.Errorf("remote result row %d: %d cells for %d columns", r+1, len(row), len(t.Columns))
		}
		a, err := alertFromRow(row, idx)
		if err != nil {
			var ce *CellError
			if errors.As(err, &ce) {
				ce.Row = r + 1
			}
			return nil, err
		}
		a.SourceRecord = int64(r + 1)
		out = append(out, a)
	}
	return out, nil
}

// remoteColumnIndex finds each alert column's position in cols (-1 when
// absent). A name given twice is an error: which copy is right is unknown.
func remoteColumnIndex(cols []string) ([]int, error) {
	want := AlertColumns()
	pos := map[string]int{}
	for i, c := range cols {
		if _, dup := pos[c]; dup {
			return nil, fmt.Errorf("remote result has column %q twice", c)
		}
		pos[c] = i
	}
	idx := make([]int, len(want))
	var missing []string
	for i, name := range want {
		p, ok := pos[name]
		if !ok {
			p = -1
			if isRemoteKey(name) {
				missing = append(missing, name)
			}
		}
		idx[i] = p
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("remote result lacks key column(s) %s: without them the rows cannot be placed, identified or attributed", strings.Join(missing, ", "))
	}
	return idx, nil
}

func isRemoteKey(name string) bool {
	for _, k := range RemoteKeyColumns {
		if k == name {
			return true
		}
	}
	return false
}

// TableWarnings says what a remote table lacks or carries beyond the rule's
// columns: missing non-key columns are shown empty, extra columns (a
// workspace transformation, hidden columns) are ignored.
func TableWarnings(t RemoteTable) []Warning {
	known := map[string]bool{}
	for _, c := range AlertColumns() {
		known[c] = true
	}
	have := map[string]bool{}
	var extra []string
	for _, c := range t.Columns {
		have[c] = true
		if !known[c] {
			extra = append(extra, c)
		}
	}
	var missing []string
	for _, c := range AlertColumns() {
		if !have[c] && !isRemoteKey(c) {
			missing = append(missing, c)
		}
	}
	var out []Warning
	if len(missing) > 0 {
		out = append(out, Warning{Kind: WarnRemoteColumns, Text: fmt.Sprintf(
			"the remote result has no column(s) %s: shown empty", strings.Join(missing, ", "))})
	}
	if len(extra) > 0 {
		out = append(out, Warning{Kind: WarnRemoteColumns, Text: fmt.Sprintf(
			"the remote result has column(s) the rule does not produce, ignored: %s", strings.Join(extra, ", "))})
	}
	return out
}

// alertFromRow fills one alert through pointers to its fields, in
// AlertColumns order (the same order as Values).
func alertFromRow(row []any, idx []int) (Alert, error) {
	var a Alert
	for i, dst := range a.fieldPointers() {
		if idx[i] < 0 {
			continue
		}
		name := AlertColumns()[i]
		cell := row[idx[i]]
		var err error
		switch p := dst.(type) {
		case *string:
			*p, err = remoteString(cell)
		case *time.Time:
			*p, err = remoteTime(cell)
		case **int64:
			*p, err = remoteLong(cell)
		case *json.RawMessage:
			*p, err = remoteDynamic(cell)
		default:
			err = fmt.Errorf("no decoder for %T", dst)
		}
		if err != nil {
			return a, &CellError{Column: name, Err: err}
		}
		if name == "TimeGenerated" && a.TimeGenerated.IsZero() {
			return a, &CellError{Column: name, Err: errors.New("null: every alert row has a TimeGenerated")}
		}
	}
	return a, nil
}

// fieldPointers points at a's fields in AlertColumns order; the remote
// tests check it against Values, so the two cannot drift apart.
func (a *Alert) fieldPointers() []any {
	return []any{
		&a.TimeGenerated, &a.OperationName, &a.Result, &a.TargetUserPrincipalName, &a.TargetAadUserId,
		&a.InitiatingUserPrincipalName, &a.InitiatingAadUserId, &a.InitiatingIPAddress,
		&a.TenantId, &a.SourceSystem, &a.ResourceId, &a.OperationVersion, &a.Category, &a.ResultType,
		&a.ResultSignature, &a.ResultDescription, &a.DurationMs, &a.CorrelationId, &a.Resource,
		&a.ResourceGroup, &a.ResourceProvider, &a.Identity, &a.Level, &a.Location, &a.AdditionalDetails,
		&a.Id, &a.InitiatedBy, &a.LoggedByService, &a.ResultReason, &a.TargetResources, &a.AADTenantId,
		&a.ActivityDisplayName, &a.ActivityDateTime, &a.AADOperationType, &a.Type,
		&a.InvitingUser, &a.InvitedUserPrincipalName, &a.InitiatingAccountName,
		&a.InitiatingAccountUPNSuffix, &a.TargetAccountName, &a.TargetAccountUPNSuffix,
	}
}

// remoteTime reads a datetime through the loaders' grammar (0–9 fractional
// digits, truncated to the 100 ns tick).
func remoteTime(cell any) (time.Time, error) {
	switch v := cell.(type) {
	case nil:
		return time.Time{}, nil
	case string:
		if v == "" {
			return time.Time{}, nil
		}
		t, err := formats.ParseTimestamp(v)
		if err != nil {
			return time.Time{}, fmt.Errorf("datetime: %v", err)
		}
		return t, nil
	}
	return time.Time{}, fmt.Errorf("datetime: want a string, got %s", describeCell(cell))
}
