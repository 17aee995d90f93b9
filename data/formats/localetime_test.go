package formats

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestParseLocaleTime(t *testing.T) {
	sep7 := csvUTC(2023, 9, 7, 6, 3, 23, 829e6)
	cases := []struct {
		in    string
		order dateOrder
		want  time.Time
	}{
		{"9/7/2023, 6:03:23.829 AM", orderUndecided, sep7},                                // en-US
		{"9/7/2023, 6:03:23.829\u202fAM", orderUndecided, sep7},                           // en-US, ICU 72+
		{"9/7/2023, 6:03:23.829\u00a0AM", orderUndecided, sep7},                           // no-break space
		{"9/7/2023, 6:03:23.829AM", orderUndecided, sep7},                                 // no space
		{"09/07/2023, 06:03:23.829 am", orderMonthFirst, sep7},                            // lower case, order given
		{"7/9/2023, 6:03:23.829 am", orderUndecided, sep7},                                // en-AU/en-IN: lower case is day first
		{"9/7/2023, 6:03:23.829 a.m.", orderMonthFirst, sep7},                             // en-CA spelling
		{"07/09/2023, 06:03:23.829", orderUndecided, sep7},                                // en-GB
		{"07/09/2023 06:03:23.829", orderUndecided, sep7},                                 // no comma
		{"07/09/2023 06:03:23.829", orderDayFirst, sep7},                                  // order given
		{"09/07/2023 06:03:23.829", orderMonthFirst, sep7},                                // 24-hour en-US
		{"7.9.2023, 06:03:23.829", orderUndecided, sep7},                                  // de-DE
		{"7.9.2023, 06:03:23.829", orderMonthFirst, sep7},                                 // dots are always day first
		{"07.09.2023 06:03:23,829", orderUndecided, sep7},                                 // decimal comma
		{"7. 9. 2023 6:03:23.829", orderUndecided, sep7},                                  // cs-CZ
		{"2023. 09. 07. 6:03:23.829", orderUndecided, sep7},                               // hu-HU
		{"7-9-2023 06:03:23.829", orderUndecided, sep7},                                   // nl-NL
		{"2023-09-07 06:03:23.829", orderUndecided, sep7},                                 // sv-SE (ISO-like)
		{"2023/9/7 6:03:23.829", orderUndecided, sep7},                                    // ja-JP
		{"2023-09-07T06:03:23.8292849Z", orderUndecided, sep7.Add(2849 * 100)},            // ISO
		{"9/13/2023, 06:03:23.829", orderUndecided, csvUTC(2023, 9, 13, 6, 3, 23, 829e6)}, // proves month first
		{"9/7/2023, 12:00:00.000 AM", orderUndecided, csvUTC(2023, 9, 7, 0, 0, 0, 0)},
		{"9/7/2023, 12:59:59.999 AM", orderUndecided, csvUTC(2023, 9, 7, 0, 59, 59, 999e6)},
		{"9/7/2023, 12:00:00.000 PM", orderUndecided, csvUTC(2023, 9, 7, 12, 0, 0, 0)},
		{"9/7/2023, 11:59:59.999 PM", orderUndecided, csvUTC(2023, 9, 7, 23, 59, 59, 999e6)},
		{"9/7/2023, 1:00:00.000 PM", orderUndecided, csvUTC(2023, 9, 7, 13, 0, 0, 0)},
		{"9/7/2023, 6:03 AM", orderUndecided, csvUTC(2023, 9, 7, 6, 3, 0, 0)},
		{"9/7/2023, 6:03:23 AM", orderUndecided, csvUTC(2023, 9, 7, 6, 3, 23, 0)},
		{"9/7/2023, 6:03:23.123456789 AM", orderUndecided, csvUTC(2023, 9, 7, 6, 3, 23, 123456700)}, // 100 ns tick
		{"2/29/2024, 6:03:23.829 AM", orderUndecided, csvUTC(2024, 2, 29, 6, 3, 23, 829e6)},
		{" 9/7/2023, 6:03:23.829 AM ", orderUndecided, sep7},
		{"1/1/2023, 00:00:00.000", orderUndecided, csvUTC(2023, 1, 1, 0, 0, 0, 0)},
	}
	for _, c := range cases {
		got, err := parseLocaleTime(c.in, c.order)
		if err != nil || !got.Equal(c.want) || got.Location() != time.UTC {
			t.Errorf("%q (%v): got %v, %v; want %v", c.in, c.order, got, err, c.want)
		}
	}
}

