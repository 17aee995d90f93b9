package main

import (
	"context"
	"errors"
	"io"
	"os"
	"os/user"
	"sync/atomic"

	"github.com/charmbracelet/x/term"

	tea "charm.land/bubbletea/v2"
	"github.com/guesthunt/guesthunt/hunt"
	"github.com/guesthunt/guesthunt/ui"
)

// runWorkbench runs the interactive workbench until the analyst quits. It
// opens at once: the data loads in the background (open_async.go) while the
// screen shows its progress, and the rule runs when it is in. Keys come from
// /dev/tty when standard input carries the data (tty.go), decided before
// the load so a missing terminal is said at once. The program's own
// environment (tea.EnvMsg) carries NO_COLOR to the model, and the terminal
// is asked for its background from inside the event loop.
func runWorkbench(ctx context.Context, io streams, df dataFlags, args []string, p hunt.Params) error {
	opts, closeKeys, err := programOptions(ctx, io, args)
	if err != nil {
		return err
	}
	defer closeKeys()
	return runWorkbenchOn(ctx, io, df, args, p, openDatasetAsync(ctx, io, df, args, true), opts)
}

// runWorkbenchOn runs the workbench while o opens its data (a load, or a
// pull then the case it filled: pull --open).
func runWorkbenchOn(ctx context.Context, io streams, df dataFlags, args []string, p hunt.Params, o *openingDataset, opts []tea.ProgramOption) error {
	defer o.Close()
	var taken atomic.Pointer[dataset] // the model's, once loaded: closed here
	defer func() {
		if ds := taken.Load(); ds != nil {
			ds.store.Close()
		}
	}()
	opened := func(ds *dataset, err error) tea.Msg {
		if err != nil {
			return ui.OpenedMsg{Err: errors.New(plainError(err))}
		}
		taken.Store(ds)
		info, err := dataSetInfo(ctx, ds)
		if err != nil {
			return ui.OpenedMsg{Err: errors.New(plainError(err))}
		}
		location, durable := triageHome(ctx, ds, df, args)
		engine := hunt.NewEngine(ds.store)
		return ui.OpenedMsg{Opened: ui.Opened{
			Engine: engine, Replay: engine.Replay, Trails: engine.Trails, Store: ds.store, Data: info, Report: ds.report,
			Triage: newVerdictStore(ds), TriageLocation: location, TriageDurable: durable,
			Export: reportExporter(ds, df, args), Tip: joinTips(o.note, reopenStatus(ds.report)),
		}}
	}
	m := ui.New(ui.Deps{
		Data:      ui.DataSetInfo{Files: pendingFiles(df, args)},
		Params:    p,
		IsDark:    true,
		Context:   ctx,
		Analyst:   analystName(),
		KQL:       hunt.KQLText,
		ExportDir: workingDir(),
		Load:      func() tea.Cmd { return o.Next(opened) },
	})
	_, err := tea.NewProgram(m, opts...).Run()
	if ctx.Err() != nil {
		return nil // interrupted: leaving is what was asked for
	}
	return err
}

// pendingFiles names what is being opened, for the header before the load
// is done.
func pendingFiles(df dataFlags, args []string) []string {
	switch {
	case df.db != "":
		return []string{df.db}
	case len(args) == 0:
		return []string{"demo tenant"}
	}
	return args
}

// dataSetInfo describes what is loaded for the header. The time span is left
// to the workbench, which takes it from the engine's coverage.
func dataSetInfo(ctx context.Context, ds *dataset) (ui.DataSetInfo, error) {
	events, err := ds.store.EventCount(ctx)
	if err != nil {
		return ui.DataSetInfo{}, err
	}
	info := ui.DataSetInfo{Events: int(events), Demo: ds.demo}
	for _, f := range ds.report.Files {
		info.Files = append(info.Files, f.Path)
	}
	if len(info.Files) == 0 && ds.store.Path() != "" {
		info.Files = []string{ds.store.Path()}
	}
	if ds.demo {
		info.Files = []string{"demo tenant"}
	}
	return info, nil
}

// isTerminal reports whether w is a terminal, where the workbench belongs;
// anywhere else (a pipe, a file) the bare command prints the hunt instead.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(f.Fd())
}

// analystName is who verdicts are recorded as: the login name.
func analystName() string {
	if u, err := user.Current(); err == nil && u.Username != "" {
		return u.Username
	}
	if name := os.Getenv("USER"); name != "" {
		return name
	}
	return "analyst"
}

// programOptions are a workbench program's: the context, the output, the
// environment (NO_COLOR), and keys from the terminal, which is /dev/tty
// when standard input carries the data (tty.go). closeKeys releases them.
func programOptions(ctx context.Context, io streams, args []string) (opts []tea.ProgramOption, closeKeys func(), err error) {
	opts = []tea.ProgramOption{tea.WithContext(ctx), tea.WithOutput(io.out), tea.WithEnvironment(os.Environ())}
	closeKeys = func() {}
	if io.in != nil {
		keys, closeIn, err := openKeyInput(io.in, args)
		if err != nil {
			return nil, nil, err
		}
		opts, closeKeys = append(opts, tea.WithInput(keys)), closeIn
	}
	return opts, closeKeys, nil
}

// joinTips says both, the first first, leaving out an empty one.
func joinTips(a, b string) string {
	switch {
	case a == "":
		return b
	case b == "":
		return a
	}
	return a + "; " + b
}
