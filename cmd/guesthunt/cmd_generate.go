package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/guesthunt/guesthunt/data/formats"
	"github.com/guesthunt/guesthunt/data/scenario"
	"github.com/guesthunt/guesthunt/data/store"
)

// generateFlags are the generate command's options.
type generateFlags struct {
	list         bool
	name, format string
	out, key     string
	seed         int64
	days, events int
}

func newGenerateCommand(io streams) *cobra.Command {
	var gf generateFlags
	cmd := &cobra.Command{
		Use:   "generate --scenario NAME --out DIR [--seed N] [--format FMT] [--days N] [--events N] [--key PATH] | --list",
		Short: "Write a training tenant's audit logs into a directory and its answer key beside it",
		Long: `generate writes the audit logs of a training scenario into DIR, in any export
format "demo --format" knows, and the answer key (JSON: the rule's parameters and,
per flagged inviter and decoy, the right verdict and why) to DIR.key.json beside
it. The key never lands inside DIR, so "guesthunt hunt DIR" sees only the logs.
The same scenario, seed and options always give the same files.`,
		Example: `  guesthunt generate --list
  guesthunt generate --scenario textbook --out ex1
  guesthunt generate --scenario overlap --format entra-csv --seed 7 --out ex2 --key answers/ex2.json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if gf.list {
				for _, s := range scenario.List() {
					fmt.Fprintf(io.out, "%-16s %-7s %s\n", s.Name, s.Level, s.Description)
				}
				return nil
			}
			return runGenerate(io, gf)
		},
	}
	f := cmd.Flags()
	f.BoolVar(&gf.list, "list", false, "print the scenarios, one a line: name, level, description")
	f.StringVar(&gf.name, "scenario", "", fmt.Sprintf("scenario to generate: %s", strings.Join(scenario.Names(), ", ")))
	f.StringVar(&gf.format, "format", string(formats.FormatLANDJSON), fmt.Sprintf("export format: %v", formats.Formats))
	f.Int64Var(&gf.seed, "seed", 1, "seed (the same seed gives the same tenant)")
	f.IntVar(&gf.days, "days", 0, "days of log (default: the scenario's)")
	f.IntVar(&gf.events, "events", 0, "everyday directory events over the span, about (default: the scenario's)")
	f.StringVar(&gf.out, "out", "", "directory to write the logs into (created; must be empty)")
	f.StringVar(&gf.key, "key", "", "file to write the answer key to, outside --out (default: DIR.key.json)")
	return cmd
}

func runGenerate(io streams, gf generateFlags) error {
	if gf.name == "" {
		return usagef("--scenario is required (see guesthunt generate --list)")
	}
	if gf.out == "" {
		return usagef("--out DIR is required: the logs go into a directory, the key beside it")
	}
	format, err := formats.ParseFormat(gf.format)
	if err != nil {
		return usageError{err}
	}
	keyPath, err := keyPathFor(gf.out, gf.key)
	if err != nil {
		return err
	}
	if err := emptyOrAbsent(gf.out); err != nil {
		return err
	}
	tn, err := scenario.Generate(gf.name, scenario.Options{Seed: gf.seed, Days: gf.days, Events: gf.events, Format: format})
	if err != nil {
		return usageError{err}
	}
	// Both places exist before anything is written, so a run never stops
	// between the logs and their key.
	for _, dir := range []string{gf.out, filepath.Dir(keyPath)} {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return err
		}
	}
	records := 0
	var names []string
	for _, file := range tn.Files {
		if err := store.WriteFile(filepath.Join(gf.out, file.Name), file.Format, file.Records); err != nil {
			return err
		}
		records += len(file.Records)
		names = append(names, fmt.Sprintf("%s (%s)", file.Name, file.Format))
	}
	if err := os.WriteFile(keyPath, tn.Key.JSON(), 0o644); err != nil {
		return fmt.Errorf("write the key: %w", err)
	}
	fmt.Fprintf(io.err, "wrote %d records to %s: %s\nanswer key: %s (hunt first, then compare)\n",
		records, io.safe(gf.out), io.safe(strings.Join(names, ", ")), io.safe(keyPath))
	return nil
}

// keyPathFor is where the key goes: key, or DIR.key.json beside out. A key
// inside out (through a symlink too) would hand the answer to whoever hunts
// the directory, so it is refused.
func keyPathFor(out, key string) (string, error) {
	if key == "" {
		abs, err := filepath.Abs(out)
		if err != nil {
			return "", err
		}
		key = abs + ".key.json"
	}
	o, err := resolvePath(out)
	if err != nil {
		return "", err
	}
	k, err := resolvePath(key)
	if err != nil {
		return "", err
	}
	if rel, err := filepath.Rel(o, k); err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return "", usagef("--key %s is inside --out %s: the key must stay outside the logs, or hunting the directory gives the answer away", key, out)
	}
	if info, err := os.Stat(key); err == nil && info.IsDir() {
		return "", usagef("--key %s is a directory: give a file name", key)
	}
	return key, nil
}

// resolvePath makes p absolute with every symlink of its existing part
// resolved, so two spellings of one place compare equal.
func resolvePath(p string) (string, error) {
	abs, err := filepath.Abs(p)
	if err != nil {
		return "", err
	}
	rest := ""
	for dir := abs; ; dir = filepath.Dir(dir) {
		if real, err := filepath.EvalSymlinks(dir); err == nil {
			return filepath.Join(real, rest), nil
		} else if !errors.Is(err, os.ErrNotExist) {
			return "", err
		}
		if parent := filepath.Dir(dir); parent == dir {
			return abs, nil
		}
		rest = filepath.Join(filepath.Base(dir), rest)
	}
}

// emptyOrAbsent refuses an out directory that already holds files: a hunt
// of it would mix the exercise with whatever is there.
func emptyOrAbsent(out string) error {
	entries, err := os.ReadDir(out)
	switch {
	case errors.Is(err, os.ErrNotExist):
		return nil
	case err != nil:
		if info, serr := os.Stat(out); serr == nil && !info.IsDir() {
			return usagef("--out %s is a file: give a directory", out)
		}
		return err
	case len(entries) > 0:
		return usagef("--out %s is not empty: give a new or empty directory, so the exercise's logs are all it holds", out)
	}
	return nil
}
