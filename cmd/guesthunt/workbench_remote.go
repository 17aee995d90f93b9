package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/guesthunt/guesthunt/data/store"
	"github.com/guesthunt/guesthunt/data/triage"
	"github.com/guesthunt/guesthunt/hunt"
	"github.com/guesthunt/guesthunt/ui"
)

// runRemoteWorkbench is the bare command with --workspace on a terminal:
// the workbench over alerts computed in Log Analytics (hunt.Remote). It
// signs in before the screen opens, so a device-code prompt is seen.
func runRemoteWorkbench(ctx context.Context, io streams, df dataFlags, rf remoteFlags, args []string, p hunt.Params) error {
	deps, closeDeps, err := remoteWorkbenchDeps(ctx, df, rf, args, p)
	if err != nil {
		return err
	}
	defer closeDeps()
	opts, closeKeys, err := programOptions(ctx, io, args)
	if err != nil {
		return err
	}
	defer closeKeys()
	_, err = tea.NewProgram(ui.New(deps), opts...).Run()
	if ctx.Err() != nil {
		return nil // interrupted: leaving is what was asked for
	}
	return err
}

// remoteWorkbenchDeps opens the workspace and the verdict store and
// returns the workbench's Deps; the func closes what was opened.
func remoteWorkbenchDeps(ctx context.Context, df dataFlags, rf remoteFlags, args []string, p hunt.Params) (ui.Deps, func(), error) {
	switch {
	case len(args) > 0:
		return ui.Deps{}, nil, usagef("--workspace runs the rule where the data is: give no export paths")
	case rf.openKusto == nil:
		return ui.Deps{}, nil, usagef("--workspace needs the live source, not wired in this build")
	}
	k, err := rf.openKusto(ctx, rf.workspace)
	if err != nil {
		return ui.Deps{}, nil, fmt.Errorf("workspace %s: %w", rf.workspace, err)
	}
	st, location, durable, err := remoteTriage(ctx, df.db, rf.workspace)
	if err != nil {
		return ui.Deps{}, nil, err
	}
	deps := ui.Deps{
		Engine: hunt.NewRemote(k, rf.workspace, rf.now),
		// No Store: the original records are in the workspace, not here.
		Data:    ui.DataSetInfo{Files: []string{"workspace " + rf.workspace}},
		Params:  p,
		IsDark:  true,
		Context: ctx,
		Analyst: analystName(),
		KQL:     hunt.KQLText,
		Triage:  triage.New(st), TriageLocation: location, TriageDurable: durable,
		ExportDir: workingDir(),
		Export:    remoteExporter(rf.workspace),
	}
	return deps, func() { st.Close() }, nil
}

// remoteTriage opens where a workspace's verdicts live: the case file with
// --db; without it a state file keyed by "la://<workspace>", as raw
// exports' are keyed by their content (triage_home.go), so reopening the
// same workspace brings them back. A state file that cannot be used leaves
// verdicts in memory, said in the location.
func remoteTriage(ctx context.Context, db, workspace string) (st *store.Store, location string, durable bool, err error) {
	if db != "" {
		st, err := store.Open(db)
		if err != nil {
			return nil, "", false, fmt.Errorf("case file %s: %w", db, explainLock(err))
		}
		return st, st.TriagePath(), st.TriageDurable(), nil
	}
	st, err = store.Open("")
	if err != nil {
		return nil, "", false, err
	}
	path, err := workspaceVerdictFile(workspace)
	if err != nil {
		return st, "not saved: " + err.Error(), false, nil
	}
	if err := st.AttachTriage(ctx, path); err != nil {
		return st, "not saved: " + explainLock(err).Error(), false, nil
	}
	return st, st.TriagePath(), st.TriageDurable(), nil
}

// workspaceVerdictFile is the state-directory verdict file of a workspace.
// Workspace GUIDs and ARM ids are case-insensitive, so the key is too.
func workspaceVerdictFile(workspace string) (string, error) {
	if strings.TrimSpace(workspace) == "" {
		return "", errors.New("no workspace to keep verdicts for: use --db to keep verdicts")
	}
	sum := sha256.Sum256([]byte("la://" + strings.ToLower(strings.TrimSpace(workspace))))
	return triage.StatePath(hex.EncodeToString(sum[:]))
}

// remoteExporter writes the report of a remote result: the same Markdown,
// its source the workspace.
func remoteExporter(workspace string) ui.ExportFunc {
	return func(ctx context.Context, dir string, res *hunt.Result, verdicts map[triage.Subject]triage.Triage) (string, error) {
		if res == nil {
			return "", errors.New("no result to export")
		}
		meta := hunt.ReportMeta{
			Source:      "Log Analytics workspace " + workspace + " (the rule ran in the workspace)",
			DataArgs:    []string{"--workspace", workspace},
			GeneratedAt: time.Now().UTC(),
			Version:     toolVersion(),
		}
		return exportNew(dir, res.AsOf, func(w io.Writer) error {
			return hunt.WriteMarkdown(w, hunt.NewReport(res, verdicts, meta))
		})
	}
}
