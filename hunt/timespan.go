package hunt

import (
	"fmt"
	"math"
	"math/big"
	"strconv"
	"strings"
	"time"

	"github.com/guesthunt/guesthunt/data"
)

// timespanUnit gives the length of one of Kusto's timespan suffixes (or the
// long names Kusto also accepts, as in time(15 seconds)), case-insensitively.
func timespanUnit(name string) (time.Duration, bool) {
	switch strings.ToLower(name) {
	case "d", "day", "days":
		return 24 * time.Hour, true
	case "h", "hr", "hrs", "hour", "hours":
		return time.Hour, true
	case "m", "min", "minute", "minutes":
		return time.Minute, true
	case "s", "sec", "second", "seconds":
		return time.Second, true
	case "ms", "milli", "millis", "millisecond", "milliseconds":
		return time.Millisecond, true
	case "micro", "micros", "microsecond", "microseconds":
		return time.Microsecond, true
	case "tick", "ticks":
		return data.Tick, true
	}
	return 0, false
}

// ParseTimespan reads a Kusto timespan literal: a decimal number with a unit
// (14d, 36h, 90m, 1.5d, 30s, 100ms, 10microsecond, 1tick, "15 seconds"), the
// [-][d.]hh:mm[:ss[.fffffff]] form (1.12:00:00), or either wrapped in
// time(...)/timespan(...), where a bare number means days. The result is
// truncated to Kusto's 100 ns tick.
func ParseTimespan(s string) (time.Duration, error) {
	d, err := parseTimespan(strings.TrimSpace(s))
	if err != nil {
		return 0, fmt.Errorf("timespan %q: %w", s, err)
	}
	return d, nil
}

func parseTimespan(s string) (time.Duration, error) {
	bareIsDays := false
	lower := strings.ToLower(s)
	for _, wrap := range []string{"timespan(", "time("} {
		if strings.HasPrefix(lower, wrap) && strings.HasSuffix(s, ")") {
			s = strings.TrimSpace(s[len(wrap) : len(s)-1])
			bareIsDays = true
			break
		}
	}
	if s == "" {
		return 0, fmt.Errorf("empty")
	}
	neg := false
	if s[0] == '-' || s[0] == '+' {
		neg = s[0] == '-'
		s = s[1:]
	}
	var ticks *big.Int
	var err error
	if strings.Contains(s, ":") {
		ticks, err = parseClockTicks(s)
	} else {
		ticks, err = parseUnitTicks(s, bareIsDays)
	}
	if err != nil {
		return 0, err
	}
	if neg {
		ticks.Neg(ticks)
	}
	ns := new(big.Int).Mul(ticks, big.NewInt(int64(data.Tick)))
	if !ns.IsInt64() {
		return 0, fmt.Errorf("out of range")
	}
	return time.Duration(ns.Int64()), nil
}

// parseUnitTicks reads "1.5d", "100 ms", or (inside time()) a bare "2".
func parseUnitTicks(s string, bareIsDays bool) (*big.Int, error) {
	end := 0
	for end < len(s) && (s[end] >= '0' && s[end] <= '9' || s[end] == '.') {
		end++
	}
	number, unitName := s[:end], strings.TrimSpace(s[end:])
	if number == "" {
		return nil, fmt.Errorf("no number before the unit")
	}
	unit, ok := timespanUnit(unitName)
	switch {
	case unitName == "" && bareIsDays:
		unit = 24 * time.Hour
	case unitName == "":
		return nil, fmt.Errorf("no unit (want d, h, m, s, ms, microsecond or tick, e.g. 14d)")
	case !ok:
		return nil, fmt.Errorf("unknown unit %q (want d, h, m, s, ms, microsecond or tick)", unitName)
	}
	value, ok := new(big.Rat).SetString(number)
	if !ok || strings.Count(number, ".") > 1 || strings.HasPrefix(number, ".") || strings.HasSuffix(number, ".") {
		return nil, fmt.Errorf("bad number %q", number)
	}
	value.Mul(value, new(big.Rat).SetInt64(int64(unit/data.Tick)))
	return new(big.Int).Quo(value.Num(), value.Denom()), nil // truncate to whole ticks
}

