package formats

import (
	"testing"
	"time"
)

func TestParseTimestamp(t *testing.T) {
	base := time.Date(2021, 8, 2, 13, 29, 25, 0, time.UTC)
	cases := []struct {
		in   string
		want time.Time
	}{
		{"2021-08-02T13:29:25Z", base},
		{"2021-08-02 13:29:25", base},
		{"2021-08-02T13:29:25", base},
		{"2021-08-02T13:29:25.9831234Z", base.Add(983123400)},
		{"2021-08-02T13:29:25.983Z", base.Add(983 * time.Millisecond)},
		{"2021-08-02T13:29:25.1Z", base.Add(100 * time.Millisecond)},
		{"2021-08-02T13:29:25.983123456Z", base.Add(983123400)}, // truncated to 100 ns
		{"2021-08-02T13:29:25.99999999Z", base.Add(999999900)},
		{"2021-08-02T15:29:25+02:00", base},
		{"2021-08-02T15:29:25+0200", base},
		{"2021-08-02T11:29:25-02", base},
		{"2021-08-02T13:29:25+00:00", base},
		{"2021-08-02T13:29Z", base.Add(-25 * time.Second)},
		{"2021-08-02", time.Date(2021, 8, 2, 0, 0, 0, 0, time.UTC)},
	}
	for _, c := range cases {
		got, err := ParseTimestamp(c.in)
		if err != nil {
			t.Errorf("%q: %v", c.in, err)
			continue
		}
		if !got.Equal(c.want) {
			t.Errorf("%q: got %v want %v", c.in, got, c.want)
		}
	}
	for _, bad := range []string{"", "bad", "2021-02-30T00:00:00Z", "2021-08-02T13:29:25.Z", "2021-08-02T25:00:00Z",
		"2021-08-02T13:29:25.1234567890Z", "2021-08-02T13:29:25Zjunk", "9/7/2023, 6:03:23.829 AM"} {
		if _, err := ParseTimestamp(bad); err == nil {
			t.Errorf("%q: want error", bad)
		}
	}
}

// FuzzParseTimestamp: any input either fails or gives a UTC time on a 100 ns
// tick that reads back the same from its RFC 3339 spelling.
func FuzzParseTimestamp(f *testing.F) {
	for _, s := range []string{"2021-08-02T13:29:25.9831234Z", "2021-08-02 13:29:25", "2021-08-02T15:29:25+0200",
		"2021-08-02T13:29:25.999999999-05:30", "2021-02-29", "9/7/2023, 6:03:23.829 AM", "", "2021-08-02T24:00:00Z"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := ParseTimestamp(s)
		if err != nil {
			return
		}
		if got.Location() != time.UTC || got.Nanosecond()%100 != 0 {
			t.Fatalf("%q: %v is not UTC on a tick", s, got)
		}
		again, err := ParseTimestamp(got.Format("2006-01-02T15:04:05.9999999Z07:00"))
		if err != nil || !again.Equal(got) {
			t.Fatalf("%q: %v does not read back (%v, %v)", s, got, again, err)
		}
	})
}
