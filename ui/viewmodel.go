package ui

import "time"

// The view-model types below are what the UI draws. A thin adapter fills them
// from hunt results (and formats durations with hunt.FormatTimespan), so the
// UI never depends on the engine's internals or builds SQL.

// SensitivityPoint is the rule run with a baseline of Days days: how many
// inviters it flags and whether the loaded data covers that baseline.
type SensitivityPoint struct {
	Days    int
	Flagged int
	Covered bool
}

// DataSetInfo describes what is loaded.
type DataSetInfo struct {
	Files    []string
	Events   int
	From, To time.Time
	Demo     bool // synthetic data from `guesthunt demo`
	Loading  bool // still being loaded: counts and times are not known yet
}

// ParamsInfo is the rule's parameters, already in Kusto timespan syntax.
type ParamsInfo struct {
	AsOf     time.Time
	AsOfNote string // "end of data", "now", or "" for an explicit instant
	Baseline string // "14d"
	Window   string // "1d"
	FoldCase bool
}

// CoverageInfo says whether the data reaches back over the whole baseline.
type CoverageInfo struct {
	BaselineCovered bool
	Note            string // engine's explanation when not covered
}
