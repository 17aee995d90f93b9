package hunt

import (
	"math"
	"strconv"
	"strings"
	"time"
)

// Times and spans as people read them. Kusto's own spellings stay where
// they are: FormatTimespan for parameters, data.FormatTime for exact
// instants in machine output.

// TableTimeLabel belongs in the header of every column of TableTime values,
// since the cells themselves carry no zone.
const TableTimeLabel = "(UTC)"

// TableTime is the one way a table shows an instant: UTC, to the second,
// "2026-10-29 14:02:05". Fixed width and sortable as text; the sub-second
// ticks are cut, not rounded, so a row never shows a later second than its
// event's. Machine output (JSON, CSV) keeps all seven digits. Zero is "".
func TableTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format("2006-01-02 15:04:05")
}

// FormatSpan spells a span of time as people write it: "16d 3h 12m",
// "45m 10s", "2.5s", "350ms", never float seconds. It is for gaps and
// elapsed times; parameters keep Kusto syntax (FormatTimespan). The value is
// rounded to the precision shown: minutes from a day up, seconds from a
// minute up, tenths of a second below a minute, then ms, µs and ns.
func FormatSpan(d time.Duration) string {
	if d < 0 {
		if d == math.MinInt64 {
			d++
		}
		return "-" + FormatSpan(-d)
	}
	const day = 24 * time.Hour
	steps := [...]struct {
		from, unit time.Duration
	}{
		{day, time.Minute}, {time.Minute, time.Second}, {time.Second, 100 * time.Millisecond},
		{time.Millisecond, time.Millisecond}, {time.Microsecond, time.Microsecond}, {0, time.Nanosecond},
	}
	// The step is the one d falls in, unless rounding carries it into a
	// larger one (59.96s is 1m).
	i := 0
	for d < steps[i].from {
		i++
	}
	r := roundSpan(d, steps[i].unit)
	for i > 0 && r >= steps[i-1].from {
		i--
		r = roundSpan(d, steps[i].unit)
	}
	switch unit := steps[i].unit; unit {
	case time.Minute, time.Second:
		var parts []string
		for _, u := range [...]struct {
			size time.Duration
			name string
		}{{day, "d"}, {time.Hour, "h"}, {time.Minute, "m"}, {time.Second, "s"}} {
			if u.size < unit {
				break
			}
			if n := r / u.size; n > 0 {
				parts = append(parts, strconv.FormatInt(int64(n), 10)+u.name)
				r -= n * u.size
			}
		}
		return strings.Join(parts, " ")
	case 100 * time.Millisecond:
		text := strconv.FormatFloat(float64(r/(100*time.Millisecond))/10, 'f', -1, 64)
		return text + "s"
	case time.Millisecond:
		return strconv.FormatInt(int64(r/time.Millisecond), 10) + "ms"
	case time.Microsecond:
		return strconv.FormatInt(int64(r/time.Microsecond), 10) + "µs"
	default:
		if r == 0 {
			return "0s"
		}
		return strconv.FormatInt(int64(r), 10) + "ns"
	}
}

// roundSpan rounds d (>= 0) to a multiple of unit, halves up, without
// overflowing near the largest Duration.
func roundSpan(d, unit time.Duration) time.Duration {
	q, rem := d/unit, d%unit
	if rem >= unit-rem && q < time.Duration(math.MaxInt64/int64(unit)) {
		q++
	}
	return q * unit
}
