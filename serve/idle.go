package serve

import (
	"context"
	"io"
	"sync/atomic"
	"time"
)

// idleInput is the session's input that remembers when the client last
// sent something. Only input counts: redraws (another analyst's verdict
// arriving) do not keep a forgotten session open.
type idleInput struct {
	r       io.Reader
	timeout time.Duration
	last    atomic.Int64 // unix nanoseconds of the last input
	fired   atomic.Bool
}

func newIdleInput(r io.Reader, timeout time.Duration) *idleInput {
	in := &idleInput{r: r, timeout: timeout}
	in.touch()
	return in
}

func (in *idleInput) Read(p []byte) (int, error) {
	n, err := in.r.Read(p)
	if n > 0 {
		in.touch()
	}
	return n, err
}

func (in *idleInput) touch() { in.last.Store(time.Now().UnixNano()) }

func (in *idleInput) expired() bool { return in.fired.Load() }

// watch calls quit once no input came for the timeout, or returns when ctx
// ends.
func (in *idleInput) watch(ctx context.Context, quit func()) {
	t := time.NewTimer(in.timeout)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			left := in.timeout - time.Since(time.Unix(0, in.last.Load()))
			if left <= 0 {
				in.fired.Store(true)
				quit()
				return
			}
			t.Reset(left)
		}
	}
}
