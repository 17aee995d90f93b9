package main

import (
	"context"
	"fmt"
	"io"

	"github.com/guesthunt/guesthunt/data/store"
	"github.com/guesthunt/guesthunt/data/triage"
)

// triageHome decides where the analyst's verdicts live and opens it: the case
// file with --db; for raw exports, a verdict file in the user's state
// directory named by the content of the files read (triage.ContentKey), so
// the same exports through a symlink, moved or renamed find the same
// verdicts. It returns where that is for the header, and whether saves there
// survive the process. When the file cannot be used (another guesthunt holds
// it, no state directory) verdicts stay in the in-memory store and durable
// is false: the workbench then says every verdict is kept for this session
// only.
func triageHome(ctx context.Context, ds *dataset, df dataFlags, paths []string) (location string, durable bool) {
	switch {
	case df.db != "" && ds.store.ReadOnly():
		return df.db + " (opened read-only: verdicts are read, new ones cannot be saved)", false
	case df.db != "":
		return ds.store.TriagePath(), ds.store.TriageDurable()
	case ds.demo:
		return "not saved: demo tenant (use --db to keep verdicts)", false
	}
	path, err := rawVerdictFile(ds.report)
	if err != nil {
		return "not saved: " + err.Error(), false
	}
	if err := ds.store.AttachTriage(ctx, path); err != nil {
		return "not saved: " + explainLock(err).Error(), false // held by a server: name it
	}
	location = ds.store.TriagePath()
	if n, err := carryPathKeyed(ctx, ds.store, paths); err != nil {
		location += " (verdicts of older guesthunt versions not carried over: " + err.Error() + ")"
	} else if n > 0 {
		location += fmt.Sprintf(" (%d verdicts carried over from an older guesthunt)", n)
	}
	return location, ds.store.TriageDurable()
}

// newVerdictStore is the verdict Store every session of this process shares.
func newVerdictStore(ds *dataset) triage.Store { return triage.New(ds.store) }

// rawVerdictFile is the state-directory verdict file for the files a load
// read (those that got a source: paths that could not be opened hold nothing).
func rawVerdictFile(rep store.LoadReport) (string, error) {
	var files []string
	for _, f := range rep.Files {
		switch {
		case f.SourceID == 0:
		case f.Spool != "":
			files = append(files, f.Spool) // standard input: its bytes, as read
		default:
			files = append(files, f.Path)
		}
	}
	key, err := triage.ContentKey(files)
	if err != nil {
		return "", err
	}
	return triage.StatePath(key)
}

// carryPathKeyed brings verdicts from the file older versions keyed to the
// input paths into a verdict store that has none yet, once.
func carryPathKeyed(ctx context.Context, st *store.Store, paths []string) (int, error) {
	old, err := store.PathKeyedCasePath(paths)
	if err != nil || old == st.TriagePath() {
		return 0, nil
	}
	have, err := st.Triages(ctx)
	if err != nil || len(have) > 0 {
		return 0, err
	}
	n, _, err := st.ImportTriages(ctx, old)
	return n, err
}

// carryVerdicts brings the verdicts analysts recorded on these same exports
// without --db (the content-keyed state file, and an older version's
// path-keyed one) into the case file load just filled, and says so on w.
// Subjects the case file already has a verdict on keep it. A failure is a
// warning: the data is loaded either way.
func carryVerdicts(ctx context.Context, w io.Writer, safe func(string) string, st *store.Store, rep store.LoadReport, paths []string) {
	var from []string
	if p, err := rawVerdictFile(rep); err == nil {
		from = append(from, p)
	}
	if p, err := store.PathKeyedCasePath(paths); err == nil {
		from = append(from, p)
	}
	for _, p := range from {
		n, kept, err := st.ImportTriages(ctx, p)
		switch {
		case err != nil:
			fmt.Fprintf(w, "verdicts: not carried over from %s: %s\n", safe(p), safe(err.Error()))
		case n > 0 || kept > 0:
			fmt.Fprintf(w, "verdicts: %d carried over from %s (%d subjects kept their verdict in the case file)\n", n, safe(p), kept)
		}
	}
}
