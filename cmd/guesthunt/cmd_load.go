package main

import (
	"bytes"
	"encoding/json"

	"github.com/spf13/cobra"

	"github.com/guesthunt/guesthunt/data/store"
	"github.com/guesthunt/guesthunt/textsafe"
)

func newLoadCommand(io streams) *cobra.Command {
	var df dataFlags
	var format string
	cmd := &cobra.Command{
		Use:   "load PATH... --db FILE",
		Short: "Load exports into a case file and report what was read",
		Example: `  guesthunt load exports/ --db case.duckdb
  zcat AuditLogs.ndjson.gz | guesthunt load - --db case.duckdb --format json`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkFormat(format, "text", "json"); err != nil {
				return err
			}
			if df.db == "" {
				return usagef("load needs --db FILE: the case file to keep the data in")
			}
			opt, err := df.loadOptions(io.in)
			if err != nil {
				return err
			}
			st, err := store.Open(df.db)
			if err != nil {
				return usageError{err}
			}
			defer st.Close()
			if err := df.applyMemory(st); err != nil {
				return err
			}
			report, loadErr := st.Load(cmd.Context(), args, opt)
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
