package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/spf13/cobra"

	"github.com/guesthunt/guesthunt/data/scenario"
	"github.com/guesthunt/guesthunt/data/store"
	"github.com/guesthunt/guesthunt/data/triage"
	"github.com/guesthunt/guesthunt/hunt"
	"github.com/guesthunt/guesthunt/ui"
)

func newTrainCommand(io streams) *cobra.Command {
	var seed int64
	var days, events int
	var keyPath, logPath string
	cmd := &cobra.Command{
		Use:   "train SCENARIO | train --key KEY DIR",
		Short: "Work a training exercise in the workbench, then score it (X)",
		Long: `train opens the workbench on an exercise: a scenario generated on the spot (the
names "guesthunt generate --list" prints), or a tenant generated earlier with its key
(--key KEY DIR). The key stays out of the workbench until X submits the verdicts; the
score page then shows true and false positives, misses, wrong verdicts, each case's
lesson and the time taken. Verdicts are the exercise's own (in memory). Every key press
and verdict goes to a session log (JSON lines) a trainer can read and replay.`,
		Example: `  guesthunt train decoys
  guesthunt train compromised --seed 7
  guesthunt train --key ex1.key.json ex1`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if !isTerminal(io.out) {
				return usagef("train opens the workbench and needs a terminal; grade verdicts without one with: guesthunt score --key KEY ...")
			}
			key, paths, cleanup, err := exerciseData(io, keyPath, args, scenario.Options{Seed: seed, Days: days, Events: events})
			if err != nil {
				return err
			}
			defer cleanup()
			return runExercise(cmd, io, key, paths, logPath)
		},
	}
	f := cmd.Flags()
	f.Int64Var(&seed, "seed", 1, "seed of the generated tenant")
	f.IntVar(&days, "days", 0, "days of log (0 = the scenario's default)")
	f.IntVar(&events, "events", 0, "everyday events (0 = the scenario's default)")
	f.StringVar(&keyPath, "key", "", "the answer key of a tenant generated earlier (then DIR is its logs)")
	f.StringVar(&logPath, "log", "", "session log to write (default: under the state directory, exercises/)")
	return cmd
}

// exerciseData is the exercise's key and the paths of its logs: generated
// into a private temporary directory (removed by cleanup), or given.
func exerciseData(io streams, keyPath string, args []string, opt scenario.Options) (scenario.Key, []string, func(), error) {
	none := func() {}
	if keyPath != "" {
		if len(args) == 0 {
			return scenario.Key{}, nil, none, usagef("train --key KEY needs the tenant's logs: train --key KEY DIR")
		}
		k, err := readKey(keyPath)
		return k, args, none, err
	}
	if len(args) != 1 {
		return scenario.Key{}, nil, none, usagef("train needs one scenario (guesthunt generate --list names them), or --key KEY DIR")
	}
	t, err := scenario.Generate(args[0], opt)
	if err != nil {
		return scenario.Key{}, nil, none, usageError{err}
	}
	dir, err := os.MkdirTemp("", "guesthunt-train-")
	if err != nil {
		return scenario.Key{}, nil, none, err
	}
	cleanup := func() { os.RemoveAll(dir) }
	for _, f := range t.Files {
		if err := store.WriteFile(filepath.Join(dir, f.Name), f.Format, f.Records); err != nil {
			cleanup()
			return scenario.Key{}, nil, none, err
		}
	}
	return t.Key, []string{dir}, cleanup, nil
}

// exerciseParams are the key's: the rule as the key was made for.
func exerciseParams(k scenario.Key) (hunt.Params, error) {
	p := hunt.DefaultParams()
	var err error
	if p.AsOf, err = hunt.ParseAsOf(k.AsOf); err != nil {
		return p, fmt.Errorf("key asOf: %w", err)
	}
	if p.Baseline, err = hunt.ParseTimespan(k.Baseline); err != nil {
		return p, fmt.Errorf("key baseline: %w", err)
	}
	if p.Window, err = hunt.ParseTimespan(k.Window); err != nil {
		return p, fmt.Errorf("key window: %w", err)
	}
	return p, p.Validate()
}

