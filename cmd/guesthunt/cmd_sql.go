package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/guesthunt/guesthunt/data/store"
	"github.com/guesthunt/guesthunt/hunt"
)

func newSQLCommand(io streams) *cobra.Command {
	var df dataFlags
	var format string
	cmd := &cobra.Command{
		Use:   "sql 'SELECT ...' [PATH...|--db FILE]",
		Short: "Run a read-only SQL query over the AuditLogs view",
		Example: `  guesthunt sql "SELECT OperationName, count(*) n FROM AuditLogs GROUP BY ALL ORDER BY n DESC" exports/
  guesthunt sql "SELECT * FROM AuditLogs WHERE Id = 'Directory_...'" --db case.duckdb --format json`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkFormat(format, "table", "json", "csv"); err != nil {
				return err
			}
			ds, err := openDataset(cmd.Context(), io, df, args[1:], false)
			if err != nil {
				return err
			}
			defer ds.store.Close()
			res, err := ds.store.ReadOnlyQuery(cmd.Context(), args[0])
			if err != nil {
				return usageError{err}
			}
			if res.Truncated {
				fmt.Fprintf(io.err, "note: only the first %d rows are shown; add a LIMIT or aggregate\n", store.MaxQueryRows)
			}
			return writeTable(io, format, hunt.Table{Columns: res.Columns, Rows: res.Rows}, 0)
		},
	}
	addDataFlags(cmd, &df)
	cmd.Flags().StringVar(&format, "format", "table", "output: table, json or csv")
	return cmd
}
