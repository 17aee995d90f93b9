package hunt

import (
	"fmt"
	"time"
)

// Coverage says whether the loaded data reaches back far enough for the
// baseline: offline exports often start later than T-baseline, and then
// every inviter whose history lies before the export looks new.
type Coverage struct {
	DataFrom, DataTo time.Time // earliest and latest TimeGenerated loaded (zero: none)
	BaselineCovered  bool      // DataFrom <= T-baseline
	Note             string    // in words, when not covered ("" when covered)
}

func coverageOf(c *inviteCache, s span) Coverage {
	cov := Coverage{DataFrom: c.dataFrom, DataTo: c.dataTo}
	switch {
	case c.dataFrom.IsZero():
		cov.Note = "no data loaded: every inviter would look new"
	case !c.dataFrom.After(s.baselineFrom):
		cov.BaselineCovered = true
	default:
		cov.Note = fmt.Sprintf("data starts %s, %s after the baseline start %s: inviters with history before then look new",
			formatCoverageInstant(c.dataFrom), FormatSpan(c.dataFrom.Sub(s.baselineFrom)),
			formatCoverageInstant(s.baselineFrom))
	}
	return cov
}

// formatCoverageInstant prints whole seconds plainly and keeps ticks when
// there are any, so the note stays readable but exact.
func formatCoverageInstant(t time.Time) string {
	if t.Nanosecond() == 0 {
		return t.UTC().Format(time.RFC3339)
	}
	return formatInstant(t)
}