func TestParseLocaleTimeRejects(t *testing.T) {
	for _, bad := range []string{
		"", "yesterday", "9/7/23, 6:03:23 AM", "9/7/2023", "9/7/2023,", "9/7/2023 6", "9/7/2023 6:3",
		"9/7/2023, 0:03:23.829 AM", "9/7/2023, 13:03:23.829 PM", "9/7/2023, 24:00:00.000",
		"9/7/2023, 6:60:00.000", "9/7/2023, 6:03:60.000", "9/7/2023, 6:03:23. AM", "9/7/2023, 6:03:23.1234567890 AM",
		"2/30/2023, 6:03:23 AM", "13/13/2023, 06:03:23", "0/7/2023, 06:03:23", "9/0/2023, 06:03:23",
		"7.13.2023, 06:03:23", "123/7/2023, 06:03:23", "9/7/20234, 06:03:23", "9/7.2023, 06:03:23",
		"9/7/2023, 6:03:23.829 AMX", "9/7/2023, 6:03:23.829 XM", "9/7/2023\t6:03:23", "٩/٧/٢٠٢٣, ٦:٠٣:٢٣",
	} {
		if got, err := parseLocaleTime(bad, orderUndecided); err == nil {
			t.Errorf("%q: got %v, want an error", bad, got)
		} else if !strings.Contains(err.Error(), "is not a timestamp") {
			t.Errorf("%q: error %q does not say it is not a timestamp", bad, err)
		}
	}
}

func TestParseLocaleTimeGivenOrderIsKept(t *testing.T) {
	// A value the given order cannot read is an error, never read the other way.
	if got, err := parseLocaleTime("13/09/2023, 06:03:23.829", orderMonthFirst); err == nil {
		t.Errorf("got %v, want an error", got)
	}
	if got, err := parseLocaleTime("9/13/2023, 6:03:23.829 AM", orderDayFirst); err == nil {
		t.Errorf("got %v, want an error", got)
	}
}

// The reader holds rows back until a date proves the order, assumes it
// when none does, and rejects a row contradicting it.
func TestCSVDateOrderAcrossRows(t *testing.T) {
	cases := []struct {
		name    string
		times   []string
		maxRows int
		want    []string // RFC 3339 date, or "error: <part of the reason>"
	}{
		{"proof comes last", []string{"01/02/2023 10:00", "03/04/2023 10:00", "01/13/2023 10:00"}, 0,
			[]string{"2023-01-02", "2023-03-04", "2023-01-13"}},
		{"proof comes first", []string{"13/01/2023 10:00", "01/02/2023 10:00", "01/13/2023 10:00"}, 0,
			[]string{"2023-01-13", "2023-02-01", "error: this file's dates are day-first (line 2 has"}},
		{"no proof, 24-hour", []string{"01/02/2023 10:00", "03/04/2023 10:00"}, 0,
			[]string{"2023-02-01", "2023-04-03"}},
		{"no proof, AM/PM", []string{`"1/2/2023, 10:00 AM"`, `"3/4/2023, 10:00 PM"`}, 0,
			[]string{"2023-01-02", "2023-03-04"}},
		{"equal fields need no order", []string{"05/05/2023 10:00", "2023-01-01T00:00:00Z", "7.8.2023 10:00"}, 0,
			[]string{"2023-05-05", "2023-01-01", "2023-08-07"}},
		{"proof after the wait limit", []string{"01/02/2023 10:00", "03/04/2023 10:00", "05/06/2023 10:00", "01/13/2023 10:00"}, 2,
			[]string{"2023-02-01", "2023-04-03", "2023-06-05", "error: assumed from the style of \"01/02/2023 10:00\" on line 2"}},
		{"bad rows do not vote", []string{"31/31/2023 10:00", "01/02/2023 10:00", "bad", "02/13/2023 10:00"}, 0,
			[]string{"error: no month 31", "2023-01-02", "error: \"bad\" is not a timestamp", "2023-02-13"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			in := "TimeGenerated [UTC]\n" + strings.Join(c.times, "\n") + "\n"
			rr := newCSVRecordReader(strings.NewReader(in), &laCSVLayout{})
			if c.maxRows > 0 {
				rr.maxRows = c.maxRows
			}
			got, fatal := readAllCSV(t, rr)
			if fatal != nil || len(got) != len(c.want) {
				t.Fatalf("%v, %d records", fatal, len(got))
			}
			for i, w := range c.want {
				g := got[i]
				if g.raw.Line != int64(i+2) || g.raw.Ordinal != int64(i+1) {
					t.Errorf("row %d: line %d ordinal %d", i+1, g.raw.Line, g.raw.Ordinal)
				}
				if reason, ok := strings.CutPrefix(w, "error: "); ok {
					var re *RecordError
					if !errors.As(g.err, &re) || !strings.Contains(re.Reason, reason) || re.Ordinal != int64(i+1) {
						t.Errorf("row %d: %v, want an error with %q", i+1, g.err, reason)
					}
					continue
				}
				if g.err != nil || g.rec.TimeGenerated.Format(time.DateOnly) != w {
					t.Errorf("row %d: %v %v, want %s", i+1, g.err, g.rec.TimeGenerated, w)
				}
			}
		})
	}
}

// parseLocaleTime reads an ISO 8601 timestamp or one of the browser-locale
// spellings localetime.go lists, as UTC truncated to Kusto's 100 ns tick. order settles
// ambiguous slash dates; orderUndecided reads them as defaultOrder says,
// unless a field above 12 proves the order.
func parseLocaleTime(s string, order dateOrder) (time.Time, error) {
	if t, err := ParseTimestamp(s); err == nil {
		return t, nil
	}
	st, err := scanLocaleStamp(s)
	if err != nil {
		return time.Time{}, err
	}
	if order == orderUndecided {
		order = st.proves()
	}
	if order == orderUndecided {
		order = st.defaultOrder()
	}
	return st.resolve(order)
}
