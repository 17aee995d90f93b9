package hunt

import "context"

// A server shares one Engine among many sessions. Run unbounded, twenty
// analysts opening why-flagged pages at once put twenty DuckDB queries (and
// their cgo calls) on two cores, and every session's redraw waited for a
// core: p99 key-to-redraw went from 50 ms to 650 ms (docs/PERFORMANCE.md,
// serve). The gate bounds the questions in flight; the rest wait, cheaply,
// in Go.

// gate admits at most cap(ch) engine calls at once; nil admits all.
type gate chan struct{}

// SetConcurrency bounds the engine's calls in flight to n (n <= 0: no
// bound, the default). Call it before sharing the engine.
func (e *Engine) SetConcurrency(n int) {
	if n <= 0 {
		e.gate = nil
		return
	}
	e.gate = make(gate, n)
}

// enter waits for a slot (or ctx's end) and returns its release.
func (g gate) enter(ctx context.Context) (func(), error) {
	if g == nil {
		return func() {}, nil
	}
	select {
	case g <- struct{}{}:
		return func() { <-g }, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}
