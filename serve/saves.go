package serve

import (
	"context"
	"sync"
	"time"

	"github.com/guesthunt/guesthunt/data/triage"
	"github.com/guesthunt/guesthunt/ui"
)

// saveTimeout bounds one save once it no longer depends on the session.
const saveTimeout = 30 * time.Second

// saves counts verdict saves in flight, so a shutdown can wait for them.
type saves struct{ wg sync.WaitGroup }

// wait waits for the saves in flight, at most until ctx ends.
func (s *saves) wait(ctx context.Context) bool {
	done := make(chan struct{})
	go func() { s.wg.Wait(); close(done) }()
	select {
	case <-done:
		return true
	case <-ctx.Done():
		return false
	}
}

// savingStore wraps a session's verdict store so that a save, once
// started, commits even when the session ends under it (the client hangs
// up, the idle timeout, a shutdown): it runs on a context that keeps the
// session's values but not its cancellation.
type savingStore struct {
	ui.TriageStore
	n *saves
}

func (s savingStore) SetVerdict(ctx context.Context, subj triage.Subject, v triage.Verdict, expectRev int64, analyst string) (triage.Triage, error) {
	ctx, done := s.detach(ctx)
	defer done()
	return s.TriageStore.SetVerdict(ctx, subj, v, expectRev, analyst)
}

func (s savingStore) SetNote(ctx context.Context, subj triage.Subject, note string, expectRev int64, analyst string) (triage.Triage, error) {
	ctx, done := s.detach(ctx)
	defer done()
	return s.TriageStore.SetNote(ctx, subj, note, expectRev, analyst)
}

func (s savingStore) detach(ctx context.Context) (context.Context, func()) {
	s.n.wg.Add(1)
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), saveTimeout)
	return ctx, func() { cancel(); s.n.wg.Done() }
}

// savingFeed is savingStore for a store with a live feed: the workbench
// finds the feed by type assertion, so the wrapper must keep it.
type savingFeed struct {
	savingStore
	feed ui.TriageFeed
}

func (s savingFeed) Subscribe(ctx context.Context) (<-chan triage.Change, func()) {
	return s.feed.Subscribe(ctx)
}

func wrapSaves(st ui.TriageStore, n *saves) ui.TriageStore {
	if st == nil {
		return nil
	}
	w := savingStore{TriageStore: st, n: n}
	if f, ok := st.(ui.TriageFeed); ok {
		return savingFeed{savingStore: w, feed: f}
	}
	return w
}
