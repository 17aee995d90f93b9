package hunt

import (
	"testing"
	"time"
)

func TestTableTime(t *testing.T) {
	cases := []struct {
		in   time.Time
		want string
	}{
		{time.Date(2026, 10, 29, 14, 2, 5, 0, time.UTC), "2026-10-29 14:02:05"},
		// Cut, not rounded: the row never shows a later second than its event.
		{time.Date(2026, 10, 29, 14, 2, 5, 999999900, time.UTC), "2026-10-29 14:02:05"},
		{time.Date(2026, 10, 29, 16, 2, 5, 0, time.FixedZone("CEST", 7200)), "2026-10-29 14:02:05"},
		{time.Time{}, ""},
	}
	for _, c := range cases {
		if got := TableTime(c.in); got != c.want {
			t.Errorf("TableTime(%v) = %q, want %q", c.in, got, c.want)
		}
	}
}
