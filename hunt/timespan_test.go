package hunt

import (
	"math"
	"strings"
	"testing"
	"time"
)

func TestParseTimespan(t *testing.T) {
	cases := []struct {
		in   string
		want time.Duration
	}{
		{"14d", 14 * day},
		{"1d", day},
		{"36h", 36 * time.Hour},
		{"90m", 90 * time.Minute},
		{"1.5d", 36 * time.Hour},
		{"1.5h", 90 * time.Minute},
		{"30s", 30 * time.Second},
		{"0.1s", 100 * time.Millisecond},
		{"100ms", 100 * time.Millisecond},
		{"10microsecond", 10 * time.Microsecond},
		{"1tick", 100 * time.Nanosecond},
		{"3 ticks", 300 * time.Nanosecond},
		{"15 seconds", 15 * time.Second},
		{"2 days", 2 * day},
		{"1 hour", time.Hour},
		{"5 minutes", 5 * time.Minute},
		{"250 milliseconds", 250 * time.Millisecond},
		{"7D", 7 * day},
		{"time(15 seconds)", 15 * time.Second},
		{"time(2)", 2 * day},
		{"timespan(1.5)", 36 * time.Hour},
		{"time(0.12:34:56.7)", 12*time.Hour + 34*time.Minute + 56*time.Second + 700*time.Millisecond},
		{"1.12:00:00", 36 * time.Hour},
		{"12:30:00", 12*time.Hour + 30*time.Minute},
		{"00:01", time.Minute},
		{"0.00:00:00.0000001", 100 * time.Nanosecond},
		{"-1d", -day},
		{"0.00000001s", 0}, // 10 ns: below a tick, truncated
		{" 14d ", 14 * day},
	}
	for _, c := range cases {
		got, err := ParseTimespan(c.in)
		if err != nil || got != c.want {
			t.Errorf("ParseTimespan(%q) = %v, %v; want %v", c.in, got, err, c.want)
		}
	}
	for _, bad := range []string{"", "14", "d", "14w", "1.2.3d", ".5d", "5.d", "1e3s", "25:00:00", "1:60", "1:2:3:4",
		"00:00:00.12345678", "x.01:00:00", "time()", "99999999999d"} {
		_, err := ParseTimespan(bad)
		if err == nil {
			t.Errorf("ParseTimespan(%q): no error", bad)
		} else if !strings.Contains(err.Error(), `"`+bad+`"`) {
			t.Errorf("ParseTimespan(%q): error %q does not name the input", bad, err)
		}
	}
}

func TestFormatTimespan(t *testing.T) {
	cases := []struct {
		in   time.Duration
		want string
	}{
		{14 * day, "14d"},
		{day, "1d"},
		{36 * time.Hour, "36h"},
		{90 * time.Minute, "90m"},
		{12 * time.Hour, "12h"},
		{day + 6*time.Hour + time.Minute, "1801m"},
		{84 * time.Hour, "84h"},
		{100 * time.Millisecond, "0.1s"},
		{1500 * time.Millisecond, "1.5s"},
		{time.Millisecond, "1ms"},
		{10 * time.Microsecond, "0.01ms"},
		{time.Microsecond + 100*time.Nanosecond, "11tick"},
		{100 * time.Nanosecond, "1tick"},
		{day + 100*time.Nanosecond, "86400.0000001s"},
		{0, "0s"},
		{-day, "-1d"},
		{150 * time.Nanosecond, "1tick"}, // truncated to ticks first
	}
	for _, c := range cases {
		if got := FormatTimespan(c.in); got != c.want {
			t.Errorf("FormatTimespan(%v) = %q, want %q", c.in, got, c.want)
		}
		back, err := ParseTimespan(FormatTimespan(c.in))
		if err != nil || back != c.in.Truncate(tick) {
			t.Errorf("round trip of %v: %v, %v", c.in, back, err)
		}
	}
}

func TestFormatSpan(t *testing.T) {
	const day = 24 * time.Hour
	cases := []struct {
		in   time.Duration
		want string
	}{
		{0, "0s"},
		{100, "100ns"},
		{999, "999ns"},
		{999500, "1ms"},
		{350 * time.Microsecond, "350µs"},
		{350 * time.Millisecond, "350ms"},
		{949*time.Millisecond + 400*time.Microsecond, "949ms"},
		{999*time.Millisecond + 400*time.Microsecond, "999ms"},
		{999*time.Millisecond + 600*time.Microsecond, "1s"},
		{time.Second, "1s"},
		{2500 * time.Millisecond, "2.5s"},
		{45*time.Second + 940*time.Millisecond, "45.9s"},
		{59*time.Second + 960*time.Millisecond, "1m"},
		{45*time.Minute + 10*time.Second, "45m 10s"},
		{45*time.Minute + 10*time.Second + 600*time.Millisecond, "45m 11s"},
		{3*time.Hour + 5*time.Second, "3h 5s"},
		{23*time.Hour + 59*time.Minute + 59*time.Second + 600*time.Millisecond, "1d"},
		{16*day + 3*time.Hour + 12*time.Minute, "16d 3h 12m"},
		{16*day + 3*time.Hour + 12*time.Minute + 40*time.Second, "16d 3h 13m"},
		{14 * day, "14d"},
		{14*day + 5*time.Minute, "14d 5m"},
		{608819*time.Second + 999962300, "7d 1h 7m"}, // the coverage gap once printed as 608819.9999623s
		{-(2500 * time.Millisecond), "-2.5s"},
		{math.MaxInt64, "106751d 23h 47m"},
		{math.MinInt64, "-106751d 23h 47m"},
	}
	for _, c := range cases {
		if got := FormatSpan(c.in); got != c.want {
			t.Errorf("FormatSpan(%d) = %q, want %q", int64(c.in), got, c.want)
		}
	}
}
