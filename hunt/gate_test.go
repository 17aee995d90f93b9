package hunt

import (
	"context"
	"errors"
	"testing"
	"time"
)

func TestGateBoundsAndCancels(t *testing.T) {
	e := &Engine{}
	e.SetConcurrency(1)
	release, err := e.gate.enter(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	if _, err := e.gate.enter(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("a second call got in while one was running: %v", err)
	}
	release()
	r2, err := e.gate.enter(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	r2()
	e.SetConcurrency(0)
	for range 3 {
		if _, err := e.gate.enter(context.Background()); err != nil {
			t.Fatal("an unbounded engine refused a call")
		}
	}
}
