package hunt

import (
	"encoding/csv"
	"io"

	"github.com/guesthunt/guesthunt/data"
)

// reportCSVColumns lead each alert row with the triage state, so a
// spreadsheet of the case sorts and filters by verdict.
func reportCSVColumns() []string {
	return []string{
		"InviterVerdict", "InviterNote", "InviterAnalyst", "InviterTriagedAt",
		"EventVerdict", "EventNote", "EventAnalyst", "EventTriagedAt",
	}
}

// WriteReportCSV writes one row per alert: the inviter's and the event's
// verdicts, then the alert columns as "guesthunt hunt --format csv" writes
// them. Every cell is spreadsheet-safe (SpreadsheetSafe).
func WriteReportCSV(w io.Writer, r Report) error {
	cw := csv.NewWriter(w)
	header := append(reportCSVColumns(), AlertColumns()...)
	if err := cw.Write(header); err != nil {
		return err
	}
	for _, inv := range r.Inviters {
		for _, e := range inv.Events {
			cells := []string{
				string(inv.Triage.Verdict), inv.Triage.Note, inv.Triage.Analyst, data.FormatTime(inv.Triage.At),
				string(e.Triage.Verdict), e.Triage.Note, e.Triage.Analyst, data.FormatTime(e.Triage.At),
			}
			for _, v := range e.Values() {
				cells = append(cells, CellText(v))
			}
			for i := range cells {
				cells[i] = SpreadsheetSafe(cells[i])
			}
			if err := cw.Write(cells); err != nil {
				return err
			}
		}
	}
	cw.Flush()
	return cw.Error()
}
