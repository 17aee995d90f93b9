package main

import (
	"fmt"
	"strings"
	"time"

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
With --fold-case it writes !in~ (not the rule's behaviour) and says so in a comment.

--as-of pins the query to an instant, so that Sentinel evaluates exactly the intervals
"guesthunt hunt --as-of" used: a let binds as_of to a datetime with seven fractional digits,
every ago(x) becomes as_of - x, and the detection window also ends at as_of (events after it
are left out, as guesthunt leaves them out). The workbench's K shows the same text.

  (no --as-of), now   the rule's ago() form: Sentinel counts back from when it runs the query
  RFC 3339 instant    the query pinned at that instant
  latest              refused: kql reads no data, so it cannot know the latest event. Use the
                      as-of that "guesthunt hunt" or "guesthunt report" printed, which are
                      written out to the 100 ns tick.`,
		Example: `  guesthunt kql
  guesthunt kql --baseline 17d --window 36h
  guesthunt kql --as-of 2026-10-31T12:00:00.0000000Z --fold-case`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			asOf, err := kqlAsOf(hf.asOf)
			if err != nil {
				return err
			}
			p, err := hf.params()
			if err != nil {
				return err
			}
			_, err = fmt.Fprint(io.out, hunt.KQLText(p, asOf))
			return err
		},
	}
	f := cmd.Flags()
	f.StringVar(&hf.asOf, "as-of", "", `pin the query to this RFC 3339 instant ("now" or unset: the rule's ago() form)`)
	f.StringVar(&hf.baseline, "baseline", "14d", "baseline length, Kusto timespan (14d, 36h, 1.5d)")
	f.StringVar(&hf.window, "window", "1d", "detection window length, Kusto timespan")
	f.BoolVar(&hf.foldCase, "fold-case", false, "write !in~ (case-insensitive) instead of the rule's !in")
	return cmd
}

// kqlAsOf is the instant kql pins the query to; zero means the ago() form.
func kqlAsOf(s string) (time.Time, error) {
	if strings.TrimSpace(s) == "" {
		return time.Time{}, nil
	}
	a, err := hunt.ParseAsOf(s)
	if err != nil {
		return time.Time{}, usagef("--as-of: %v", err)
	}
	switch a.Mode {
	case hunt.AsOfNow:
		return time.Time{}, nil // Sentinel's own now() is what ago() counts from
	case hunt.AsOfLatest:
		return time.Time{}, usagef(`--as-of latest: kql reads no data, so it cannot know the latest event; give the as-of instant "guesthunt hunt" printed, e.g. --as-of 2026-10-31T12:00:00.0000000Z`)
	}
	return a.At, nil
}
