package hunt

import (
	"context"
	"errors"
	"testing"
	"time"
)

// TestReplayTakesTheGate: Replay waits for a slot like Run, and gives up
// with its context.
func TestReplayTakesTheGate(t *testing.T) {
	e := newEngine(t, invite("a@x.com", ago(time.Hour)))
	e.SetConcurrency(1)
	release, err := e.gate.enter(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	if _, err := e.Replay(ctx, ReplayParams{Params: fixedParams()}); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Replay ran while the only slot was taken: %v", err)
	}
	release()
	if _, err := e.Replay(context.Background(), ReplayParams{Params: fixedParams(), Uncovered: true}); err != nil {
		t.Fatal(err)
	}
}
