package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/guesthunt/guesthunt/data/demo"
	"github.com/guesthunt/guesthunt/data/formats"
	"github.com/guesthunt/guesthunt/data/store"
)

// dataFlags select the data a command works on: files, a case file, or
// (neither given) the built-in demo tenant.
type dataFlags struct {
	db     string
	strict bool
	tz     string
	seed   int64
	memory string // --memory-limit (memory.go)
}

// loadOptions are the load options the flags ask for; a bad --tz is a
// usage error.
func (df dataFlags) loadOptions(in io.Reader) (store.LoadOptions, error) {
	opt := store.LoadOptions{Strict: df.strict, Stdin: in}
	if df.tz != "" {
		loc, err := formats.ParseTimeZone(df.tz)
		if err != nil {
			return opt, usagef("--tz: %v", err)
		}
		opt.TimeZone = loc
	}
	return opt, nil
}

// dataset is an open store and what was loaded into it.
type dataset struct {
	store  *store.Store
	report store.LoadReport
	demo   bool
}

// openDataset opens the store and loads paths into it, reporting the load on
// stderr (its progress too, when stderr is a terminal). It is a usage error
// when nothing at all could be loaded.
//
// A case file (--db) is only read: it is opened read-only, or, for the
// workbench (verdicts true), read-write only to save verdicts when the file
// can be written. Adding exports to it is "guesthunt load"'s job.
func openDataset(ctx context.Context, io streams, df dataFlags, paths []string, verdicts bool) (*dataset, error) {
	progress, erase := stderrProgress(io)
	return openDatasetWith(ctx, io, df, paths, verdicts, loadHooks{progress: progress, erase: erase, report: true})
}

// loadHooks say how a dataset's load is shown: progress receives its
// snapshots (nil: none), erase runs once it is over, and report prints the
// load report and, after a big load, the tip to keep a case file on stderr.
// The workbench shows those itself (open_async.go).
type loadHooks struct {
	progress func(store.LoadProgress)
	erase    func()
	report   bool
}

func openDatasetWith(ctx context.Context, io streams, df dataFlags, paths []string, verdicts bool, hooks loadHooks) (*dataset, error) {
	opt, err := df.loadOptions(io.in)
	if err != nil {
		return nil, err
	}
	opt.Progress = hooks.progress
	if df.db != "" && len(paths) > 0 {
		return nil, usagef("--db %s is only read here; add exports to it with: guesthunt load PATH... --db %s", df.db, df.db)
	}
	var st *store.Store
	switch {
	case df.db == "":
		st, err = store.Open("")
	case verdicts:
		st, err = store.OpenForVerdicts(df.db)
	default:
		st, err = store.OpenReadOnly(df.db)
	}
	if err != nil {
		return nil, usageError{explainLock(err)} // held by a server: name it
	}
	if err := df.applyMemory(st); err != nil {
		st.Close()
		return nil, err
	}
	ds := &dataset{store: st}
	switch {
	case len(paths) > 0:
		ds.report, err = st.Load(ctx, paths, opt)
		if hooks.erase != nil {
			hooks.erase()
		}
		if hooks.report {
			ds.report.WriteText(io.err, io.safe)
			if err == nil {
				fmt.Fprint(io.err, reopenTip(ds.report))
			}
		}
		if err != nil {
			st.Close()
			if errors.Is(err, store.ErrStrict) {
				return nil, usageError{err}
			}
			return nil, err
		}
	case df.db == "":
		ds.demo = true
		if err := loadDemo(ctx, st, df.seed); err != nil {
			st.Close()
			return nil, err
		}
	}
	events, err := st.EventCount(ctx)
	if err != nil {
		st.Close()
		return nil, err
	}
	if events == 0 {
		st.Close()
		if len(paths) > 0 {
			return nil, usagef("nothing could be loaded from %d path(s)", len(paths))
		}
		return nil, usagef("the case file %s holds no events", df.db)
	}
	return ds, nil
}

// loadDemo writes the demo tenant as a Log Analytics export to a temp file
// and loads that, so the detail view can show its records like any export's.
func loadDemo(ctx context.Context, st *store.Store, seed int64) error {
	dir, err := os.MkdirTemp("", "guesthunt-demo-*")
	if err != nil {
		return err
	}
	path := filepath.Join(dir, fmt.Sprintf("demo-tenant-seed%d.ndjson", seed))
	if err := store.WriteFile(path, formats.FormatLANDJSON, demo.Tenant(seed)); err != nil {
		return fmt.Errorf("write demo tenant: %w", err)
	}
	st.RemoveOnClose(dir)
	report, err := st.Load(ctx, []string{path}, store.LoadOptions{Strict: true})
	if err != nil {
		return fmt.Errorf("load demo tenant: %w", err)
	}
	if report.Failed() > 0 {
		return fmt.Errorf("load demo tenant: %s", report.Files[0].Error)
	}
	return nil
}
