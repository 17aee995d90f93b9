package main

import (
	"context"
	"fmt"
	"runtime/debug"
	"time"

	"github.com/spf13/cobra"

	"github.com/guesthunt/guesthunt/data/store"
	"github.com/guesthunt/guesthunt/hunt"
)

// triageLoader reads the verdicts recorded for a data set; the report
// command takes it as a parameter so tests (and the lead's wiring) can
// supply their own.
type triageLoader func(ctx context.Context, ds *dataset) (map[store.Subject]store.Triage, error)

func newReportCommand(io streams) *cobra.Command {
	return newReportCommandWith(io, loadTriage)
}

func newReportCommandWith(io streams, triage triageLoader) *cobra.Command {
	var hf huntFlags
	var df dataFlags
	cmd := reportCommand(&hf, &df)
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		return runReport(cmd, io, hf, df, args, triage)
	}
	return cmd
}

// reportCommand is report's usage and flags without its action, so that
// "guesthunt serve" answers "ssh HOST report" with the same flags.
func reportCommand(hf *huntFlags, df *dataFlags) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "report [PATH...|--db FILE]",
		Short: "Write an incident report: the hunt, its parameters and the analysts' verdicts",
		Long: `report runs the rule like "guesthunt hunt" and writes the flagged inviters with their
verdicts and alert rows, the exact command to re-run it, the KQL pinned at the as-of (as
"guesthunt kql --as-of" prints it), the data's coverage and every warning about the run.

Formats: md (Markdown incident report, every string from the logs escaped), json (one
object, raw values), csv (one row per alert, spreadsheet-safe) and bookmarks (a JSON
array of Microsoft Sentinel hunting bookmarks, one per alert row).`,
		Example: `  guesthunt report --db case.duckdb > incident.md
  guesthunt report exports/ --as-of 2026-10-31T12:00:00Z --format json > incident.json
  guesthunt report --db case.duckdb --format bookmarks > bookmarks.json`,
	}
	addParamFlags(cmd, hf)
	cmd.Flags().StringVar(&hf.format, "format", "md", "output: md, json, csv or bookmarks")
	addDataFlags(cmd, df)
	return cmd
}

func runReport(cmd *cobra.Command, io streams, hf huntFlags, df dataFlags, args []string, triage triageLoader) error {
	p, err := hf.reportParams()
	if err != nil {
		return err
	}
	ctx := cmd.Context()
	ds, err := openDataset(ctx, io, df, args, false)
	if err != nil {
		return err
	}
	defer ds.store.Close()
	location, _ := triageHome(ctx, ds, df, args)
	return reportOn(ctx, io, hf.format, p, reportInput{
		ds: ds, engine: hunt.NewEngine(ds.store), location: location,
		verdicts: func(ctx context.Context) (map[store.Subject]store.Triage, error) { return triage(ctx, ds) },
		meta:     func(ctx context.Context) (hunt.ReportMeta, error) { return reportMeta(ctx, ds, df, args) },
	})
}

// reportParams checks report's --format and returns the rule's parameters.
func (hf huntFlags) reportParams() (hunt.Params, error) {
	if err := checkFormat(hf.format, "md", "json", "csv", "bookmarks"); err != nil {
		return hunt.Params{}, err
	}
	return hf.params()
}

// reportInput is what a report is written from, however the data was
// opened: by the command itself, or once by "guesthunt serve".
type reportInput struct {
	ds       *dataset
	engine   *hunt.Engine
	location string // where the verdicts are kept, said on stderr
	verdicts func(context.Context) (map[store.Subject]store.Triage, error)
	meta     func(context.Context) (hunt.ReportMeta, error)
}

// reportOn runs the rule on an open dataset and writes the report.
func reportOn(ctx context.Context, io streams, format string, p hunt.Params, in reportInput) error {
	fmt.Fprintln(io.err, "verdicts:", io.safe(in.location))
	res, err := in.engine.Run(ctx, p)
	if err != nil {
		return err
	}
	verdicts, err := in.verdicts(ctx)
	if err != nil {
		return fmt.Errorf("read verdicts: %w", err)
	}
	meta, err := in.meta(ctx)
	if err != nil {
		return err
	}
	describeRun(io, in.ds, res)
	r := hunt.NewReport(res, verdicts, meta)
	switch format {
	case "json":
		return hunt.WriteReportJSON(io.out, r)
	case "csv":
		return hunt.WriteReportCSV(io.out, r)
	case "bookmarks":
		return hunt.WriteBookmarks(io.out, r)
	}
	return hunt.WriteMarkdown(io.out, r)
}

// loadTriage returns the verdicts recorded for the data set: in its case
// file, or in the state-directory case file for the same set of exports.
func loadTriage(ctx context.Context, ds *dataset) (map[store.Subject]store.Triage, error) {
	return ds.store.Triages(ctx)
}

// reportMeta describes the data set and how to name it on a re-run command
// line: the same paths, or --db and the case file.
func reportMeta(ctx context.Context, ds *dataset, df dataFlags, args []string) (hunt.ReportMeta, error) {
	sum, err := ds.store.Summary(ctx)
	if err != nil {
		return hunt.ReportMeta{}, err
	}
	meta := hunt.ReportMeta{Events: sum.Events, GeneratedAt: time.Now().UTC(), Version: toolVersion()}
	for _, f := range ds.report.Files {
		if f.Loaded > 0 || f.Duplicates > 0 {
			meta.Files = append(meta.Files, f.Path)
		}
	}
	switch {
	case ds.demo:
		meta.Source = fmt.Sprintf("built-in demo tenant (seed %d)", df.seed)
	case len(args) > 0 && df.db != "":
		meta.Source = fmt.Sprintf("%d path(s) loaded into case file %s", len(args), df.db)
	case len(args) > 0:
		meta.Source = fmt.Sprintf("%d path(s), %d file(s) loaded", len(args), sum.Files)
	default:
		meta.Source = fmt.Sprintf("case file %s (%d file(s) loaded)", df.db, sum.Files)
	}
	// With a case file the data is in it, whatever was loaded this time;
	// without one, the same paths load the same events again. Standard
	// input cannot be replayed, which the command then shows as "-".
	if df.db != "" {
		meta.DataArgs = []string{"--db", df.db}
	} else {
		meta.DataArgs = append([]string(nil), args...)
	}
	return meta, nil
}

// toolVersion is the module version the binary was built from, or
// "(devel)" for a source build.
func toolVersion() string {
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" {
		return bi.Main.Version
	}
	return "(devel)"
}
