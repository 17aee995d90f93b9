package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/guesthunt/guesthunt/data/scenario"
	"github.com/guesthunt/guesthunt/data/triage"
	"github.com/guesthunt/guesthunt/ui"
)

func newScoreCommand(io streams) *cobra.Command {
	var df dataFlags
	var keyPath, format, logPath string
	cmd := &cobra.Command{
		Use:   "score --key KEY (--db CASE | PATH... | --log SESSION)",
		Short: "Grade the verdicts recorded for a data set against an exercise's answer key",
		Long: `score reads the verdicts recorded for the data (in the case file with --db, or the
verdicts the workbench keeps for these exports) and grades them against the key written
by "guesthunt generate", without opening the workbench.

Each case the rule flags is worth two points: the key's verdict exactly is two, the right
side (malicious/suspicious against benign/false-positive) but another verdict is one,
the wrong side or no verdict none. An unflagged decoy counts only when given a verdict.
The score is the points won out of those at stake, 0-100.`,
		Example: `  guesthunt generate --scenario decoys --out ex1
  guesthunt ex1            # triage in the workbench
  guesthunt score --key ex1.key.json ex1`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkFormat(format, "table", "json"); err != nil {
				return err
			}
			if keyPath == "" {
				return usagef("score needs --key KEY (written by guesthunt generate)")
			}
			key, err := readKey(keyPath)
			if err != nil {
				return err
			}
			if logPath != "" {
				// A train session log: the verdicts it replays to.
				if len(args) > 0 || df.db != "" {
					return usagef("--log grades a session log alone: no data arguments")
				}
				given, err := replayLog(logPath)
				if err != nil {
					return err
				}
				return writeScore(io, format, scenario.Grade(key, given))
			}
			ctx := cmd.Context()
			ds, err := openDataset(ctx, io, df, args, false)
			if err != nil {
				return err
			}
			defer ds.store.Close()
			location, _ := triageHome(ctx, ds, df, args)
			fmt.Fprintln(io.err, "verdicts:", io.safe(location))
			all, err := ds.store.Triages(ctx)
			if err != nil {
				return fmt.Errorf("read verdicts: %w", err)
			}
			return writeScore(io, format, scenario.Grade(key, scenario.InviterVerdicts(all)))
		},
	}
	cmd.Flags().StringVar(&keyPath, "key", "", "the answer key (guesthunt generate's DIR.key.json)")
	cmd.Flags().StringVar(&format, "format", "table", "output: table or json")
	cmd.Flags().StringVar(&logPath, "log", "", "grade a guesthunt train session log (its verdicts, replayed) instead of stored verdicts")
	addDataFlags(cmd, &df)
	return cmd
}

// readKey reads an answer key, refusing one without cases (the wrong file).
func readKey(path string) (scenario.Key, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return scenario.Key{}, usageError{err}
	}
	var k scenario.Key
	if err := json.Unmarshal(raw, &k); err != nil {
		return scenario.Key{}, usagef("%s is not an answer key: %v", path, err)
	}
	if k.Scenario == "" || len(k.Cases) == 0 {
		return scenario.Key{}, usagef("%s is not an answer key: no scenario or no cases", path)
	}
	return k, nil
}

// writeScoreTable prints the score for people: the totals, then a line per
// case with its lesson. Subjects come from the logs and are sanitized.
func writeScoreTable(io streams, s scenario.Score) error {
	fmt.Fprintf(io.out, "scenario %s (seed %d): score %d/100 (%d of %d points)\n", io.safe(s.Scenario), s.Seed, s.Score, s.Points, s.OutOf)
	fmt.Fprintf(io.out, "true positives %d · false positives %d · missed %d · wrong verdicts %d · untriaged %d\n\n",
		s.TruePositives, s.FalsePositives, s.Missed, s.WrongVerdicts, s.Untriaged)
	tw := tabwriter.NewWriter(io.out, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "SUBJECT\tFLAGGED\tEXPECTED\tGIVEN\tOUTCOME\tPOINTS")
	for _, c := range s.Cases {
		points := "-"
		if c.OutOf > 0 {
			points = fmt.Sprintf("%d/%d", c.Points, c.OutOf)
		}
		fmt.Fprintf(tw, "%s\t%v\t%s\t%s\t%s\t%s\n", io.safe(c.Subject), c.Flagged, c.Expected, c.Given, c.Outcome, points)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintln(io.out)
	for _, c := range s.Cases {
		fmt.Fprintf(io.out, "%s: %s\n", io.safe(c.Subject), io.safe(c.Explanation))
	}
	return nil
}

func writeScore(io streams, format string, s scenario.Score) error {
	if format == "json" {
		enc := json.NewEncoder(io.out)
		enc.SetIndent("", "  ")
		return enc.Encode(s)
	}
	return writeScoreTable(io, s)
}

// replayLog reads a train session log and returns the inviter verdicts it
// replays to (ui.ReplayVerdicts). The first line names the exercise; lines
// that are not actions are reported by number.
func replayLog(path string) (map[string]triage.Verdict, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, usageError{err}
	}
	defer f.Close()
	var actions []ui.Action
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for n := 1; sc.Scan(); n++ {
		if n == 1 {
			continue // the exercise's header line
		}
		var a ui.Action
		if err := json.Unmarshal(sc.Bytes(), &a); err != nil {
			return nil, usagef("%s:%d: not a session log line: %v", path, n, err)
		}
		actions = append(actions, a)
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	return scenario.InviterVerdicts(ui.ReplayVerdicts(actions)), nil
}
