package main

import (
	"context"
	"errors"
	"sync/atomic"

	tea "charm.land/bubbletea/v2"

	"github.com/guesthunt/guesthunt/data/store"
)

// The workbench opens at once and loads in view: openDatasetAsync starts the
// load in the background and hands its progress to a Bubble Tea model one
// message at a time.
//
//	o := openDatasetAsync(ctx, io, df, args, true)
//	defer o.Close()
//	// Init:   return o.Next(toMsg)
//	// Update: case store.LoadProgress: loading.Update(msg); return m, o.Next(toMsg)
//	//         case <toMsg's message>:   the dataset (or the error) is in
//
// The load report and the tip to keep a case file are not printed (stderr is
// under the workbench's screen): they are in the dataset's report for the
// model to show (ui.LoadReportLines, reopenTip).

// openingDataset is a dataset being opened in the background.
type openingDataset struct {
	progress chan store.LoadProgress // the latest snapshot not yet taken (older ones are dropped)
	done     chan struct{}           // closed once ds and err are set
	ds       *dataset
	err      error
	cancel   context.CancelFunc
	claimed  atomic.Bool // the outcome has an owner: the model (Next, Wait) or Close
	note     string      // said in the workbench once the data is in (set before done closes)
}

// openDatasetAsync opens the dataset as openDataset does, in a goroutine.
// Cancelling ctx (or Close) stops the load; the outcome is then the
// cancellation.
func openDatasetAsync(ctx context.Context, io streams, df dataFlags, paths []string, verdicts bool) *openingDataset {
	return openAsync(ctx, func(ctx context.Context, o *openingDataset) {
		o.ds, o.err = openDatasetWith(ctx, io, df, paths, verdicts, loadHooks{progress: o.offer})
	})
}

// openAsync runs open in a goroutine; open sets o.ds and o.err (and may
// offer progress and set o.note) before it returns.
func openAsync(ctx context.Context, open func(ctx context.Context, o *openingDataset)) *openingDataset {
	ctx, cancel := context.WithCancel(ctx)
	o := &openingDataset{
		progress: make(chan store.LoadProgress, 1),
		done:     make(chan struct{}),
		cancel:   cancel,
	}
	go func() {
		defer close(o.done)
		open(ctx, o)
	}()
	return o
}

// offer keeps p as the latest snapshot without ever waiting for the model:
// one not yet taken is replaced. Only the load's progress goroutine calls it.
func (o *openingDataset) offer(p store.LoadProgress) {
	select {
	case <-o.progress: // drop the stale one
	default:
	}
	o.progress <- p // room is certain: this is the only sender
}

// Next is a command that waits for the next message of the load: a
// store.LoadProgress (issue Next again after it), or the outcome, which done
// turns into the model's own message; done receives the dataset (the model
// then owns it and closes it) or the error. Once the outcome is taken, Next
// gives nil (no message).
func (o *openingDataset) Next(done func(*dataset, error) tea.Msg) tea.Cmd {
	return func() tea.Msg {
		select {
		case <-o.done: // the outcome first: progress after it is moot
			return o.outcome(done)
		default:
		}
		select {
		case p := <-o.progress:
			return p
		case <-o.done:
			return o.outcome(done)
		}
	}
}

func (o *openingDataset) outcome(done func(*dataset, error) tea.Msg) tea.Msg {
	if !o.claimed.CompareAndSwap(false, true) {
		return nil
	}
	return done(o.ds, o.err)
}

// Wait blocks until the load is over and returns its outcome (for callers
// without a Bubble Tea loop, and tests); the caller owns the dataset. A
// second Wait, or one after Next delivered the outcome, gets an error.
func (o *openingDataset) Wait() (*dataset, error) {
	<-o.done
	if !o.claimed.CompareAndSwap(false, true) {
		return nil, errors.New("the dataset was already taken")
	}
	return o.ds, o.err
}

// Close stops a load still running, waits for it to end, and closes a
// dataset nobody took, so quitting during a load leaks nothing.
func (o *openingDataset) Close() {
	o.cancel()
	<-o.done
	if o.claimed.CompareAndSwap(false, true) && o.ds != nil {
		o.ds.store.Close()
	}
}
