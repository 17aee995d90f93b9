package main

import (
	"context"
	"fmt"

	"github.com/guesthunt/guesthunt/data"
	"github.com/guesthunt/guesthunt/hunt"
	"github.com/spf13/cobra"
)

type huntFlags struct {
	asOf, baseline, window string
	foldCase               bool
	format                 string
}

// newHuntCommand is hunt; its --workspace flags (cmd_hunt_remote.go) run
// the rule in a Log Analytics workspace, signed in as --auth says.
func newHuntCommand(io streams, deps liveDeps) *cobra.Command {
	lf := &liveFlags{}
	cmd := newHuntCommandKusto(io, deps.kustoOpener(io, lf))
	addLiveFlags(cmd, lf)
	return cmd
}

// huntCommand is hunt's usage and flags without its action, so that
// "guesthunt serve" answers "ssh HOST hunt" with the same flags.
func huntCommand(hf *huntFlags, df *dataFlags) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "hunt [PATH...|--db FILE]",
		Short: "Run the new-inviter rule and print the alert rows",
		Long: `hunt runs the rule and prints the alert rows on stdout. On stderr it says what the rule
ran over and warns when an empty result is no all-clear: no events in the detection window,
an as-of after the last or before the first event, a window as long as the baseline, or a
baseline the data does not cover. The table shows times in UTC to the second; json, ndjson
and csv keep all seven digits and hold the rows only.`,
		Example: `  guesthunt hunt exports/ --baseline 14d --window 1d
  guesthunt hunt AuditLogs.ndjson.gz --as-of 2026-10-31T12:00:00Z --format json
  guesthunt hunt --db case.duckdb --fold-case --format csv > alerts.csv`,
	}
	addParamFlags(cmd, hf)
	cmd.Flags().StringVar(&hf.format, "format", "table", "output: table, json, ndjson or csv")
	addDataFlags(cmd, df)
	return cmd
}

// addParamFlags adds the rule's parameters.
func addParamFlags(cmd *cobra.Command, hf *huntFlags) {
	f := cmd.Flags()
	f.StringVar(&hf.asOf, "as-of", "latest", `the instant the rule runs at: "latest" (the newest TimeGenerated loaded), "now", or RFC 3339`)
	f.StringVar(&hf.baseline, "baseline", "14d", "baseline length, Kusto timespan (14d, 36h, 1.5d)")
	f.StringVar(&hf.window, "window", "1d", "detection window length, Kusto timespan")
	f.BoolVar(&hf.foldCase, "fold-case", false, "compare inviter UPNs case-insensitively (Kusto's !in is case-sensitive)")
}

func addDataFlags(cmd *cobra.Command, df *dataFlags) {
	cmd.Flags().StringVar(&df.db, "db", "", "case file (DuckDB) to keep loaded data in, or to read from")
	cmd.Flags().BoolVar(&df.strict, "strict", false, "stop at the first rejected record or unreadable file")
	cmd.Flags().StringVar(&df.tz, "tz", "", `zone a portal CSV's "[Local Time]" columns were written in: IANA name (Europe/Berlin) or offset (+02:00)`)
	addMemoryFlag(cmd, df)
	df.seed = 1
}

// huntParams checks hunt's --format and returns the rule's parameters.
func (hf huntFlags) huntParams() (hunt.Params, error) {
	if err := checkFormat(hf.format, "table", "json", "ndjson", "csv"); err != nil {
		return hunt.Params{}, err
	}
	return hf.params()
}

func (hf huntFlags) params() (hunt.Params, error) {
	p := hunt.DefaultParams()
	var err error
	if p.AsOf, err = hunt.ParseAsOf(hf.asOf); err != nil {
		return p, usagef("--as-of: %v", err)
	}
	if p.Baseline, err = hunt.ParseTimespan(hf.baseline); err != nil {
		return p, usagef("--baseline: %v", err)
	}
	if p.Window, err = hunt.ParseTimespan(hf.window); err != nil {
		return p, usagef("--window: %v", err)
	}
	p.FoldCase = hf.foldCase
	if err := p.Validate(); err != nil {
		return p, usageError{err}
	}
	return p, nil
}

func runHunt(cmd *cobra.Command, io streams, hf huntFlags, df dataFlags, args []string) error {
	p, err := hf.huntParams()
	if err != nil {
		return err
	}
	ds, err := openDataset(cmd.Context(), io, df, args, false)
	if err != nil {
		return err
	}
	defer ds.store.Close()
	return huntOn(cmd.Context(), io, hf.format, p, ds, hunt.NewEngine(ds.store))
}

// huntOn runs the rule on an open dataset and prints it: the part of hunt
// that "guesthunt serve" shares, over its one engine.
func huntOn(ctx context.Context, io streams, format string, p hunt.Params, ds *dataset, eng *hunt.Engine) error {
	res, err := eng.Run(ctx, p)
	if err != nil {
		return err
	}
	describeRun(io, ds, res)
	return writeTable(io, format, res.AlertTable(), 8)
}

// describeRun tells the analyst on stderr what the rule ran over: DEMO data,
// the parameters and counts, every warning, and what an empty result means.
// Warnings go to stderr only: the JSON, NDJSON and CSV on stdout keep
// their documented shape (rows only).
func describeRun(io streams, ds *dataset, res *hunt.Result) {
	if ds.demo {
		fmt.Fprintln(io.err, "DEMO: built-in demo tenant (give export paths or --db to hunt real data)")
	}
	fmt.Fprintln(io.err, summarize(res))
	if broken, err := ds.store.IncompleteFiles(context.Background()); err == nil && len(broken) > 0 {
		fmt.Fprintf(io.err, "INCOMPLETE: %d file(s) broke off before their end; the hunt cannot see what they held after that point:\n", len(broken))
		for _, b := range broken {
			fmt.Fprintln(io.err, "  "+io.safe(b))
		}
	}
	// The coverage note is among the warnings (WarnBaselineNotCovered).
	for _, w := range res.Warnings {
		fmt.Fprintln(io.err, "warning:", io.safe(w.Text))
	}
	if res.AllClear != "" {
		fmt.Fprintln(io.err, io.safe(res.AllClear))
	}
}

func checkFormat(format string, allowed ...string) error {
	for _, a := range allowed {
		if format == a {
			return nil
		}
	}
	return usagef("--format %q: want one of %v", format, allowed)
}

// summarize says in one line what the rule ran over and what it found.
func summarize(res *hunt.Result) string {
	inviters := map[string]bool{}
	for _, a := range res.Rows {
		inviters[a.InitiatingUserPrincipalName] = true
	}
	fold := "case-sensitive"
	if res.Params.FoldCase {
		fold = "fold-case ON (not Kusto's !in)"
	}
	return fmt.Sprintf("as-of %s, baseline %s [%s .. %s], window %s (%s .. %s], %s: %d alert rows from %d inviters in %s",
		data.FormatTime(res.AsOf), hunt.FormatTimespan(res.Params.Baseline), data.FormatTime(res.BaselineFrom),
		data.FormatTime(res.BaselineTo), hunt.FormatTimespan(res.Params.Window), data.FormatTime(res.WindowFrom),
		data.FormatTime(res.WindowTo), fold, len(res.Rows), len(inviters), hunt.FormatSpan(res.Elapsed))
}
