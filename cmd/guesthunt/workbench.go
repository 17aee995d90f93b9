package main

import (
	"context"
	"io"
	"os"
	"os/user"

	"github.com/charmbracelet/x/term"

	tea "charm.land/bubbletea/v2"
	"github.com/guesthunt/guesthunt/hunt"
	"github.com/guesthunt/guesthunt/ui"
)

// runWorkbench runs the interactive workbench on ds until the analyst quits.
// The root command calls it when stdout is a terminal; the program's own
// environment (tea.EnvMsg) carries NO_COLOR to the model, and the terminal
// is asked for its background from inside the event loop.
func runWorkbench(ctx context.Context, io streams, ds *dataset, df dataFlags, args []string, p hunt.Params) error {
	info, err := dataSetInfo(ctx, ds)
	if err != nil {
		return err
	}
	location, durable := triageHome(ctx, ds, df, args)
	m := ui.New(ui.Deps{
		Engine:         hunt.NewEngine(ds.store),
		Store:          ds.store,
		Data:           info,
		Params:         p,
		IsDark:         true,
		Context:        ctx,
		Triage:         newVerdictStore(ds),
		Analyst:        analystName(),
		TriageLocation: location,
		TriageDurable:  durable,
		KQL:            hunt.KQLText,
		ExportDir:      workingDir(),
		Export:         reportExporter(ds, df, args),
	})
	opts := []tea.ProgramOption{tea.WithContext(ctx), tea.WithOutput(io.out), tea.WithEnvironment(os.Environ())}
	if io.in != nil {
		// Standard input may have carried the data: keys then come from /dev/tty (tty.go).
		keys, closeKeys, err := openKeyInput(io.in, args)
		if err != nil {
			return err
		}
		defer closeKeys()
		opts = append(opts, tea.WithInput(keys))
	}
	_, err = tea.NewProgram(m, opts...).Run()
	if ctx.Err() != nil {
		return nil // interrupted: leaving is what was asked for
	}
	return err
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
