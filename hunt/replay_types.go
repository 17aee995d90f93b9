package hunt

import "time"

// Replay: the rule as Sentinel would have scheduled it, one run every Every
// over the loaded data (issue 12). These are the types every consumer (the
// replay command, the workbench's timeline page) shares; Engine.Replay
// computes them.

// ReplayParams says which scheduled runs to evaluate.
type ReplayParams struct {
	// Params gives the baseline, window and case rule of every run; its
	// AsOf anchors the schedule (runs fall on AsOf - k*Every).
	Params Params
	// Every is the schedule's period; 0 means one day.
	Every time.Duration
	// From and To bound the runs (inclusive); zero means from the first run
	// whose baseline the data fully covers, to the end of the data.
	From, To time.Time
	// Uncovered includes runs whose baseline reaches before the data,
	// marked Covered=false.
	Uncovered bool
}

// ReplayRun is one scheduled run.
type ReplayRun struct {
	AsOf     time.Time
	Covered  bool             // the data reaches back over the whole baseline
	Rows     []Alert          // exactly the rows Engine.Run gives at AsOf
	Inviters []InviterSummary // exactly Run's inviters at AsOf
	// New are inviters flagged here but not by the previous run; Gone the
	// reverse (UPNs, sorted). The first run's New is all its inviters.
	New, Gone []string
}

// ReplayDay is one calendar day (UTC) of the data, for the timeline.
type ReplayDay struct {
	Day     time.Time // 00:00 UTC
	Invites int       // successful invite events that day (the rule's operations)
	Alerts  int       // rows of the run(s) falling on that day
}

// Replay is every scheduled run in order, the days they cover, and when
// each inviter first fired.
type Replay struct {
	Params     ReplayParams // as resolved (Every, From, To set)
	Runs       []ReplayRun
	Days       []ReplayDay
	FirstFired map[string]time.Time // inviter UPN -> first run that flagged it
	Elapsed    time.Duration
}
