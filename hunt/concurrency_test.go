package hunt

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"
)

// TestRunsDuringLoads runs the rule from several goroutines (on one shared
// engine and on a second engine over the same store) while more files are
// loaded: no run may fail or see a half-built cache, and each sees the alerts
// of some complete prefix of the loads.
func TestRunsDuringLoads(t *testing.T) {
	e := newEngine(t, invite("new0@x.com", ago(time.Hour)))
	engines := []*Engine{e, NewEngine(e.store)}
	const loads = 4
	valid := map[int]bool{1: true} // alert counts a complete prefix of the loads gives
	for i := 1; i <= loads; i++ {
		valid[i+1] = true
	}
	var wg sync.WaitGroup
	errs := make(chan error, 64)
	done := make(chan struct{})
	for g := 0; g < 4; g++ {
		wg.Add(1)
		go func(eng *Engine) {
			defer wg.Done()
			for {
				select {
				case <-done:
					return
				default:
				}
				res, err := eng.Run(context.Background(), fixedParams())
				if err != nil {
					errs <- err
					return
				}
				if !valid[len(res.Rows)] {
					errs <- fmt.Errorf("%d alerts: not a complete prefix of the loads", len(res.Rows))
					return
				}
			}
		}(engines[g%2])
	}
	for i := 1; i <= loads; i++ {
		// Each file adds one new inviter and a baseline-known one.
		loadInto(t, e, fmt.Sprintf("load%d", i),
			invite(fmt.Sprintf("new%d@x.com", i), ago(time.Hour)),
			invite(fmt.Sprintf("known%d@x.com", i), ago(3*day)),
			invite(fmt.Sprintf("known%d@x.com", i), ago(time.Hour)))
		time.Sleep(50 * time.Millisecond)
	}
	close(done)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if n := len(mustRun(t, e, fixedParams()).Rows); n != loads+1 {
		t.Errorf("final run: %d alerts, want %d", n, loads+1)
	}
}
