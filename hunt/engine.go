package hunt

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/guesthunt/guesthunt/data"
	"github.com/guesthunt/guesthunt/data/store"
)

// ErrNoData is returned when the as-of instant is "latest" but nothing is
// loaded, so there is no latest event to run at.
var ErrNoData = errors.New("no events loaded: the as-of instant \"latest\" is undefined")

// Engine answers the workbench's questions about one Store. It is safe for
// concurrent use; sessions may share one Engine or each have their own.
type Engine struct {
	store *store.Store
	now   func() time.Time // the wall clock for AsOfNow; replaced in tests

	mu    sync.Mutex // serialises cache builds
	cache *inviteCache

	rowsMu  sync.Mutex
	rowsGen int64                           // the cache generation rows belongs to
	rows    map[store.RecordKey]data.Record // alert rows' columns already fetched

	gate gate // bounds the calls in flight (SetConcurrency); nil: none
}

// NewEngine makes an engine over st. The invite cache is built on first use
// and rebuilt whenever st's data generation changes.
func NewEngine(st *store.Store) *Engine {
	return &Engine{store: st, now: time.Now}
}

// span is a run's resolved instants: baseline [baselineFrom, windowFrom],
// detection window (windowFrom, asOf].
type span struct {
	asOf, baselineFrom, windowFrom time.Time
}

// resolve fixes the as-of instant T and the interval bounds for p.
func (e *Engine) resolve(p Params, c *inviteCache) (span, error) {
	if err := p.Validate(); err != nil {
		return span{}, err
	}
	var t time.Time
	switch p.AsOf.Mode {
	case AsOfLatest:
		if c.dataTo.IsZero() {
			return span{}, ErrNoData
		}
		t = c.dataTo
	case AsOfNow:
		t = data.ToTick(e.now())
	case AsOfFixed:
		t = data.ToTick(p.AsOf.At)
	}
	s := span{asOf: t, baselineFrom: t.Add(-p.Baseline), windowFrom: t.Add(-p.Window)}
	for _, x := range []time.Time{s.asOf, s.baselineFrom, s.windowFrom} {
		if !fitsNanos(x) {
			return span{}, fmt.Errorf("instant %s is outside the range DuckDB's TIMESTAMP_NS holds (1678-2262)", formatInstant(x))
		}
	}
	return s, nil
}

// fitsNanos reports whether t survives a round trip through epoch nanoseconds.
func fitsNanos(t time.Time) bool {
	return time.Unix(0, t.UnixNano()).Equal(t)
}

// withCache runs query against the current cache. If the cache table was
// replaced (and the old one dropped) while the query ran, it retries once
// against the new one.
func (e *Engine) withCache(ctx context.Context, query func(c *inviteCache) error) error {
	c, err := e.cacheFor(ctx)
	if err != nil {
		return err
	}
	err = query(c)
	if err == nil || ctx.Err() != nil {
		return err
	}
	// The cache may have been dropped under us (another engine on the same
	// store moved to newer data) or may be stale: forget it and try once more
	// on a cache built for the data as it is now.
	e.mu.Lock()
	if e.cache == c {
		e.cache = nil
	}
	e.mu.Unlock()
	fresh, ferr := e.cacheFor(ctx)
	if ferr != nil {
		return err
	}
	return query(fresh)
}
