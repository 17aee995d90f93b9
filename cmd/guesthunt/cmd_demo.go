package main

import (
	"bufio"
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"github.com/guesthunt/guesthunt/data"
	"github.com/guesthunt/guesthunt/data/demo"
	"github.com/guesthunt/guesthunt/data/formats"
	"github.com/guesthunt/guesthunt/data/store"
)

func newDemoCommand(io streams) *cobra.Command {
	var format, out string
	var seed int64
	var events int
	cmd := &cobra.Command{
		Use:   "demo [--format FMT] [--seed N] [--out PATH]",
		Short: "Write the demo tenant (a month of audit logs with planted new inviters) in any export format",
		Example: `  guesthunt demo --format la-ndjson --out demo.ndjson
  guesthunt demo --format entra-csv --seed 7 > demo.csv
  guesthunt demo --format parquet --out demo.parquet`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			f, err := formats.ParseFormat(format)
			if err != nil {
				return usageError{err}
			}
			if events > 0 {
				return writeBulk(io, f, seed, events, out)
			}
			recs := demo.Tenant(seed)
			if out != "" && out != "-" {
				if err := store.WriteFile(out, f, recs); err != nil {
					return err
				}
				fmt.Fprintf(io.err, "wrote %d records as %s to %s\n", len(recs), f, io.safe(out))
				return nil
			}
			if f == formats.FormatParquet {
				return usagef("parquet needs --out PATH")
			}
			w := bufio.NewWriter(io.out)
			if err := formats.WriteRecords(w, f, recs); err != nil {
				return err
			}
			return w.Flush()
		},
	}
	cmd.Flags().StringVar(&format, "format", string(formats.FormatLANDJSON), fmt.Sprintf("export format: %v", formats.Formats))
	cmd.Flags().Int64Var(&seed, "seed", 1, "seed of the generated tenant (the same seed gives the same data)")
	cmd.Flags().StringVar(&out, "out", "", "file to write (default: standard output)")
	cmd.Flags().IntVar(&events, "events", 0, "instead of the demo tenant, N events of a large synthetic tenant (benchmarks; line formats only)")
	return cmd
}

// writeBulk streams a large synthetic tenant in chunks, for benchmarks.
func writeBulk(io streams, f formats.Format, seed int64, events int, out string) error {
	if f != formats.FormatLANDJSON && f != formats.FormatGraphNDJSON && f != formats.FormatDiag {
		return usagef("--events works with the line formats la-ndjson, graph-ndjson and diag")
	}
	dst := io.out
	if out != "" && out != "-" {
		file, err := os.Create(out)
		if err != nil {
			return err
		}
		defer file.Close()
		dst = file
	}
	w := bufio.NewWriterSize(dst, 1<<20)
	chunk := make([]data.Record, 0, 10000)
	flush := func() error {
		err := formats.WriteRecords(w, f, chunk)
		chunk = chunk[:0]
		return err
	}
	err := demo.Bulk(seed, events, func(r data.Record) error {
		chunk = append(chunk, r)
		if len(chunk) == cap(chunk) {
			return flush()
		}
		return nil
	})
	if err == nil {
		err = flush()
	}
	if err == nil {
		err = w.Flush()
	}
	return err
}
