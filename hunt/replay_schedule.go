package hunt

import (
	"fmt"
	"math"
	"time"

	"github.com/guesthunt/guesthunt/data"
)

// Schedule limits. A minute is far below any real analytic rule's period;
// a year and a day is the longest Sentinel lookback. The run cap keeps one
// call's rows and memory bounded (5000 daily runs are 13 years).
const (
	DefaultReplayEvery = 24 * time.Hour
	MinReplayEvery     = time.Minute
	MaxReplayEvery     = 366 * 24 * time.Hour
	MaxReplayRuns      = 5000
)

// schedule is the resolved run instants: anchor - k*every for k from kLate
// (the last run) to kEarly (the first), kLate <= kEarly; none when n == 0.
type schedule struct {
	anchor        time.Time
	every         time.Duration
	kLate, kEarly int64
	lo, hi        time.Time // the bounds the runs were chosen within
}

func (s schedule) n() int64 {
	if s.kEarly < s.kLate {
		return 0
	}
	return s.kEarly - s.kLate + 1
}

// at is the instant of the i-th run in time order (0 = the first).
func (s schedule) at(i int64) time.Time {
	return s.anchor.Add(-time.Duration(s.kEarly-i) * s.every)
}

// resolveSchedule picks the runs of rp around the resolved as-of anchor,
// over data spanning [dataFrom, dataTo] (zero: no data).
func resolveSchedule(rp ReplayParams, anchor, dataFrom, dataTo time.Time) (schedule, error) {
	every := rp.Every
	if every == 0 {
		every = DefaultReplayEvery
	}
	if every < MinReplayEvery || every > MaxReplayEvery {
		return schedule{}, fmt.Errorf("every %s: want %s to %s", FormatTimespan(every), FormatTimespan(MinReplayEvery), FormatTimespan(MaxReplayEvery))
	}
	if every%data.Tick != 0 {
		// Runs must fall on Kusto's 100 ns ticks, like every as-of instant.
		return schedule{}, fmt.Errorf("every %s: not a whole number of 100 ns ticks", every)
	}
	if !rp.From.IsZero() && !rp.To.IsZero() && rp.To.Before(rp.From) {
		return schedule{}, fmt.Errorf("runs to %s before runs from %s", formatInstant(rp.To), formatInstant(rp.From))
	}
	s := schedule{anchor: anchor, every: every, kLate: 0, kEarly: -1}
	noData := dataFrom.IsZero()
	// The first run: the user's bound, but never an uncovered run unless
	// asked; by default the first covered one (or the first to see data).
	var lo time.Time
	switch {
	case !rp.Uncovered && noData:
		return s, nil // no run can be covered
	case !rp.Uncovered:
		lo = dataFrom.Add(rp.Params.Baseline)
		if !rp.From.IsZero() && data.ToTick(rp.From).After(lo) {
			lo = data.ToTick(rp.From)
		}
	case !rp.From.IsZero():
		lo = data.ToTick(rp.From)
	case noData:
		lo = anchor
	default:
		lo = dataFrom
	}
	// The last run: the user's bound, else the first run that sees the last
	// event; never after the anchor (runs are anchor - k*every, k >= 0).
	hi := anchor
	switch {
	case !rp.To.IsZero():
		hi = data.ToTick(rp.To)
	case !noData && anchor.After(dataTo):
		hi = anchor.Add(-anchor.Sub(dataTo) / every * every)
	}
	if hi.After(anchor) {
		hi = anchor
	}
	s.lo, s.hi = lo, hi
	for _, x := range []time.Time{lo, hi} {
		if !fitsNanos(x) || !fitsNanos(x.Add(-rp.Params.Baseline)) {
			return s, fmt.Errorf("run bound %s: outside the range DuckDB's TIMESTAMP_NS holds (1678-2262)", formatInstant(x))
		}
	}
	if lo.After(hi) {
		return s, nil
	}
	if anchor.Sub(lo) == math.MaxInt64 {
		return s, fmt.Errorf("runs from %s to %s: more than 292 years apart", formatInstant(lo), formatInstant(anchor))
	}
	s.kLate = ceilDiv(int64(anchor.Sub(hi)), int64(every))
	s.kEarly = int64(anchor.Sub(lo)) / int64(every)
	if n := s.n(); n > MaxReplayRuns {
		return s, fmt.Errorf("%d runs from %s to %s every %s: more than %d; use a longer --every or a narrower --from/--to",
			n, formatInstant(lo), formatInstant(hi), FormatTimespan(every), MaxReplayRuns)
	}
	return s, nil
}

// ceilDiv is a/b rounded up, for a >= 0, b > 0.
func ceilDiv(a, b int64) int64 {
	q := a / b
	if a%b != 0 {
		q++
	}
	return q
}