// parseClockTicks reads .NET's [d.]hh:mm[:ss[.fffffff]].
func parseClockTicks(s string) (*big.Int, error) {
	days := int64(0)
	parts := strings.Split(s, ":")
	if len(parts) < 2 || len(parts) > 3 {
		return nil, fmt.Errorf("want [d.]hh:mm[:ss[.fffffff]]")
	}
	hourPart := parts[0]
	if i := strings.IndexByte(hourPart, '.'); i >= 0 {
		var err error
		if days, err = strconv.ParseInt(hourPart[:i], 10, 64); err != nil || !allDigits(hourPart[:i]) {
			return nil, fmt.Errorf("bad days %q", hourPart[:i])
		}
		hourPart = hourPart[i+1:]
	}
	hours, ok := clockField(hourPart, 23)
	if !ok {
		return nil, fmt.Errorf("bad hours %q (0-23)", hourPart)
	}
	minutes, ok := clockField(parts[1], 59)
	if !ok {
		return nil, fmt.Errorf("bad minutes %q (0-59)", parts[1])
	}
	var seconds, fracTicks int64
	if len(parts) == 3 {
		secPart, frac, hasFrac := strings.Cut(parts[2], ".")
		if seconds, ok = clockField(secPart, 59); !ok {
			return nil, fmt.Errorf("bad seconds %q (0-59)", secPart)
		}
		if hasFrac {
			if frac == "" || len(frac) > 7 || !allDigits(frac) {
				return nil, fmt.Errorf("bad fraction %q (1 to 7 digits)", frac)
			}
			fracTicks, _ = strconv.ParseInt(frac+strings.Repeat("0", 7-len(frac)), 10, 64)
		}
	}
	perSecond := int64(time.Second / data.Tick)
	t := new(big.Int).Mul(big.NewInt(days), big.NewInt(86400*perSecond))
	t.Add(t, big.NewInt((hours*3600+minutes*60+seconds)*perSecond+fracTicks))
	return t, nil
}

func clockField(s string, max int64) (int64, bool) {
	if len(s) == 0 || len(s) > 2 || !allDigits(s) {
		return 0, false
	}
	v, _ := strconv.ParseInt(s, 10, 64)
	return v, v <= max
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// FormatTimespan spells d as the shortest exact Kusto timespan literal
// (14d, 36h, 90m, 0.5s); it is truncated to whole ticks first.
func FormatTimespan(d time.Duration) string {
	d = d.Truncate(data.Tick)
	if d == 0 {
		return "0s"
	}
	sign := ""
	if d < 0 {
		if d == math.MinInt64 {
			d++ // not representable negated; one tick off is fine for a display string
		}
		sign, d = "-", -d
	}
	// Largest unit first, so that ties go to the larger unit.
	units := [...]struct {
		name string
		size time.Duration
	}{
		{"d", 24 * time.Hour}, {"h", time.Hour}, {"m", time.Minute}, {"s", time.Second},
		{"ms", time.Millisecond}, {"microsecond", time.Microsecond}, {"tick", data.Tick},
	}
	best := ""
	for _, u := range units {
		text, ok := exactDecimal(int64(d), int64(u.size))
		if !ok {
			continue
		}
		if cand := sign + text + u.name; best == "" || len(cand) < len(best) {
			best = cand
		}
	}
	return best // the tick unit always divides exactly, so best is set
}

// exactDecimal writes num/den as a terminating decimal of at most 9 fraction
// digits, or reports that it does not terminate that soon.
func exactDecimal(num, den int64) (string, bool) {
	whole, rem := num/den, num%den
	text := strconv.FormatInt(whole, 10)
	if rem == 0 {
		return text, true
	}
	var frac strings.Builder
	for i := 0; i < 9 && rem != 0; i++ {
		// rem < den <= 864e11, so rem*10 cannot overflow
		rem *= 10
		frac.WriteByte(byte('0' + rem/den))
		rem %= den
	}
	if rem != 0 {
		return "", false
	}
	return text + "." + frac.String(), true
}
