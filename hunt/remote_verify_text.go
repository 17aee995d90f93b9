package hunt

import (
	"fmt"
	"strings"

	"github.com/guesthunt/guesthunt/data"
)

// Sentences explains the report to the analyst, one sentence per
// difference, the explained ones last. Text quotes data: sinks sanitise it.
func (r VerifyReport) Sentences() []string {
	var out []string
	if r.Equal() {
		out = append(out, fmt.Sprintf("guesthunt and the workspace agree: %d row(s) locally, %d returned by the workspace, %d equal in all %d columns.",
			r.LocalRows, r.RemoteRows, r.Matched, len(AlertColumns())))
	} else {
		out = append(out, fmt.Sprintf("guesthunt and the workspace DISAGREE: %d row(s) locally, %d returned by the workspace, %d equal; %d only local, %d only remote, %d with different columns.",
			r.LocalRows, r.RemoteRows, r.Matched, len(r.OnlyLocal), len(r.OnlyRemote), len(r.Differ)))
	}
	for _, a := range r.OnlyLocal {
		out = append(out, fmt.Sprintf("Only guesthunt flags event %s (%s, inviter %s, guest %s): the workspace did not return it; "+
			"the case may hold events the workspace does not (a hand export, data past its retention) or the workspace may hide them (permissions).",
			rowLabel(a), data.FormatTime(a.TimeGenerated), quoteCell(a.InitiatingUserPrincipalName), quoteCell(a.TargetUserPrincipalName)))
	}
	for _, a := range r.OnlyRemote {
		out = append(out, fmt.Sprintf("Only the workspace returns event %s (%s, inviter %s, guest %s): the case file lacks it or the inviter's baseline invite; "+
			"it may have arrived after the case was pulled, or the pull or export was narrower.",
			rowLabel(a), data.FormatTime(a.TimeGenerated), quoteCell(a.InitiatingUserPrincipalName), quoteCell(a.TargetUserPrincipalName)))
	}
	for _, d := range r.Differ {
		parts := make([]string, len(d.Columns))
		for i, c := range d.Columns {
			parts[i] = fmt.Sprintf("column %s: local %s, remote %s", c.Column, c.Local, c.Remote)
		}
		out = append(out, fmt.Sprintf("Event %s is on both sides but differs in %s.", quoteCell(d.Id), strings.Join(parts, "; ")))
	}
	for _, d := range r.Duplicates {
		out = append(out, fmt.Sprintf("Explained: the workspace returned event %s %d times, guesthunt counts it once: "+
			"the workspace stores the same record %d times and Kusto returns every stored row, while guesthunt counts an event stored twice once (SEMANTICS.md, last bullet).",
			quoteCell(d.Id), d.Copies, d.Copies))
	}
	if r.Respelled > 0 {
		out = append(out, fmt.Sprintf("Not a difference: %d dynamic cell(s) hold the same JSON value spelled differently (key order, spacing or escapes).", r.Respelled))
	}
	return out
}

func rowLabel(a Alert) string { return quoteCell(a.Id) }
