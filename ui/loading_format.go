package ui

import (
	"fmt"
	"strings"
	"time"

	"github.com/guesthunt/guesthunt/data/store"
)

// The spelling of a load's progress, shared by the workbench's loading view
// and the command line's progress line on stderr, so both read the same.

// FormatBytes writes a size in decimal units ("312 B", "45.3 MB", "1.29 GB").
func FormatBytes(n int64) string {
	const unit = 1000
	if n < unit {
		return fmt.Sprintf("%d B", max(n, 0))
	}
	div, exp := int64(unit), 0
	for m := n / unit; m >= unit && exp < 4; m /= unit {
		div *= unit
		exp++
	}
	v := float64(n) / float64(div)
	if v >= 100 {
		return fmt.Sprintf("%.0f %cB", v, "kMGTP"[exp])
	}
	return fmt.Sprintf("%.1f %cB", v, "kMGTP"[exp])
}

// FormatRate writes a read rate ("85.2 MB/s"), "" when there is none yet.
func FormatRate(bytesPerSecond float64) string {
	if bytesPerSecond <= 0 {
		return ""
	}
	return FormatBytes(int64(bytesPerSecond)) + "/s"
}

// FormatETA writes the time left, rounded to what a person can use:
// "<1s", "12s", "3m05s", "1h02m".
func FormatETA(d time.Duration) string {
	if d < time.Second {
		return "<1s"
	}
	return formatClock(d)
}

// formatClock writes a duration in whole seconds ("0s", "12s", "3m05s"),
// or minutes past an hour ("1h02m").
func formatClock(d time.Duration) string {
	switch {
	case d < time.Minute:
		return fmt.Sprintf("%ds", int(d.Round(time.Second)/time.Second))
	case d < time.Hour:
		d = d.Round(time.Second)
		return fmt.Sprintf("%dm%02ds", int(d/time.Minute), int(d%time.Minute/time.Second))
	}
	d = d.Round(time.Minute)
	return fmt.Sprintf("%dh%02dm", int(d/time.Hour), int(d%time.Hour/time.Minute))
}

// ProgressFacts are the figures of one progress snapshot, each spelt out,
// empty when not known, for a caller to lay out: "45.3 MB / 306 MB",
// "45,000 records", "85.2 MB/s", "ETA 3s", "reading".
func ProgressFacts(p store.LoadProgress) []string {
	var facts []string
	switch {
	case p.Phase == store.PhaseSpooling || p.TotalBytes <= 0:
		if p.Bytes > 0 {
			facts = append(facts, FormatBytes(p.Bytes))
		}
	default:
		size := FormatBytes(p.Bytes) + " / " + FormatBytes(p.TotalBytes)
		if p.Estimated && p.Bytes < p.TotalBytes {
			size = "~" + size // DuckDB's own estimate
		}
		facts = append(facts, size)
	}
	if p.Records > 0 {
		noun := " records"
		if p.Records == 1 {
			noun = " record"
		}
		facts = append(facts, thousands(int(p.Records))+noun)
	}
	if p.Phase == store.PhaseReading || p.Phase == store.PhaseSpooling || p.Phase == store.PhasePulling {
		if r := FormatRate(p.Rate()); r != "" {
			facts = append(facts, r)
		}
		if left, ok := p.ETA(); ok && p.Phase != store.PhaseSpooling {
			facts = append(facts, "ETA "+FormatETA(left))
		}
	}
	if p.Phase != "" {
		facts = append(facts, string(p.Phase))
	}
	// Ticks while nothing else moves (settling duplicates): the load is alive.
	return append(facts, formatClock(max(p.Elapsed, 0))+" elapsed")
}

// FileCounter is "file 2/5" (or "" while the files are not known yet).
func FileCounter(p store.LoadProgress) string {
	if p.Files <= 0 || p.FileIndex <= 0 {
		return ""
	}
	unit := p.Unit
	if unit == "" {
		unit = "file"
	}
	return fmt.Sprintf("%s %d/%d", unit, p.FileIndex, p.Files)
}

// joinFacts puts facts on one line.
func joinFacts(facts []string) string {
	return strings.Join(facts, " · ")
}