func runExercise(cmd *cobra.Command, io streams, key scenario.Key, paths []string, logPath string) error {
	ctx := cmd.Context()
	p, err := exerciseParams(key)
	if err != nil {
		return usageError{err}
	}
	ds, err := openDataset(ctx, io, dataFlags{}, paths, false)
	if err != nil {
		return err
	}
	defer ds.store.Close()
	info, err := dataSetInfo(ctx, ds)
	if err != nil {
		return err
	}
	info.Files = []string{"exercise " + key.Scenario}
	log, err := openActionLog(logPath, key)
	if err != nil {
		return err
	}
	defer log.close()
	eng := hunt.NewEngine(ds.store)
	m := ui.New(ui.Deps{
		Engine: eng, Replay: eng.Replay, Trails: eng.Trails, Store: ds.store, Data: info, Params: p, IsDark: true, Context: ctx,
		Analyst: analystName(), KQL: hunt.KQLText, ExportDir: workingDir(), Export: reportExporter(ds, dataFlags{}, paths),
		Triage: triage.New(triage.NewMemory()), TriageLocation: "exercise: your own verdicts; X scores them",
		Exercise: &ui.Exercise{Name: key.Scenario, Started: time.Now(), Grade: grader(key), Log: log.write},
	})
	opts, closeKeys, err := programOptions(ctx, io, nil)
	if err != nil {
		return err
	}
	defer closeKeys()
	final, err := tea.NewProgram(m, opts...).Run()
	if fm, ok := final.(ui.Model); ok {
		if s := fm.ExerciseScore(); s != nil {
			fmt.Fprintf(io.err, "exercise %s (seed %d): score %d/100\n", io.safe(key.Scenario), key.Seed, s.Score)
		} else {
			fmt.Fprintf(io.err, "exercise %s: not submitted\n", io.safe(key.Scenario))
		}
	}
	fmt.Fprintln(io.err, "session log:", io.safe(log.path))
	if ctx.Err() != nil {
		return nil
	}
	return err
}

// grader scores verdicts on inviters against k.
func grader(k scenario.Key) func(map[triage.Subject]triage.Triage) scenario.Score {
	return func(v map[triage.Subject]triage.Triage) scenario.Score {
		return scenario.Grade(k, scenario.InviterVerdicts(v))
	}
}

// actionLog writes the session log, one JSON object a line, the first
// naming the exercise.
type actionLog struct {
	mu   sync.Mutex
	path string
	f    *os.File
	w    *bufio.Writer
	enc  *json.Encoder
}

func openActionLog(path string, k scenario.Key) (*actionLog, error) {
	if path == "" {
		dir, err := triage.StateDir()
		if err != nil {
			return nil, err
		}
		dir = filepath.Join(dir, "exercises")
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return nil, err
		}
		path = filepath.Join(dir, fmt.Sprintf("%s-seed%d-%s.jsonl", k.Scenario, k.Seed, time.Now().UTC().Format("20060102T150405Z")))
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return nil, usageError{fmt.Errorf("session log: %w", err)}
	}
	l := &actionLog{path: path, f: f, w: bufio.NewWriter(f)}
	l.enc = json.NewEncoder(l.w)
	l.enc.Encode(map[string]any{"exercise": k.Scenario, "seed": k.Seed, "asOf": k.AsOf, "baseline": k.Baseline, "window": k.Window, "started": time.Now().UTC()})
	return l, nil
}

// write appends one action; buffered, so a key press never waits on disk.
func (l *actionLog) write(a ui.Action) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.enc.Encode(a)
}

func (l *actionLog) close() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.w.Flush()
	l.f.Close()
}
