package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/guesthunt/guesthunt/hunt"
)

func newKQLCommand(io streams) *cobra.Command {
	var hf huntFlags
	cmd := &cobra.Command{
		Use:   "kql",
		Short: "Print the rule's KQL with the given baseline and window, to re-run a hunt in Sentinel",
		Long: `kql prints the Sentinel rule's query. At the defaults (14d, 1d) it is the rule's text
byte for byte; other lengths replace ago(14d) and both ago(1d) in Kusto timespan syntax.
With --fold-case it writes !in~ (not the rule's behaviour) and says so in a comment.`,
		Example: `  guesthunt kql
  guesthunt kql --baseline 17d --window 36h`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			p, err := hf.params()
			if err != nil {
				return err
			}
			_, err = fmt.Fprint(io.out, hunt.KQLFor(p))
			return err
		},
	}
	f := cmd.Flags()
	f.StringVar(&hf.asOf, "as-of", "latest", "ignored: ago() counts from when Sentinel runs the query")
	f.MarkHidden("as-of")
	f.StringVar(&hf.baseline, "baseline", "14d", "baseline length, Kusto timespan (14d, 36h, 1.5d)")
	f.StringVar(&hf.window, "window", "1d", "detection window length, Kusto timespan")
	f.BoolVar(&hf.foldCase, "fold-case", false, "write !in~ (case-insensitive) instead of the rule's !in")
	return cmd
}
