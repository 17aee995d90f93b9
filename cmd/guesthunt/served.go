package main

import (
	"context"
	"path/filepath"
	"runtime"

	"github.com/guesthunt/guesthunt/data/store"
	"github.com/guesthunt/guesthunt/data/triage"
	"github.com/guesthunt/guesthunt/hunt"
	"github.com/guesthunt/guesthunt/ui"
)

// exerciseLocation is what an exercise session's header says of its verdicts.
const exerciseLocation = "exercise: your own verdicts, not saved"

// servedData is what "guesthunt serve" opens once and every session and
// ssh command shares: the dataset, one engine and one verdict store for the
// case (triage.Shared serialises saves and tells every session of each).
// All of it is safe for concurrent use; nothing in it changes after
// openServed but through those.
type servedData struct {
	ds       *dataset
	df       dataFlags // how the data was named, for reports' re-run command
	args     []string
	engine   *hunt.Engine
	triage   triage.Store
	location string // where verdicts are kept, for headers and reports
	durable  bool
	info     ui.DataSetInfo
	params   hunt.Params // the parameters a session starts at
	// exportRoot holds one folder per analyst for the workbench's e.
	exportRoot string
	// class runs exercise logins as a scored exercise (--exercise-key);
	// nil: exercise logins just get verdicts of their own.
	class *classroom
}

// openServed loads or opens the data once, as the workbench would (a case
// file read-write only to save verdicts), and decides where its verdicts
// live. The caller closes it.
func openServed(ctx context.Context, io streams, df dataFlags, args []string, p hunt.Params, stateDir string) (*servedData, error) {
	ds, err := openDataset(ctx, io, df, args, true)
	if err != nil {
		return nil, err
	}
	info, err := dataSetInfo(ctx, ds)
	if err != nil {
		ds.store.Close()
		return nil, err
	}
	location, durable := triageHome(ctx, ds, df, args)
	// Engine questions on all cores but one, which keeps drawing: unbounded,
	// twenty sessions' queries starved every session's redraw
	// (docs/PERFORMANCE.md, serve).
	engine := hunt.NewEngine(ds.store)
	engine.SetConcurrency(max(1, runtime.NumCPU()-1))
	return &servedData{
		ds: ds, df: df, args: append([]string(nil), args...),
		engine: engine, triage: newVerdictStore(ds),
		location: location, durable: durable, info: info, params: p,
		exportRoot: servedExportRoot(stateDir),
	}, nil
}

// servedExportRoot is the folder analysts' exports go under: the server's
// state directory, never its working directory.
func servedExportRoot(stateDir string) string {
	return filepath.Join(stateDir, "serve", "exports")
}

// Close closes the store. Only openServed's caller may call it: exercise
// views share the store.
func (d *servedData) Close() error { return d.ds.store.Close() }

// exercise is the view an exercise session gets: the same data and engine,
// and verdicts of its own, in memory, that no one else sees and that go
// with the session.
func (d *servedData) exercise() *servedData {
	v := *d
	v.triage = triage.New(triage.NewMemory())
	v.location, v.durable = exerciseLocation, false
	return &v
}

// verdicts reads the verdicts a report of this view shows.
func (d *servedData) verdicts(ctx context.Context) (map[store.Subject]store.Triage, error) {
	return d.triage.All(ctx)
}

// heldFile is the file the server holds DuckDB's lock on, beside which its
// sidecar goes: the case file, or the state-directory verdict file of raw
// exports; "" for data held in memory only (the demo).
func (d *servedData) heldFile() string {
	if d.df.db != "" {
		return d.df.db
	}
	return d.ds.store.TriagePath()
}
