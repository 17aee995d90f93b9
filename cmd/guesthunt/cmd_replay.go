package main

import (
	"context"
	"fmt"
	"time"

	"github.com/guesthunt/guesthunt/data"
	"github.com/guesthunt/guesthunt/hunt"
	"github.com/spf13/cobra"
)

type replayFlags struct {
	huntFlags
	every, from, to string
	uncovered       bool
}

func newReplayCommand(io streams) *cobra.Command {
	var rf replayFlags
	var df dataFlags
	cmd := replayCommand(&rf, &df)
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		return runReplay(cmd, io, rf, df, args)
	}
	return cmd
}

// replayCommand is replay's flags and help, without what it runs on (the
// local data, or over ssh the served data).
func replayCommand(rf *replayFlags, df *dataFlags) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "replay [PATH...|--db FILE]",
		Short: "Run the rule at every scheduled run over the data and show what each run flagged",
		Long: `replay evaluates the rule as Sentinel would have scheduled it: one run every --every
(default 1d), on instants aligned to --as-of (runs at as-of - k*every), from the first run
whose baseline the data fully covers to the first run that sees the last event, bounded by
--from and --to. --uncovered adds the runs whose baseline reaches before the data, marked as
such. Each run's rows are exactly those of "hunt --as-of <run>". The table prints one line
per run with its counts and the newly firing inviters; json is an array of runs with their
rows as hunt --format json prints them; csv is one row per run.`,
		Example: `  guesthunt replay exports/ --baseline 14d --window 1d
  guesthunt replay --db case.duckdb --every 12h --from 2026-10-01T00:00:00Z --format json
  guesthunt replay AuditLogs.ndjson.gz --uncovered --format csv > runs.csv`,
	}
	addParamFlags(cmd, &rf.huntFlags)
	f := cmd.Flags()
	f.StringVar(&rf.every, "every", "1d", "the schedule's period, Kusto timespan (1d, 12h, 90m)")
	f.StringVar(&rf.from, "from", "", "first run at or after this RFC 3339 instant (default: the first covered run)")
	f.StringVar(&rf.to, "to", "", "last run at or before this RFC 3339 instant (default: the end of the data)")
	f.BoolVar(&rf.uncovered, "uncovered", false, "include runs whose baseline reaches before the data (marked uncovered)")
	f.StringVar(&rf.format, "format", "table", "output: table, json or csv")
	addDataFlags(cmd, df)
	return cmd
}

// replayParams checks the flags and returns the schedule's parameters.
func (rf replayFlags) replayParams() (hunt.ReplayParams, error) {
	var rp hunt.ReplayParams
	if err := checkFormat(rf.format, "table", "json", "csv"); err != nil {
		return rp, err
	}
	p, err := rf.params()
	if err != nil {
		return rp, err
	}
	rp.Params, rp.Uncovered = p, rf.uncovered
	if rp.Every, err = hunt.ParseTimespan(rf.every); err != nil {
		return rp, usagef("--every: %v", err)
	}
	if rp.From, err = parseBound("--from", rf.from); err != nil {
		return rp, err
	}
	if rp.To, err = parseBound("--to", rf.to); err != nil {
		return rp, err
	}
	return rp, nil
}

// parseBound reads an optional RFC 3339 run bound ("" for none).
func parseBound(flag, s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	a, err := hunt.ParseAsOf(s)
	if err != nil || a.Mode != hunt.AsOfFixed {
		return time.Time{}, usagef("%s %q: want an RFC 3339 instant such as 2026-10-15T00:00:00Z", flag, s)
	}
	return a.At, nil
}

func runReplay(cmd *cobra.Command, io streams, rf replayFlags, df dataFlags, args []string) error {
	rp, err := rf.replayParams()
	if err != nil {
		return err
	}
	ds, err := openDataset(cmd.Context(), io, df, args, false)
	if err != nil {
		return err
	}
	defer ds.store.Close()
	return replayOn(cmd.Context(), io, rf.format, rp, ds, hunt.NewEngine(ds.store))
}

// replayOn replays the rule on an open dataset and prints the runs.
func replayOn(ctx context.Context, io streams, format string, rp hunt.ReplayParams, ds *dataset, eng *hunt.Engine) error {
	r, err := eng.Replay(ctx, rp)
	if err != nil {
		return err
	}
	if ds.demo {
		fmt.Fprintln(io.err, "DEMO: built-in demo tenant (give export paths or --db to replay real data)")
	}
	fmt.Fprintln(io.err, summarizeReplay(r))
	if len(r.Runs) == 0 {
		fmt.Fprintln(io.err, "no scheduled run lies within the bounds and has its baseline covered by the data; --uncovered lists uncovered runs too")
	}
	switch format {
	case "json":
		return writeReplayJSON(io.out, r)
	case "csv":
		return writeReplayCSV(io.out, r)
	}
	return writeReplayTable(io, r)
}

// summarizeReplay says in one line what was replayed and what it found.
func summarizeReplay(r *hunt.Replay) string {
	p := r.Params
	fold := "case-sensitive"
	if p.Params.FoldCase {
		fold = "fold-case ON (not Kusto's !in)"
	}
	rows, uncovered := 0, 0
	for _, run := range r.Runs {
		rows += len(run.Rows)
		if !run.Covered {
			uncovered++
		}
	}
	return fmt.Sprintf("%d runs every %s from %s to %s (%d uncovered), baseline %s, window %s, %s: %d alert rows, %d inviters fired, in %s",
		len(r.Runs), hunt.FormatTimespan(p.Every), data.FormatTime(p.From), data.FormatTime(p.To), uncovered,
		hunt.FormatTimespan(p.Params.Baseline), hunt.FormatTimespan(p.Params.Window), fold, rows, len(r.FirstFired),
		hunt.FormatSpan(r.Elapsed))
}
