package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"github.com/guesthunt/guesthunt/data/store"
	"github.com/guesthunt/guesthunt/ui/textsafe"
)

func newLoadCommand(io streams) *cobra.Command {
	var df dataFlags
	var format string
	cmd := &cobra.Command{
		Use:   "load PATH... --db FILE",
		Short: "Load exports into a case file and report what was read",
		Long: `load adds exports to a case file, creating it if needed. It is the one command
that writes to a case file (besides saving verdicts in the workbench).

With no PATH it only opens the case file for writing, which upgrades a case file
made by an older guesthunt to the current schema in place.`,
		Example: `  guesthunt load exports/ --db case.duckdb
  zcat AuditLogs.ndjson.gz | guesthunt load - --db case.duckdb --format json
  guesthunt load --db old-case.duckdb     # upgrade in place, load nothing`,
		Args: cobra.ArbitraryArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkFormat(format, "text", "json"); err != nil {
				return err
			}
			if df.db == "" {
				return usagef("load needs --db FILE: the case file to keep the data in")
			}
			if len(args) == 0 {
				if _, err := os.Stat(df.db); err != nil {
					return usagef("load needs PATH... to load (without, it only upgrades an existing case file): %v", err)
				}
			}
			opt, err := df.loadOptions(io.in)
			if err != nil {
				return err
			}
			st, err := store.Open(df.db)
			if err != nil {
				return usageError{explainLock(err)} // held by a server: name it
			}
			defer st.Close()
			if err := df.applyMemory(st); err != nil {
				return err
			}
			if len(args) == 0 {
				sum, err := st.Summary(cmd.Context())
				if err != nil {
					return err
				}
				fmt.Fprintf(io.err, "%s: current schema, %d events from %d files; nothing loaded\n", io.safe(df.db), sum.Events, sum.Files)
				return nil
			}
			report, loadErr := loadWithProgress(cmd.Context(), io, st, args, opt)
			if format == "json" {
				// Paths and reasons may quote the data: hostile runes as
				// \u escapes (textsafe), as in every JSON output.
				var buf bytes.Buffer
				enc := json.NewEncoder(&buf)
				enc.SetIndent("", "  ")
				if err := enc.Encode(report); err != nil {
					return err
				}
				if _, err := io.out.Write([]byte(textsafe.EscapeJSON(buf.String()))); err != nil {
					return err
				}
			} else if err := report.WriteText(io.out, io.safe); err != nil {
				return err
			}
			if loadErr == nil {
				carryVerdicts(cmd.Context(), io.err, io.safe, st, report, args)
			}
			if loadErr != nil {
				return usageError{loadErr}
			}
			if report.Totals().Records == 0 {
				return usagef("nothing could be loaded")
			}
			return nil
		},
	}
	addDataFlags(cmd, &df)
	cmd.Flags().StringVar(&format, "format", "text", "report format: text or json")
	return cmd
}

// loadWithProgress loads into st, drawing the load's progress on stderr
// when it is a terminal.
func loadWithProgress(ctx context.Context, io streams, st *store.Store, paths []string, opt store.LoadOptions) (store.LoadReport, error) {
	progress, erase := stderrProgress(io)
	opt.Progress = progress
	defer erase()
	return st.Load(ctx, paths, opt)
}
