package formats

import (
	"bytes"
	"errors"
	"io"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/guesthunt/guesthunt/data"
)

// checkCSVReaderInvariants drains a reader over data: it must end (EOF or a
// fatal error) within one call per input byte, number every record 1, 2, 3,
// ... from a line that only grows, and give each RecordError an Ordinal.
func checkCSVReaderInvariants(t *testing.T, rr RecordReader, data []byte) {
	lastLine := int64(0)
	for calls := 0; ; calls++ {
		if calls > len(data)+2 {
			t.Fatalf("more than %d calls without an end", calls)
		}
		raw, _, err := rr.Next()
		if err == io.EOF {
			return
		}
		var re *RecordError
		if err != nil && !errors.As(err, &re) {
			if _, _, again := rr.Next(); again == nil || again == io.EOF {
				t.Fatalf("fatal error %v, then %v", err, again)
			}
			return
		}
		if raw.Ordinal != int64(calls+1) || raw.Line < 1 || raw.Line < lastLine {
			t.Fatalf("call %d: ordinal %d line %d (previous line %d)", calls+1, raw.Ordinal, raw.Line, lastLine)
		}
		lastLine = raw.Line
		if re != nil && (re.Ordinal != raw.Ordinal || re.Line != raw.Line || re.Ordinal <= 0) {
			t.Fatalf("RecordError %+v for record %+v", re, raw)
		}
	}
}

func addFixtureSeeds(f *testing.F, names ...string) {
	for _, n := range names {
		b, err := os.ReadFile("testdata/csv/" + n)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
}

func FuzzLACSV(f *testing.F) {
	addFixtureSeeds(f, "la_plain.csv", "la_portal_enus.csv", "la_portal_daymonth.csv")
	for _, s := range []string{
		"", "\ufeff", "TimeGenerated\n", "TimeGenerated\n\"", "TimeGenerated,x\n2023-09-07T06:03:23Z\n",
		"TimeGenerated [UTC],InitiatedBy\n\"01/02/2023 10:00\",{\n\"01/13/2023 10:00\",\"{}\"\n",
		"TimeGenerated,Result\na\"b,c\r\n\"x\"y,z\n\"open\n",
		"TimeGenerated,DurationMs\n2023-09-07T06:03:23Z,99999999999999999999\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		checkCSVReaderInvariants(t, newLACSVReader(bytes.NewReader(data)), data)
	})
}

func FuzzEntraCSV(f *testing.F) {
	addFixtureSeeds(f, "entra_download.csv")
	header := strings.Join(entraTestColumns(), ",") + "\r\n"
	for _, s := range []string{
		"", "Date (UTC)\n", header, header + "2023-09-07T06:03:23Z" + strings.Repeat(",", 85) + "\r\n",
		header + "x,y\r\n\"\r\n", "Date (UTC),ActorType,ActorUserPrincipalName\n\"9/7/2023, 6:03:23 AM\",App,\u202e\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		checkCSVReaderInvariants(t, newEntraCSVReader(bytes.NewReader(data)), data)
	})
}

func FuzzLocaleTime(f *testing.F) {
	for _, s := range []string{
		"9/7/2023, 6:03:23.829 AM", "9/7/2023, 12:00:00.000\u202fPM", "07/09/2023 06:03:23.829", "7.9.2023, 06:03:23,829",
		"2023. 09. 07. 6:03:23", "2023/9/7 6:03", "7-9-2023 06:03:23", "2023-09-07T06:03:23.8292849Z", "13/13/2023 00:00",
		"9/7/2023, 6:03:23.829 a.m.", "", "/", "1/1/0000, 0:00",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, order := range []dateOrder{orderUndecided, orderMonthFirst, orderDayFirst} {
			got, err := parseLocaleTime(s, order)
			if err != nil {
				continue
			}
			if got.Location() != time.UTC || !got.Equal(data.ToTick(got)) {
				t.Fatalf("%q: %v is not UTC at 100 ns", s, got)
			}
			// What an en-US browser would write reads back at millisecond precision.
			if y := got.Year(); y >= 1 && y <= 9999 {
				again, err := parseLocaleTime(got.Format("1/2/2006, 3:04:05.000 PM"), orderMonthFirst)
				if err != nil || !again.Equal(got.Truncate(time.Millisecond)) {
					t.Fatalf("%q: %v reads back as %v, %v", s, got, again, err)
				}
			}
		}
	})
}
