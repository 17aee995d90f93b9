package main

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/guesthunt/guesthunt/data/store"
	"github.com/guesthunt/guesthunt/hunt"
	"github.com/guesthunt/guesthunt/live"
)

// runPullOpen is pull --open: the workbench opens at once, its loading page
// shows the pull (chunk i/N, rows, bytes, ETA, throttling, the device-code
// sign-in text when there is one), and then the case the pull filled opens
// as with --db. What pull would print (its summary, or why it stopped) is
// said in the workbench once the data is in; an incomplete pull still opens
// on what it loaded, and the hunt's warnings name the gap.
func runPullOpen(ctx context.Context, io streams, deps liveDeps, pf pullFlags, lf liveFlags, db string, sinceSet bool) error {
	if !isTerminal(io.out) {
		return usagef("--open shows the workbench: run it on a terminal (without --open, pull prints its progress and summary)")
	}
	if pf.dryRun {
		return usagef("--open with --dry-run: nothing would be pulled to open")
	}
	p := hunt.DefaultParams() // the workbench's keys change them
	df := dataFlags{db: db}
	opts, closeKeys, err := programOptions(ctx, io, nil)
	if err != nil {
		return err
	}
	defer closeKeys()
	return runWorkbenchOn(ctx, io, df, nil, p, pullThenOpen(ctx, io, deps, pf, lf, db, sinceSet), opts)
}

// pullThenOpen pulls in the background, its progress offered as the
// loading page's, then opens the case it filled.
func pullThenOpen(ctx context.Context, io streams, deps liveDeps, pf pullFlags, lf liveFlags, db string, sinceSet bool) *openingDataset {
	return openAsync(ctx, func(ctx context.Context, o *openingDataset) {
		start := time.Now()
		source := "workspace " + pf.workspace
		if pf.graph {
			source = "Microsoft Graph"
		}
		// The pull speaks only through the loading page: stdout and stderr
		// are under the workbench's screen.
		// Progress comes from the pull's loop, the sign-in prompt from
		// whichever query first needs a token: one sender at a time.
		var mu sync.Mutex
		offer := func(lp store.LoadProgress) {
			mu.Lock()
			defer mu.Unlock()
			o.offer(lp)
		}
		var said bytes.Buffer
		quiet := streams{in: io.in, out: &said, err: &promptToLoading{offer: offer, said: &said}}
		pf.onProgress = func(lp live.Progress) { offer(pullLoadProgress(lp, source, time.Since(start))) }
		pullErr := runPull(ctx, quiet, deps, pf, lf, db, sinceSet)
		o.ds, o.err = openDatasetWith(ctx, io, dataFlags{db: db}, nil, true, loadHooks{progress: offer})
		o.note = pullNote(said.String(), pullErr)
		if o.err != nil && pullErr != nil {
			// Nothing to open because nothing was pulled: the pull's
			// reason is the one to read.
			o.err = fmt.Errorf("%s; %w", o.note, o.err)
		}
	})

}

// pullLoadProgress is a pull's progress as the loading page draws a load's.
func pullLoadProgress(p live.Progress, source string, elapsed time.Duration) store.LoadProgress {
	what := source
	if p.Note != "" {
		what += ": " + p.Note
	}
	if !p.ThrottledUntil.IsZero() && p.ThrottledUntil.After(time.Now()) {
		what += " · throttled until " + p.ThrottledUntil.UTC().Format("15:04:05") + " UTC"
	}
	return store.LoadProgress{
		Phase: store.PhasePulling, Unit: "chunk", FileIndex: p.Chunk, Files: p.Of,
		File: what, Bytes: p.Bytes, Records: p.Rows, GivenETA: p.ETA,
		Elapsed: elapsed, FileElapsed: elapsed,
	}
}

// promptToLoading shows what the pull writes on stderr (the device-code
// sign-in instructions above all) on the loading page, and keeps it.
type promptToLoading struct {
	offer func(store.LoadProgress)
	said  *bytes.Buffer
}

func (w *promptToLoading) Write(b []byte) (int, error) {
	w.said.Write(b)
	if text := strings.TrimSpace(string(b)); text != "" {
		w.offer(store.LoadProgress{Phase: store.PhasePulling, File: text})
	}
	return len(b), nil
}

// pullNote is what the workbench says once the case is open: the pull's
// outcome in one line.
func pullNote(said string, err error) string {
	if err != nil {
		return "the pull stopped: " + plainError(err)
	}
	for _, line := range strings.Split(said, "\n") {
		if strings.HasPrefix(line, "pull ") { // the summary's first line
			return strings.TrimSpace(line)
		}
	}
	return fmt.Sprintf("pulled into %s", hunt.TableTime(time.Now()))
}
